package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siprec.codecs.g711.G711;
import dev.siprec.sip.message.SipResponse;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SRTP from an independent implementation: Debian's ffmpeg encrypts both legs of a recorded
 * call ({@code -f rtp -srtp_out_suite AES_CM_128_HMAC_SHA1_80}) with the keys of our test SRC's
 * offer, and writes the same PCMU to a file. Each
 * recorded channel must hold the G.711 decode of that file, sample for sample. CI runs it
 * ({@code -Dsiprec.interop=true}, ffmpeg installed by {@code .ci/run}); elsewhere it is
 * skipped with a message when ffmpeg is missing.
 */
class SrtpFfmpegInteropTest extends RecordingServerTest {

    @BeforeAll
    static void ffmpegAvailable() {
        String path = System.getenv("PATH");
        boolean found = path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "ffmpeg")));
        if (!found && Boolean.getBoolean("siprec.interop")) {
            fail("SRTP interop test required (-Dsiprec.interop=true) but ffmpeg is not on PATH");
        }
        String skipped = "SRTP interop test skipped: ffmpeg not on PATH (apt-get install ffmpeg)";
        if (!found) {
            System.out.println(skipped);
        }
        assumeTrue(found, skipped);
    }


    static final String[] KEYS = { // 30 octets each: AES-128 key and 112-bit salt
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd", "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB"};

    @Test
    void bothLegsFromFfmpegSrtpEqualTheDecodeOfWhatItSent(@TempDir Path dir) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(43000, 43999).sampleRate(8000)
                .listener(recorder).threads(2).latchSources(true)
                // a fixed playout delay: ffmpeg paces in bursts, and an adaptive one would time-scale
                .jitterDelay(Duration.ofMillis(300), Duration.ofMillis(300)).start();
        StringBuilder sdp = new StringBuilder("v=0\r\no=SBC 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n");
        for (int i = 0; i < 2; i++) {
            sdp.append("m=audio ").append(30000 + 2 * i).append(" RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
                    .append("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:").append(KEYS[i]).append("\r\n")
                    .append("a=sendonly\r\na=label:").append(i + 1).append("\r\n");
        }
        List<Process> senders = new ArrayList<>();
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(sdp.toString(), TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(src.answer.media().get(0).attributeValue("crypto")).startsWith("1 AES_CM_128_HMAC_SHA1_80 inline:");
            src.ack();
            double[] hz = {440, 1000};
            // ffmpeg encrypts as fast as it can to a collecting socket; this test then plays its
            // packets to the recorder at the pace their timestamps give (ffmpeg's own real-time
            // pacing comes in bursts, which the recorder would rightly smooth by time scaling)
            List<List<byte[]>> captured = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try (java.net.DatagramSocket collect = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    collect.setReceiveBufferSize(4 << 20);
                    collect.setSoTimeout(1500); // ffmpeg sends all of it within milliseconds
                    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error",
                            "-f", "lavfi", "-i", "sine=frequency=" + hz[i] + ":sample_rate=8000:duration=3:samples_per_frame=160",
                            "-ar", "8000", "-ac", "1", "-acodec", "pcm_mulaw",
                            "-f", "tee", "-map", "0:a",
                            "[f=rtp:srtp_out_suite=AES_CM_128_HMAC_SHA1_80:srtp_out_params=" + KEYS[i]
                                    + "]srtp://127.0.0.1:" + collect.getLocalPort() + "?pkt_size=200"
                                    + "|[f=mulaw]" + dir.resolve("leg" + i + ".ulaw"))
                            .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg" + i + ".log").toFile()).start();
                    senders.add(p);
                    List<byte[]> packets = new ArrayList<>();
                    byte[] in = new byte[2048];
                    try {
                        while (true) {
                            java.net.DatagramPacket d = new java.net.DatagramPacket(in, in.length);
                            collect.receive(d);
                            packets.add(java.util.Arrays.copyOf(in, d.getLength()));
                        }
                    } catch (java.net.SocketTimeoutException done) {
                        // ffmpeg has finished
                    }
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).as(Files.readString(dir.resolve("ffmpeg" + i + ".log"))).isZero();
                    captured.add(packets);
                }
            }
            // both legs at once, each packet when its timestamp falls due (RTCP ones are not
            // forwarded here: they went to the collector's port + 1)
            long start = System.nanoTime();
            int[] next = new int[2];
            long[] firstTs = {-1, -1};
            try (java.net.DatagramSocket out0 = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
                 java.net.DatagramSocket out1 = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                java.net.DatagramSocket[] out = {out0, out1};
                while (next[0] < captured.get(0).size() || next[1] < captured.get(1).size()) {
                    long now = System.nanoTime() - start;
                    for (int leg = 0; leg < 2; leg++) {
                        while (next[leg] < captured.get(leg).size()) {
                            byte[] pkt = captured.get(leg).get(next[leg]);
                            long ts = ((pkt[4] & 0xFFL) << 24) | ((pkt[5] & 0xFFL) << 16) | ((pkt[6] & 0xFFL) << 8)
                                    | (pkt[7] & 0xFFL);
                            if (firstTs[leg] < 0) {
                                firstTs[leg] = ts;
                            }
                            if (((ts - firstTs[leg]) & 0xFFFFFFFFL) * 125_000L > now) {
                                break;
                            }
                            out[leg].send(new java.net.DatagramPacket(pkt, pkt.length, InetAddress.getLoopbackAddress(),
                                    src.rtpPorts[leg]));
                            next[leg]++;
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
            recorder.awaitPlayedOut(recorder.last());
            assertThat(src.bye().statusCode()).isEqualTo(200);
        } finally {
            senders.forEach(Process::destroyForcibly);
        }
        RecordingSession s = recorder.last();
        s.ended().get(10, TimeUnit.SECONDS);
        short[][] audio = recorder.audio.get(s.id());
        // label 2 (1000 Hz, leg 1) is Bob, first in the metadata: channel 0
        int[] channelOfLeg = {1, 0};
        for (int leg = 0; leg < 2; leg++) {
            byte[] sent = Files.readAllBytes(dir.resolve("leg" + leg + ".ulaw"));
            short[] expected = new short[sent.length];
            for (int i = 0; i < sent.length; i++) {
                expected[i] = G711.ulawToLinear(sent[i]);
            }
            int c = channelOfLeg[leg];
            assertThat(s.stats(c).packetsUnauthenticated()).as("leg " + leg).isZero();
            assertThat(s.stats(c).packetsReceived()).as("leg " + leg).isGreaterThanOrEqualTo(sent.length / 160 - 1);
            assertThat(s.srtpSuite(c)).isEqualTo("AES_CM_128_HMAC_SHA1_80");
            int signal = (int) java.util.stream.IntStream.range(0, expected.length).filter(k -> expected[k] != 0).count();
            assertThat(matchLength(audio[c], expected)).as("leg " + leg + ": samples equal to the decode of what "
                    + "ffmpeg sent").isGreaterThanOrEqualTo(signal - 160);
        }
    }

    /**
     * How many samples of {@code expected} the recording holds sample for sample, in runs of at
     * least one packet (80 samples), allowing the runs to shift a little against each other:
     * the recorder follows a bursty sender's clock by time scaling (a few samples dropped or
     * repeated at a time), which moves what follows without changing it. A wrong keystream
     * would decode to noise that matches nothing.
     */
    static int matchLength(short[] recorded, short[] expected) {
        int matched = 0;
        int offset = Integer.MIN_VALUE; // expected index - recorded index
        int i = 0;
        while (i + 80 <= recorded.length) {
            if (offset != Integer.MIN_VALUE && i + offset >= 0 && i + offset < expected.length
                    && recorded[i] == expected[i + offset]) {
                if (recorded[i] != 0) { // silence matches anywhere: count what carries signal
                    matched++;
                }
                i++;
                continue;
            }
            int found = find(recorded, i, expected, offset);
            if (found == Integer.MIN_VALUE) {
                i += 8; // inside a scaled stretch: look again a little later
            } else {
                offset = found;
            }
        }
        return matched;
    }

    /** The offset near {@code around} (anywhere at first) at which 80 samples from {@code at} match. */
    private static int find(short[] recorded, int at, short[] expected, int around) {
        int from = around == Integer.MIN_VALUE ? -at : around - 400;
        int to = around == Integer.MIN_VALUE ? expected.length - at : around + 400;
        outer:
        for (int d = from; d <= to; d++) {
            if (at + d < 0 || at + d + 80 > expected.length) {
                continue;
            }
            for (int k = 0; k < 80; k++) {
                if (recorded[at + k] != expected[at + d + k]) {
                    continue outer;
                }
            }
            return d;
        }
        return Integer.MIN_VALUE;
    }
}
