package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.codecs.g711.G711;
import dev.siprec.media.OfflineDecode;
import dev.siprec.testing.G729Itu;
import dev.siprec.testing.Signals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user records is what an offline decoder makes of the same packets: many calls through
 * one server, one after another and side by side, in every codec, at every output rate. Each
 * channel of every call must equal the offline decode and rate conversion of the packets its
 * stream carried (within 1 LSB), and an 8 kHz codec up-sampled must have nothing above 4.1 kHz
 * (below -60 dB): a hole or a step at a packet boundary would put a click there.
 *
 * <p>The SRC sends its first packet a few milliseconds after the answer, at a different delay
 * on each call: where a packet starts against the 20 ms frames the server delivers decides
 * whether a converter's delay carries part of it into a frame that is already out.
 */
class RecordingFidelityTest {

    static final int PACKETS = 60; // 1.2 s per call
    static final int ROUNDS = 5; // calls per codec, one after another
    static final int[] FIRST_PACKET_DELAY_MS = {0, 1, 3, 7, 13};

    enum Codec {
        PCMU(0, "PCMU/8000"), PCMA(8, "PCMA/8000"), G729(18, "G729/8000\r\na=fmtp:18 annexb=no"), G722(9, "G722/8000");

        final int payloadType;
        final String rtpmap;

        Codec(int payloadType, String rtpmap) {
            this.payloadType = payloadType;
            this.rtpmap = rtpmap;
        }

        String encoding() {
            return name();
        }

        boolean narrowband() {
            return this != G722;
        }
    }

    /** Captures every session's audio by its SIP Call-ID. */
    static final class Capture implements RecordingListener {
        final Map<String, RecordingSession> sessions = new ConcurrentHashMap<>();
        final Map<String, short[][]> audio = new ConcurrentHashMap<>();
        final Map<String, Long> delivered = new ConcurrentHashMap<>(); // samples per channel, by session id

        @Override
        public void onSessionStarted(RecordingSession session) {
            audio.put(session.id(), new short[session.channels().size()][session.sampleRate() * 4]);
            sessions.put(session.sipCallId(), session);
        }

        @Override
        public void onAudio(RecordingSession session, AudioFrame frame) {
            short[][] channels = audio.get(session.id());
            int at = (int) frame.position();
            delivered.put(session.id(), frame.position() + frame.samplesPerChannel());
            for (int c = 0; c < frame.channels(); c++) {
                for (int i = 0; i < frame.samplesPerChannel() && at + i < channels[c].length; i++) {
                    channels[c][at + i] = frame.sample(c, i);
                }
            }
        }

        @Override
        public void onSessionEnded(RecordingSession session, EndReason reason) {
            // session.ended() tells the test
        }

        RecordingSession await(String callId) throws Exception {
            dev.siprec.testing.Await.until("session of " + callId, java.time.Duration.ofSeconds(5),
                    () -> sessions.containsKey(callId));
            return sessions.get(callId);
        }
    }

    final Capture capture = new Capture();
    SiprecServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The payloads stream {@code leg} (0 or 1) of a call sends: two different signals per codec. */
    static List<byte[]> payloads(Codec codec, int leg) throws IOException {
        List<byte[]> out = new ArrayList<>();
        switch (codec) {
            case PCMU, PCMA -> {
                // two tones of incommensurate frequencies, slowly modulated: no period short
                // enough to make the recording's place in it ambiguous
                double f1 = leg == 0 ? 437.3 : 701.1;
                double f2 = leg == 0 ? 1234.7 : 2093.9;
                double am = leg == 0 ? 2.3 : 3.7;
                for (int k = 0; k < PACKETS; k++) {
                    byte[] p = new byte[160];
                    for (int i = 0; i < 160; i++) {
                        double t = (160.0 * k + i) / 8000;
                        double level = 1 + 0.5 * Math.sin(2 * Math.PI * am * t);
                        int v = (int) (level * (5000 * Math.sin(2 * Math.PI * f1 * t) + 2500 * Math.sin(2 * Math.PI * f2 * t)));
                        p[i] = codec == Codec.PCMU ? G711.linearToUlaw(v) : G711.linearToAlaw(v);
                    }
                    out.add(p);
                }
            }
            case G729 -> {
                // ITU-T test speech (an Annex A vector; its frame 19 is erased, the 364 after it
                // are speech): two 10 ms frames a packet
                List<byte[]> frames = G729Itu.toRtp(G729Itu.resource("OVERFLOW.BIT"));
                int first = 20 + (leg == 0 ? 0 : 2 * PACKETS);
                for (int k = 0; k < PACKETS; k++) {
                    byte[] a = frames.get(first + 2 * k);
                    byte[] b = frames.get(first + 2 * k + 1);
                    assertThat(a).hasSize(10);
                    assertThat(b).hasSize(10);
                    byte[] p = new byte[20];
                    System.arraycopy(a, 0, p, 0, 10);
                    System.arraycopy(b, 0, p, 10, 10);
                    out.add(p);
                }
            }
            case G722 -> {
                // the ITU-T STL demo bitstream, 25 packets, looped; leg 1 half a second in
                byte[] stream = EndToEndTest.resource("/g722/stl_first4000.g722");
                int count = stream.length / 160;
                for (int k = 0; k < PACKETS; k++) {
                    int slice = (k + (leg == 0 ? 0 : count / 2)) % count;
                    out.add(java.util.Arrays.copyOfRange(stream, slice * 160, slice * 160 + 160));
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** One recording call: INVITE, ACK, both streams in real time, BYE; returns its Call-ID. */
    String call(Codec codec, int firstPacketDelayMs) throws Exception {
        List<byte[]> a = payloads(codec, 0);
        List<byte[]> b = payloads(codec, 1);
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            String offer = TestSrc.offerCodecs(codec.payloadType + " 101", "a=rtpmap:" + codec.payloadType + " "
                    + codec.rtpmap + "\r\n", "1", "2");
            assertThat(src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(offer, TestSrc.METADATA))
                    .statusCode()).isEqualTo(200);
            src.ack();
            if (firstPacketDelayMs > 0) {
                Thread.sleep(firstPacketDelayMs);
            }
            src.stream(PACKETS, codec.payloadType, (k, packet, offset) -> copy(a.get(k), packet, offset),
                    (k, packet, offset) -> copy(b.get(k), packet, offset));
            RecordingSession session = capture.await(src.callId);
            TestSrc.awaitPlayedOut(session, () -> capture.delivered.getOrDefault(session.id(), 0L));
            assertThat(src.bye().statusCode()).isEqualTo(200);
            return src.callId;
        }
    }

    private static int copy(byte[] payload, byte[] packet, int offset) {
        System.arraycopy(payload, 0, packet, offset, payload.length);
        return payload.length;
    }

    @ParameterizedTest(name = "recorded at {0} Hz")
    @ValueSource(ints = {8000, 16000, 48000})
    void everyChannelOfEveryCallEqualsTheOfflineDecodeOfItsPackets(int rate) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // a fixed playout delay long enough that a busy machine loses no packet to lateness: the
        // comparison is exact, so concealment must not enter it
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(43000, 43999).sampleRate(rate)
                .listener(capture).threads(2).jitterDelay(Duration.ofMillis(200)).start();
        ExecutorService pool = Executors.newFixedThreadPool(Codec.values().length);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                // every codec's call of this round at once; the rounds one after another
                Map<Codec, Future<String>> calls = new java.util.EnumMap<>(Codec.class);
                int delay = FIRST_PACKET_DELAY_MS[round];
                for (Codec codec : Codec.values()) {
                    calls.put(codec, pool.submit(() -> call(codec, delay)));
                }
                for (Map.Entry<Codec, Future<String>> e : calls.entrySet()) {
                    String callId = e.getValue().get(30, TimeUnit.SECONDS);
                    RecordingSession s = capture.await(callId);
                    assertThat(s).as("session of %s call %d", e.getKey(), round).isNotNull();
                    s.ended().get(10, TimeUnit.SECONDS);
                    assertCallEqualsOfflineDecode(s, e.getKey(), rate, "%s call %d at %d Hz".formatted(e.getKey(), round, rate));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        worstAbove.forEach((what, db) -> System.out.printf("%s: energy above 4.1 kHz at most %.1f dB%n", what, db));
    }

    final Map<String, Double> worstAbove = new java.util.TreeMap<>();

    void assertCallEqualsOfflineDecode(RecordingSession s, Codec codec, int rate, String what) throws IOException {
        short[][] channels = capture.audio.get(s.id());
        for (RecordedChannel ch : s.channels()) {
            int leg = ch.label().equals("1") ? 0 : 1;
            String which = what + ", channel " + ch.index() + " (leg " + leg + ")";
            assertThat(s.stats(ch.index()).packetsReceived()).as(which).isEqualTo(PACKETS);
            assertThat(s.stats(ch.index()).packetsLost()).as(which + ": lost (the comparison needs every packet)").isZero();
            short[] expected = OfflineDecode.decode(codec.encoding(), rate, payloads(codec, leg));
            short[] recorded = channels[ch.index()];
            int at = placement(recorded, expected);
            assertThat(at).as(which + ": the offline decode's place in the recording").isNotEqualTo(Integer.MIN_VALUE);
            int mismatches = 0;
            int first = -1;
            int worst = 0;
            for (int i = Math.max(0, -at); i < expected.length; i++) {
                int d = Math.abs(recorded[at + i] - expected[i]);
                if (d > 1) {
                    mismatches++;
                    worst = Math.max(worst, d);
                    if (first < 0) {
                        first = i;
                    }
                    if (System.getProperty("fidelity.debug") != null && mismatches < 400) {
                        System.out.println(which + " i=" + i + " rec=" + recorded[at + i] + " exp=" + expected[i] + " at=" + at);
                    }
                }
            }
            assertThat(mismatches).as("%s: samples that differ from the offline decode by more than 1 LSB "
                    + "(first at %d of %d, worst %d)", which, first, expected.length, worst).isZero();
            if (codec.narrowband() && rate > 8000) {
                // away from the ends (the recording starts and stops abruptly)
                int margin = rate / 50;
                double above = Signals.energyAboveDb(recorded, Math.max(0, at) + margin,
                        expected.length - 2 * margin - Math.max(0, -at), rate, 4100);
                assertThat(above).as(which + ": energy above 4.1 kHz (dB of the total)").isLessThan(-60);
                worstAbove.merge(codec + " at " + rate + " Hz", above, Math::max);
            }
        }
    }

    /**
     * Where the offline decode sits in the recording: the offset at which 64 samples of it from
     * its first loud one match within 1 LSB, or {@code Integer.MIN_VALUE}. The recording starts
     * where the first packet arrived, less the converter's delay (which may cut its first samples).
     */
    static int placement(short[] recorded, short[] expected) {
        int loud = 400; // past the converter's ramp-in and any part the recording cut
        while (loud < expected.length && Math.abs(expected[loud]) < 500) {
            loud++;
        }
        for (int at = -loud; at + loud + 64 <= recorded.length; at++) {
            boolean match = true;
            for (int j = 0; j < 64 && match; j++) {
                match = Math.abs(recorded[at + loud + j] - expected[loud + j]) <= 1;
            }
            if (match) {
                return at;
            }
        }
        return Integer.MIN_VALUE;
    }
}
