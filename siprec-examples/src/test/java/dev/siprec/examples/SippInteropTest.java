package dev.siprec.examples;

import static dev.siprec.testing.Signals.firstSound;
import static dev.siprec.testing.Signals.power;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siprec.codecs.g711.G711;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIPp (Debian's sip-tester) as a real SRC against the example recorder, over UDP and TCP:
 * the WAV and JSON it writes are checked. CI runs it ({@code -Dsiprec.interop=true}, where a
 * missing sipp fails the build); elsewhere it runs when sipp is installed and we are root
 * (play_pcap_audio needs raw sockets), and is skipped with a message otherwise.
 */
class SippInteropTest {

    static final int PACKETS = 100; // 2 s of audio per leg
    static final double LEFT_HZ = 440;
    static final double RIGHT_HZ = 1000;

    @BeforeAll
    static void sippAvailable() {
        boolean required = Boolean.getBoolean("siprec.interop");
        String problem = null;
        if (!onPath("sipp")) {
            problem = "sipp not found on PATH (install Debian's sip-tester)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            problem = "SIPp's play_pcap_audio needs root (raw sockets)";
        }
        if (problem != null && required) {
            fail("SIPp interop tests required (-Dsiprec.interop=true) but " + problem);
        }
        String skipped = "SIPp interop tests skipped: " + problem
                + "; to run them: apt-get install sip-tester, then as root mvn -B test -Dsiprec.interop=true";
        if (problem != null) {
            System.out.println(skipped); // shown in the test output, not only in the report
        }
        assumeTrue(problem == null, skipped);
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** An even port free for TCP and for UDP (and UDP on port+2, for SIPp's media), from 21000-30999. */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 21000 + 2 * random.nextInt(5000);
            try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                 DatagramSocket udp2 = new DatagramSocket(port + 2, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free port");
    }

    /** Two PCMU legs: label 1 to pcap port 6000 (440 Hz), label 2 to 6002 (1000 Hz), 20 ms apart. */
    static void writePcap(Path file) throws IOException {
        PcapWriter pcap = new PcapWriter();
        for (int k = 0; k < PACKETS; k++) {
            pcap.add(20_000L * k, 7000, 6000, rtp(1000 + k, 160L * k, 0x11000000, LEFT_HZ, k));
            pcap.add(20_000L * k + 500, 7002, 6002, rtp(65500 + k, 0xFFFFFC00L + 160L * k, 0x22000000, RIGHT_HZ, k));
        }
        pcap.write(file);
    }

    static byte[] rtp(int seq, long ts, int ssrc, double hz, int k) {
        ByteBuffer b = ByteBuffer.allocate(172);
        b.put((byte) 0x80).put((byte) (k == 0 ? 0x80 : 0)).putShort((short) seq).putInt((int) ts).putInt(ssrc);
        for (int i = 0; i < 160; i++) {
            double t = (160.0 * k + i) / 8000;
            b.put(G711.linearToUlaw((int) (8000 * Math.sin(2 * Math.PI * hz * t))));
        }
        return b.array();
    }

    @ParameterizedTest(name = "SIPp over {0}")
    @ValueSource(strings = {"u1", "t1"})
    void sippRecordsAStereoCall(String transport, @TempDir Path dir) throws Exception {
        Path out = runSipp("siprec_stereo.xml", transport, dir);
        checkRecording(out);
    }

    @ParameterizedTest(name = "SIPp over {0}")
    @ValueSource(strings = {"u1", "t1"})
    void sippHoldsResumesUpdatesMetadataAndRefreshesTheSession(String transport, @TempDir Path dir) throws Exception {
        Path out = runSipp("siprec_midcall.xml", transport, dir);
        Path json;
        try (Stream<Path> s = Files.list(out)) {
            json = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String j = Files.readString(json);
        assertThat(j).contains("\"endReason\": \"BYE\"").contains("\"sampleRate\": 8000");
        // what time scaling took out or put in, per channel (issue 14)
        assertThat(Pattern.compile("\"samplesDropped\": \\d+,\\s*\"samplesInserted\": \\d+").matcher(j).results().count())
                .as("time-scaling counters of each channel").isEqualTo(2);
        // the partial update merged: Carol joined and now sends label 2, which is channel 1
        assertThat(Pattern.compile("\"label\": \"2\"[^}]*\"aor\": \"sip:carol@example.org\"").matcher(j).find())
                .as("channel of label 2 names Carol after the update").isTrue();
        assertThat(j).contains("\"aor\": \"sip:alice@example.com\"").contains("\"aor\": \"sip:bob@example.net\"");
    }

    /** What the SRC sends on both legs: the payload type and encoding it offers, and the pcap. */
    interface Media {
        int payloadType();

        String encoding();

        /** The rtpmap's encoding/clock[/channels]. */
        default String rtpmap() {
            return encoding() + "/8000";
        }

        void writePcap(Path file) throws IOException;
    }

    /** PCMU tones: 440 Hz on label 1, 1000 Hz on label 2. */
    static final Media TONES = new Media() {
        public int payloadType() {
            return 0;
        }

        public String encoding() {
            return "PCMU";
        }

        public void writePcap(Path file) throws IOException {
            SippInteropTest.writePcap(file);
        }
    };

    /** Starts the recorder, runs one SIPp call of {@code scenario} with PCMU tones, returns the recordings folder. */
    static Path runSipp(String scenarioName, String transport, Path dir) throws Exception {
        return runSipp(scenarioName, transport, dir, TONES);
    }

    /** Starts the recorder, runs one SIPp call of {@code scenario}, returns the recordings folder. */
    static Path runSipp(String scenarioName, String transport, Path dir, Media media) throws Exception {
        Path out = dir.resolve("recordings");
        int sipPort = freePort();
        WavRecorder.Options options = new WavRecorder.Options("127.0.0.1", sipPort, 43000, 43999, out, 8000);
        Path pcap = dir.resolve("media.pcap");
        media.writePcap(pcap);
        String scenario;
        try (InputStream in = SippInteropTest.class.getResourceAsStream("/sipp/" + scenarioName)) {
            scenario = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@ENCODING@/8000", media.rtpmap())
                    .replace("@PCAP@", pcap.toString()).replace("@HOLD_MS@", "2500")
                    .replace("@PT@", Integer.toString(media.payloadType())).replace("@ENCODING@", media.encoding());
        }
        Path scenarioFile = dir.resolve(scenarioName);
        Files.writeString(scenarioFile, scenario);
        try (WavRecorder recorder = WavRecorder.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            int clientPort = freePort();
            int mediaPort = freePort();
            Process sipp = new ProcessBuilder("sipp", "127.0.0.1:" + sipPort, "-sf", scenarioFile.toString(),
                    "-m", "1", "-t", transport, "-i", "127.0.0.1", "-p", Integer.toString(clientPort),
                    "-mp", Integer.toString(mediaPort), "-s", "srs", "-nostdin", "-timeout", "40s",
                    "-timeout_error", "-trace_err", "-error_file", dir.resolve("sipp_errors.log").toString())
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sipp.out").toFile()).start();
            if (!sipp.waitFor(60, TimeUnit.SECONDS)) {
                sipp.destroyForcibly();
                fail("sipp did not finish");
            }
            String console = Files.readString(dir.resolve("sipp.out"));
            String errors = Files.exists(dir.resolve("sipp_errors.log"))
                    ? Files.readString(dir.resolve("sipp_errors.log")) : "";
            assertThat(sipp.exitValue()).as("sipp exit status; output:%n%s%nerrors:%n%s", console, errors)
                    .isZero();
            waitForJson(out);
            assertThat(recorder.server().activeSessions()).isEmpty();
        }
        return out;
    }

    static void waitForJson(Path out) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Stream<Path> files = Files.list(out)) {
                if (files.anyMatch(p -> p.toString().endsWith(".json"))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail("no JSON written in " + out);
    }

    static void checkRecording(Path out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSize(2);
        Path json = files.stream().filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        Path wav = files.stream().filter(p -> p.toString().endsWith(".wav")).findFirst().orElseThrow();
        assertThat(json.getFileName().toString().replace(".json", ""))
                .isEqualTo(wav.getFileName().toString().replace(".wav", ""));
        String j = Files.readString(json);
        assertThat(j).contains("\"endReason\": \"BYE\"").contains("\"sampleRate\": 8000")
                .contains("\"mixed\": false").contains("\"sipCallId\": \"")
                .contains("\"aor\": \"sip:alice@example.com\"").contains("\"codec\": \"PCMU/8000\"");
        Matcher received = Pattern.compile("\"packetsReceived\": (\\d+)").matcher(j);
        for (int c = 0; c < 2; c++) {
            assertThat(received.find()).isTrue();
            assertThat(Integer.parseInt(received.group(1))).isEqualTo(PACKETS);
        }
        // a listener writing a file keeps up: nothing dropped on the way to it, and every frame counted
        assertThat(j).contains("\"framesDropped\": 0").contains("\"latencyMeanMillis\": ");
        assertThat(Pattern.compile("\"framesDelivered\": (\\d+)").matcher(j).results()
                .mapToLong(r -> Long.parseLong(r.group(1))).findFirst().orElse(-1)).isGreaterThan(100);
        assertThat(Pattern.compile("\"label\": \"1\"[\\s\\S]*\"label\": \"2\"").matcher(j).find())
                .as("channel 0 is label 1 (Alice, first participant), channel 1 is label 2").isTrue();

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(b.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(b.capacity() - 8);
        assertThat(b.getShort(22)).isEqualTo((short) 2);
        assertThat(b.getInt(24)).isEqualTo(8000);
        int frames = b.getInt(40) / 4;
        assertThat(frames).isGreaterThan(2 * 8000);
        short[] left = new short[frames];
        short[] right = new short[frames];
        for (int i = 0; i < frames; i++) {
            left[i] = b.getShort(44 + 4 * i);
            right[i] = b.getShort(46 + 4 * i);
        }
        int l0 = firstSound(left);
        int r0 = firstSound(right);
        assertThat(l0).isPositive();
        assertThat(Math.abs(l0 - r0)).as("legs aligned within one 20 ms frame").isLessThanOrEqualTo(160);
        int from = Math.max(l0, r0) + 200;
        assertThat(power(left, from, 12000, LEFT_HZ, 8000)).isGreaterThan(1000 * power(left, from, 12000, RIGHT_HZ, 8000));
        assertThat(power(right, from, 12000, RIGHT_HZ, 8000)).isGreaterThan(1000 * power(right, from, 12000, LEFT_HZ, 8000));
    }



    /**
     * A G.729 call from a real encoder: the kit's bcg729-encoded talkers (two 10 ms frames per
     * packet), the first 2 s of each leg sent by SIPp. Each channel must hold exactly what this
     * project's decoder makes of that leg's payloads, and speech, not silence.
     */
    @org.junit.jupiter.api.Test
    void sippRecordsAG729CallFromARealEncoder(@TempDir Path dir) throws Exception {
        recordsARealEncodersCall(dir, "g729", 18, "G729/8000", "G729/8000", dev.siprec.codecs.g729.G729Decoder::new);
    }

    /**
     * An Opus call from a real encoder (the kit's libopus-encoded talkers, opus/48000/2 with
     * dynamic payload type 111 as SBCs offer it), sent by SIPp: each channel of the 8 kHz
     * recording is exactly what this project's decoder makes of that leg at 8 kHz.
     */
    @org.junit.jupiter.api.Test
    void sippRecordsAnOpusCallFromARealEncoder(@TempDir Path dir) throws Exception {
        recordsARealEncodersCall(dir, "opus", 111, "opus/48000/2", "opus/48000",
                () -> dev.siprec.codecs.registry.CodecRegistry.defaults().newDecoder("opus", 48000, 2, 8000, 1));
    }

    /**
     * SIPp sends the first 2 s of the kit's two {@code prefix}_leg pcaps, offered as
     * {@code rtpmap}; the recording's JSON names {@code codec}, and each channel of the 8 kHz
     * recording must be exactly a fresh decoder's output for that leg's payloads (20 ms, 160
     * samples a packet), and speech.
     */
    private void recordsARealEncodersCall(Path dir, String prefix, int payloadType, String rtpmap, String codec,
                                          java.util.function.Supplier<dev.siprec.codecs.AudioDecoder> decoders)
            throws Exception {
        Path media = dev.siprec.testing.Kit.path("sip-scenarios/media");
        List<byte[]> leg1 = rtpPackets(media.resolve(prefix + "_leg1.pcap"), PACKETS);
        List<byte[]> leg2 = rtpPackets(media.resolve(prefix + "_leg2.pcap"), PACKETS);
        Media legs = new Media() {
            public int payloadType() {
                return payloadType;
            }

            public String encoding() {
                return rtpmap.substring(0, rtpmap.indexOf('/'));
            }

            public String rtpmap() {
                return rtpmap;
            }

            public void writePcap(Path file) throws IOException {
                PcapWriter pcap = new PcapWriter();
                for (int k = 0; k < PACKETS; k++) {
                    pcap.add(20_000L * k, 7000, 6000, leg1.get(k));
                    pcap.add(20_000L * k + 500, 7002, 6002, leg2.get(k));
                }
                pcap.write(file);
            }
        };
        Path out = runSipp("siprec_stereo.xml", "u1", dir, legs);
        Path json;
        Path wav;
        try (Stream<Path> s = Files.list(out)) {
            List<Path> files = s.sorted().toList();
            json = files.stream().filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            wav = files.stream().filter(p -> p.toString().endsWith(".wav")).findFirst().orElseThrow();
        }
        String j = Files.readString(json);
        assertThat(j).contains("\"codec\": \"" + codec + "\"").contains("\"endReason\": \"BYE\"");
        Matcher received = Pattern.compile("\"packetsReceived\": (\\d+)").matcher(j);
        for (int c = 0; c < 2; c++) {
            assertThat(received.find()).isTrue();
            assertThat(Integer.parseInt(received.group(1))).isEqualTo(PACKETS);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        int frames = b.getInt(40) / 4;
        short[][] channels = new short[2][frames];
        for (int i = 0; i < frames; i++) {
            channels[0][i] = b.getShort(44 + 4 * i);
            channels[1][i] = b.getShort(46 + 4 * i);
        }
        List<List<byte[]>> sent = List.of(leg1, leg2);
        for (int c = 0; c < 2; c++) {
            dev.siprec.codecs.AudioDecoder decoder = decoders.get();
            short[] expected = new short[PACKETS * 160];
            for (int k = 0; k < PACKETS; k++) {
                byte[] packet = sent.get(c).get(k);
                assertThat(decoder.decode(packet, 12, packet.length - 12, expected, 160 * k)).isEqualTo(160);
            }
            int from = firstSound(expected) + 400;
            int at = locate(channels[c], expected, from) - from;
            assertThat(at).as("leg %d's decode found on channel %d", c + 1, c).isGreaterThanOrEqualTo(0);
            for (int i = 0; i < expected.length; i++) {
                assertThat(channels[c][at + i]).as("channel %d, sample %d", c, i).isEqualTo(expected[i]);
            }
            assertThat(meanSquare(expected)).as("leg %d is speech, not silence", c + 1).isGreaterThan(1e5);
        }
    }

    /** The first {@code count} RTP packets (header and payload) of a pcap of Ethernet/IPv4/UDP frames. */
    static List<byte[]> rtpPackets(Path pcap, int count) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        java.util.ArrayList<byte[]> packets = new java.util.ArrayList<>();
        int at = 24; // global header
        while (at + 16 <= b.capacity() && packets.size() < count) {
            int captured = b.getInt(at + 8);
            int frame = at + 16;
            int ipHeader = (b.get(frame + 14) & 0x0F) * 4;
            int udp = frame + 14 + ipHeader;
            int udpLength = ((b.get(udp + 4) & 0xFF) << 8) | (b.get(udp + 5) & 0xFF);
            byte[] rtp = new byte[udpLength - 8];
            b.get(udp + 8, rtp);
            packets.add(rtp);
            at = frame + captured;
        }
        assertThat(packets).as("RTP packets in %s", pcap).hasSize(count);
        return packets;
    }

    /** Where on the channel {@code reference[from, from + 64)} appears, or -1. */
    static int locate(short[] channel, short[] reference, int from) {
        outer:
        for (int at = 0; at + 64 < channel.length; at++) {
            for (int i = 0; i < 64; i++) {
                if (channel[at + i] != reference[from + i]) {
                    continue outer;
                }
            }
            return at;
        }
        return -1;
    }

    static double meanSquare(short[] s) {
        double e = 0;
        for (short v : s) {
            e += (double) v * v;
        }
        return e / s.length;
    }
}
