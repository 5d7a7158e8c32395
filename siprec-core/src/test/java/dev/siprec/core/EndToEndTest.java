package dev.siprec.core;

import static dev.siprec.testing.Signals.firstSound;
import static dev.siprec.testing.Signals.power;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.siprec.codecs.g722.G722Decoder;
import dev.siprec.core.metadata.RecordingMetadata;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.sdp.Direction;
import dev.siprec.sip.sdp.MediaDescription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A test SRC talks SIP and RTP to a real server over loopback. */
class EndToEndTest {

    /** Records what the listener saw, per session. */
    static final class Recorder implements RecordingListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, short[][]> audio = new ConcurrentHashMap<>();
        final Map<String, Integer> samples = new ConcurrentHashMap<>();
        volatile RecordingSession last;

        /** The session most recently started (see {@link TestSrc#started}). */
        RecordingSession last() throws InterruptedException {
            return TestSrc.started(() -> last);
        }

        @Override
        public void onSessionStarted(RecordingSession session) {
            last = session;
            events.add("started " + session.sipCallId());
            audio.put(session.id(), new short[session.channels().size()][session.sampleRate() * 30]);
            samples.put(session.id(), 0);
        }

        // set by a test: the next onAudio takes this long (a listener that blocks)
        volatile long holdLoopMillis;
        volatile java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void onAudio(RecordingSession session, AudioFrame frame) {
            long hold = holdLoopMillis;
            if (hold > 0) {
                holdLoopMillis = 0;
                holding.countDown();
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            short[][] channels = audio.get(session.id());
            // frames come in order; a gap means frames were dropped for a listener that fell behind
            assertThat(frame.position()).isGreaterThanOrEqualTo(samples.get(session.id()));
            int at = (int) frame.position();
            if (at > samples.get(session.id())) {
                gaps.add(samples.get(session.id()) + ".." + at);
            }
            for (int c = 0; c < frame.channels(); c++) {
                for (int i = 0; i < frame.samplesPerChannel() && at + i < channels[c].length; i++) {
                    channels[c][at + i] = frame.sample(c, i);
                }
            }
            samples.put(session.id(), at + frame.samplesPerChannel());
        }

        final List<String> gaps = new CopyOnWriteArrayList<>();
        volatile dev.siprec.core.metadata.MetadataChange lastChange;

        @Override
        public void onMetadataUpdated(RecordingSession session, RecordingMetadata metadata,
                                      dev.siprec.core.metadata.MetadataChange change) {
            events.add("metadata " + session.sipCallId());
            lastChange = change;
        }

        @Override
        public void onSessionEnded(RecordingSession session, EndReason reason) {
            events.add("ended " + session.sipCallId() + " " + reason);
        }

        long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }

        /**
         * Waits until {@code session} has delivered its audio up to now, so everything sent so
         * far has come out of the playout delay (a BYE then cuts nothing off).
         */
        void awaitPlayedOut(RecordingSession session) throws Exception {
            TestSrc.awaitPlayedOut(session, () -> samples.getOrDefault(session.id(), 0));
        }
    }

    final Recorder recorder = new Recorder();
    SiprecServer server;

    SiprecServer start(SiprecServer.Builder extra) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = extra.sip(Transport.UDP, any).sip(Transport.TCP, any)
                .rtpPortRange(41000, 41999).sampleRate(8000).listener(recorder).threads(2)
                // generous playout delay: a busy CI machine must not turn scheduling hiccups into loss
                .jitterDelay(Duration.ofMillis(200)).start();
        return server;
    }

    InetSocketAddress sip(Transport t) {
        return server.sipAddresses(t).get(0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }



    void awaitEnded(RecordingSession s) throws Exception {
        s.ended().get(10, TimeUnit.SECONDS);
    }

    /** One call of two tones over {@code transport} through the running server. */
    void recordsTwoTonesOnTheirChannels(Transport transport) throws Exception {
        recorder.events.clear();
        try (TestSrc src = new TestSrc(sip(transport), transport == Transport.TCP)) {
            SipResponse ok = src.recordingInvite("1", "2");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("Contact")).contains("+sip.srs");
            assertThat(ok.contentType().is("application/sdp")).isTrue();
            List<MediaDescription> m = src.answer.media();
            assertThat(m).hasSize(2);
            assertThat(m).extracting(MediaDescription::label).containsExactly("1", "2");
            assertThat(m).extracting(MediaDescription::direction).containsOnly(Direction.RECVONLY);
            assertThat(m.get(0).formats()).containsExactly("0", "8", "101"); // every codec we decode
            src.ack();
            src.streamTones(75, 440, 1000); // 1.5 s
            recorder.awaitPlayedOut(recorder.last());
            assertThat(src.bye().statusCode()).isEqualTo(200);
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(recorder.events).containsExactly("started " + s.sipCallId(), "ended " + s.sipCallId() + " BYE");
        // first participant in the metadata is Bob, who sends label 2 (1000 Hz): channel 0
        assertThat(s.channels()).extracting(RecordedChannel::label).containsExactly("2", "1");
        assertThat(s.channels().get(0).participant().aor()).isEqualTo("sip:bob@example.net");
        assertThat(s.channels().get(0).rule()).isEqualTo("participant-order");
        short[][] a = recorder.audio.get(s.id());
        int start0 = firstSound(a[0]);
        int start1 = firstSound(a[1]);
        assertThat(start0).isPositive();
        assertThat(Math.abs(start0 - start1)).as("channels aligned within one frame").isLessThanOrEqualTo(160);
        int from = Math.max(start0, start1) + 400;
        assertThat(power(a[0], from, 8000, 1000, 8000)).isGreaterThan(1000 * power(a[0], from, 8000, 440, 8000));
        assertThat(power(a[1], from, 8000, 440, 8000)).isGreaterThan(1000 * power(a[1], from, 8000, 1000, 8000));
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).packetsReceived()).isEqualTo(75);
            assertThat(s.stats(c).packetsLost()).isZero();
        }
        assertThat(s.endReason()).isEqualTo(EndReason.BYE);
        assertThat(server.rtpPortsInUse()).isZero();
        assertThat(server.activeSessions()).isEmpty();
    }

    @Test
    void recordsAStereoCallOverUdp() throws Exception {
        start(SiprecServer.builder());
        // the tests' class path has Netty's native epoll transport: on Linux it is what runs
        assertThat(server.nativeTransport()).isEqualTo(io.netty.channel.epoll.Epoll.isAvailable());
        recordsTwoTonesOnTheirChannels(Transport.UDP);
    }

    @Test
    void recordsAStereoCallOverTcp() throws Exception {
        start(SiprecServer.builder());
        recordsTwoTonesOnTheirChannels(Transport.TCP);
    }

    @Test
    void recordsAStereoCallOverUdpAndTcpOnTheJdksNioSockets() throws Exception {
        start(SiprecServer.builder().nativeTransport(false));
        assertThat(server.nativeTransport()).isFalse();
        recordsTwoTonesOnTheirChannels(Transport.UDP);
        recorder.last = null;
        recordsTwoTonesOnTheirChannels(Transport.TCP);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = EndToEndTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aG722CallIsDecodedBitExactOnEachChannel() throws Exception {
        // the ITU-T STL demo bitstream and the STL's own decode of it (committed, 20 KB)
        byte[] stream = resource("/g722/stl_first4000.g722");
        ByteBuffer ref = ByteBuffer.wrap(resource("/g722/stl_first4000.mode1.raw")).order(ByteOrder.LITTLE_ENDIAN);
        short[] itu = new short[ref.remaining() / 2];
        ref.asShortBuffer().get(itu);
        int packets = 12;
        int legBStart = 2000; // leg B sends the second half of the bitstream
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41000, 41999).sampleRate(16000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(200)).start();
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String offer = TestSrc.offerCodecs("9 0 101", "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\n", "1", "2");
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(offer,
                    TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(src.answer.media()).allSatisfy(m -> assertThat(m.formats()).containsExactly("9", "0", "101"));
            src.ack();
            src.stream(packets, 9, TestSrc.slices(stream, 0), TestSrc.slices(stream, legBStart));
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(s.channels()).extracting(RecordedChannel::codec).containsOnly("G722/8000");
        short[][] a = recorder.audio.get(s.id());
        // channel 1 is label 1 (leg A): exactly the ITU reference decode of what it sent;
        // channel 0 is label 2 (leg B, Bob first in the metadata): its stream starts mid-file, so
        // its decoder starts fresh there: expected is a fresh decode of exactly what it sent
        short[] legB = new short[packets * 320];
        new G722Decoder().decode(stream, legBStart, packets * 160, legB, 0);
        assertBitExact(a[1], itu, 0, packets * 320);
        assertBitExact(a[0], legB, 0, packets * 320);
        assertThat(Math.abs(start(a[0], legB, 0) - start(a[1], itu, 0)))
                .as("legs aligned within one frame").isLessThanOrEqualTo(320);
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).packetsReceived()).isEqualTo(packets);
            assertThat(s.stats(c).packetsLost()).isZero();
        }
    }

    /** A leg's frames as RTP: speech in pairs, a SID alone or after an odd speech frame, gaps (null) unsent. */
    static List<TestSrc.Timed> g729Packets(List<byte[]> frames) {
        List<TestSrc.Timed> packets = new java.util.ArrayList<>();
        int f = 0;
        while (f < frames.size()) {
            if (frames.get(f) == null) {
                f++;
                continue;
            }
            int first = f;
            java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
            while (f < frames.size() && frames.get(f) != null && frames.get(f).length == 10 && f - first < 2) {
                p.writeBytes(frames.get(f++));
            }
            if (f - first < 2 && f < frames.size() && frames.get(f) != null && frames.get(f).length == 2) {
                p.writeBytes(frames.get(f++));
            }
            packets.add(new TestSrc.Timed(80L * first, 80L * (f - first), p.toByteArray()));
        }
        return packets;
    }

    /** What a fresh decoder makes of a leg: packets decoded, gaps filled as Annex B DTX. */
    static short[] g729Expected(List<byte[]> frames) {
        dev.siprec.codecs.g729.G729Decoder d = new dev.siprec.codecs.g729.G729Decoder();
        short[] out = new short[frames.size() * 80];
        for (TestSrc.Timed t : g729Packets(frames)) {
            int at = (int) t.tsOffset();
            int filled = at;
            while (filled > 0 && frames.get(filled / 80 - 1) == null) {
                filled -= 80;
            }
            if (filled < at) {
                d.fillSilence(at - filled, out, filled);
            }
            d.decode(t.payload(), 0, t.payload().length, out, at);
        }
        return out;
    }

    static List<byte[]> g729Leg(String vector, int[][] spans) throws IOException {
        List<byte[]> all = dev.siprec.testing.G729Itu.toRtp(dev.siprec.testing.G729Itu.resource(vector));
        List<byte[]> leg = new java.util.ArrayList<>();
        for (int[] span : spans) {
            for (int i = span[0]; i < span[1]; i++) {
                leg.add(span[0] < 0 ? null : all.get(i));
            }
        }
        return leg;
    }

    @Test
    void aG729AnnexBCallWithSidAndSilenceSuppressionIsDecodedBitExact() throws Exception {
        // ITU test frames: speech, a SID, then nothing sent (DTX) for 120 / 100 ms, speech again
        List<byte[]> legA = g729Leg("tstseq6.bit", new int[][] {{0, 73}, {-12, 0}, {0, 20}, {72, 73}, {-8, 0}, {20, 40}});
        List<byte[]> legB = g729Leg("tstseq5.bit", new int[][] {{0, 46}, {-10, 0}, {0, 30}});
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41000, 41999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(200)).start();
        List<TestSrc.Timed> a = g729Packets(legA);
        List<TestSrc.Timed> b = g729Packets(legB);
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String offer = TestSrc.offerCodecs("18 0 101", "a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=yes\r\n"
                    + "a=rtpmap:0 PCMU/8000\r\n", "1", "2");
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(offer,
                    TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(src.answer.media()).allSatisfy(m -> {
                assertThat(m.formats()).containsExactly("18", "0", "101");
                assertThat(m.fmtp(18)).isEqualTo("annexb=yes");
            });
            src.ack();
            src.streamTimed(18, List.of(a, b));
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(s.channels()).extracting(RecordedChannel::codec).containsOnly("G729/8000");
        short[][] channels = recorder.audio.get(s.id());
        assertG729Leg(channels[1], g729Expected(legA), "leg A");
        assertG729Leg(channels[0], g729Expected(legB), "leg B");
        assertThat(s.stats(1).packetsReceived()).isEqualTo(a.size());
        assertThat(s.stats(0).packetsReceived()).isEqualTo(b.size());
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).packetsLost()).isZero();
        }
    }

    /**
     * Opus as SBCs and WebRTC gateways send it (opus/48000/2, RFC 7587): a mono hybrid stream
     * with in-band FEC that loses packets on the way, and a stereo hybrid stream, recorded at
     * 16 kHz. The losses are recovered from the FEC of the packet after them (already in the
     * jitter buffer), the stereo stream is down-mixed to its channel, and both channels equal a
     * direct decode sample for sample.
     */
    @Test
    void anOpusCallRecoversLossesFromInbandFecAndDownmixesStereo() throws Exception {
        java.nio.file.Path dir = dev.siprec.testing.Kit.path("codec-reference/ref/opus");
        List<byte[]> legA = opusPackets(dir.resolve("hybrid_fb_20ms_fec_48k.bit"), 100);
        List<byte[]> legB = opusPackets(dir.resolve("st_hybrid_fb_20ms_vbr_64k.bit"), 100);
        java.util.Set<Integer> lostA = java.util.Set.of(30, 31, 55, 80);
        RecordingSession s = recordOpusCall(false, opusTimed(legA, lostA), opusTimed(legB, java.util.Set.of()));
        assertThat(s.channels()).extracting(RecordedChannel::codec).containsOnly("opus/48000");
        short[][] channels = recorder.audio.get(s.id());
        short[] withFec = opusExpected(legA, lostA, true);
        short[] concealedOnly = opusExpected(legA, lostA, false);
        assertThat(withFec).as("the FEC changes what the losses sound like").isNotEqualTo(concealedOnly);
        int from = firstLoud(withFec);
        assertBitExact(channels[1], withFec, from, withFec.length - from);
        short[] stereo = opusExpected(legB, java.util.Set.of(), true);
        from = firstLoud(stereo);
        assertBitExact(channels[0], stereo, from, stereo.length - from);
        assertThat(s.stats(1).packetsLost()).isEqualTo(lostA.size());
        assertThat(s.stats(0).packetsLost()).isZero();
    }

    /**
     * With {@code keepStereo}, a stream offered as stereo Opus ({@code sprop-stereo=1}) is
     * recorded on two channels, its left and right as a direct stereo decode gives them; a mono
     * stream offered so gets its one channel on both.
     */
    @Test
    void keepStereoRecordsAStereoOpusStreamOnTwoChannels() throws Exception {
        java.nio.file.Path dir = dev.siprec.testing.Kit.path("codec-reference/ref/opus");
        List<byte[]> legA = opusPackets(dir.resolve("st_hybrid_fb_20ms_vbr_64k.bit"), 80);
        List<byte[]> legB = opusPackets(dir.resolve("hybrid_fb_20ms_fec_48k.bit"), 80);
        RecordingSession s = recordOpusCall(true, opusTimed(legA, java.util.Set.of()),
                opusTimed(legB, java.util.Set.of()));
        List<RecordedChannel> channels = s.channels();
        assertThat(channels).hasSize(4);
        short[][] audio = recorder.audio.get(s.id());
        assertThat(audio).hasNumberOfRows(4);
        for (int c = 0; c < 4; c += 2) {
            assertThat(channels.get(c + 1).label()).isEqualTo(channels.get(c).label());
            assertThat(channels.get(c + 1).mLineIndex()).isEqualTo(channels.get(c).mLineIndex());
            assertThat(channels.get(c).stereoRight()).isFalse();
            assertThat(channels.get(c + 1).stereoRight()).isTrue();
            List<byte[]> packets = "1".equals(channels.get(c).label()) ? legA : legB;
            short[][] expected = opusStereoExpected(packets);
            int from = firstLoud(expected[0]);
            assertBitExact(audio[c], expected[0], from, expected[0].length - from);
            assertBitExact(audio[c + 1], expected[1], from, expected[1].length - from);
            assertThat(s.stats(c + 1).packetsReceived()).isEqualTo(s.stats(c).packetsReceived()).isEqualTo(80);
        }
        short[][] a = opusStereoExpected(legA);
        assertThat(a[0]).as("the stereo stream's channels differ").isNotEqualTo(a[1]);
    }

    /** A direct stereo decode at 16 kHz, as left and right. */
    static short[][] opusStereoExpected(List<byte[]> packets) {
        dev.siprec.codecs.opus.OpusDecoder d = new dev.siprec.codecs.opus.OpusDecoder(16000, 2);
        short[] pcm = new short[640];
        short[][] out = new short[2][packets.size() * 320];
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            d.decode(p, 0, p.length, pcm, 0);
            for (int k = 0; k < 320; k++) {
                out[0][i * 320 + k] = pcm[2 * k];
                out[1][i * 320 + k] = pcm[2 * k + 1];
            }
        }
        return out;
    }

    /**
     * One call at 16 kHz whose two m-lines (labels 1 and 2) offer stereo Opus with in-band FEC,
     * the legs' packets sent at 48 kHz RTP timing; the answer must state our receiver fmtp.
     *
     * @return the ended session
     */
    private RecordingSession recordOpusCall(boolean keepStereo, List<TestSrc.Timed> legA, List<TestSrc.Timed> legB)
            throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41000, 41999).sampleRate(16000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(200)).keepStereo(keepStereo).start();
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String offer = TestSrc.offerCodecs("111 101", "a=rtpmap:111 opus/48000/2\r\n"
                    + "a=fmtp:111 useinbandfec=1;sprop-stereo=1\r\n", "1", "2")
                    .replace("telephone-event/8000", "telephone-event/48000");
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(offer,
                    TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(src.answer.media()).hasSize(2).allSatisfy(m -> {
                assertThat(m.formats()).startsWith("111");
                assertThat(m.fmtp(111)).contains("useinbandfec=1", "stereo=1");
            });
            src.ack();
            src.streamTimed(111, List.of(legA, legB), 48000);
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        return s;
    }

    static int firstLoud(short[] pcm) {
        int i = 0;
        while (Math.abs(pcm[i]) < 200) {
            i++;
        }
        return i;
    }

    /** The first {@code count} packets of an opus_demo file (length, range, bytes). */
    static List<byte[]> opusPackets(java.nio.file.Path file, int count) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file));
        List<byte[]> packets = new java.util.ArrayList<>();
        while (b.remaining() >= 8 && packets.size() < count) {
            int length = b.getInt();
            b.getInt();
            byte[] p = new byte[length];
            b.get(p);
            packets.add(p);
        }
        return packets;
    }

    static List<TestSrc.Timed> opusTimed(List<byte[]> packets, java.util.Set<Integer> lost) {
        List<TestSrc.Timed> timed = new java.util.ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            timed.add(new TestSrc.Timed(960L * i, 960, lost.contains(i) ? null : packets.get(i)));
        }
        return timed;
    }

    /** A direct decode at 16 kHz mono: losses recovered from the next packet's FEC, or concealed. */
    static short[] opusExpected(List<byte[]> packets, java.util.Set<Integer> lost, boolean fec) {
        dev.siprec.codecs.opus.OpusDecoder d = new dev.siprec.codecs.opus.OpusDecoder(16000, 1);
        short[] out = new short[packets.size() * 320];
        int missing = 0;
        for (int i = 0; i < packets.size(); i++) {
            if (lost.contains(i)) {
                missing++;
                continue;
            }
            byte[] p = packets.get(i);
            if (missing > 0) {
                int at = (i - missing) * 320;
                if (fec) {
                    d.decodeFec(p, 0, p.length, missing * 320, out, at);
                } else {
                    d.conceal(missing * 320, out, at);
                }
                missing = 0;
            }
            d.decode(p, 0, p.length, out, i * 320);
        }
        return out;
    }

    /** The whole expected leg, speech, SID and comfort noise through the gaps, sample for sample. */
    static void assertG729Leg(short[] channel, short[] expected, String leg) {
        int from = 0;
        while (Math.abs(expected[from]) < 200) {
            from++;
        }
        int at = start(channel, expected, from) - from;
        assertThat(at).as("%s found on its channel", leg).isGreaterThanOrEqualTo(0);
        for (int i = 0; i < expected.length; i++) {
            assertThat(channel[at + i]).as("%s, sample %d (frame %d)", leg, i, i / 80).isEqualTo(expected[i]);
        }
    }

    /** Where on the channel the decoded reference from {@code from} begins. */
    static int start(short[] channel, short[] reference, int from) {
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

    static void assertBitExact(short[] channel, short[] reference, int from, int length) {
        int at = start(channel, reference, from);
        assertThat(at).as("decoded reference found on the channel").isGreaterThanOrEqualTo(0);
        for (int i = 0; i < length; i++) {
            assertThat(channel[at + i]).as("sample %d of the stream", i).isEqualTo(reference[from + i]);
        }
    }

    @Test
    void recordsOverTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.siprec.testing.TestCertificates certs = dev.siprec.testing.TestCertificates.create(dir);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (TlsSettings settings : List.of(
                TlsSettings.pem(certs.certificatePem, certs.privateKeyPem),
                TlsSettings.keyStore(certs.keyStore, dev.siprec.testing.TestCertificates.PASSWORD))) {
            server = SiprecServer.builder().tls(any, settings).rtpPortRange(41000, 41999).sampleRate(8000)
                    .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(200)).start();
            try (TestSrc src = new TestSrc(sip(Transport.TLS), false,
                    dev.siprec.testing.TestCertificates.trustingClient())) {
                SipResponse ok = src.recordingInvite("1", "2");
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.header("Contact")).contains(";transport=tls>;+sip.srs");
                src.ack();
                src.streamTones(25, 440, 1000);
                assertThat(src.bye().statusCode()).isEqualTo(200);
            }
            RecordingSession s = recorder.last();
            awaitEnded(s);
            assertThat(s.transport()).isEqualTo(Transport.TLS);
            assertThat(s.stats(0).packetsReceived()).isEqualTo(25);
            server.close();
            server = null;
        }
    }

    @Test
    void mutualTlsLetsInOnlySrcsWithATrustedCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.siprec.testing.TestCertificates certs = dev.siprec.testing.TestCertificates.create(dir);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().tls(any, TlsSettings.pem(certs.certificatePem, certs.privateKeyPem)
                        .requireClientCertificates(certs.certificatePem))
                .rtpPortRange(41000, 41999).sampleRate(8000).listener(recorder).threads(2).start();
        try (TestSrc src = new TestSrc(sip(Transport.TLS), false, certs.clientWithCertificate())) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            src.bye();
        }
        boolean refused;
        try (TestSrc anonymous = new TestSrc(sip(Transport.TLS), false,
                dev.siprec.testing.TestCertificates.trustingClient())) {
            anonymous.recordingInvite("1", "2");
            refused = false;
        } catch (java.io.IOException e) {
            refused = true; // the handshake or the connection fails: no certificate, no call
        }
        assertThat(refused).isTrue();
        assertThat(recorder.count("started")).isEqualTo(1);
    }

    @Test
    void aConferenceWithThreeStreamsIsDeliveredAsThreeChannels() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.invite("application/sdp", TestSrc.offer("1", "2", "3")).statusCode()).isEqualTo(200);
            assertThat(src.answer.media()).extracting(MediaDescription::port).doesNotContain(0);
            src.ack();
            src.streamTones(25, 440, 1000, 700);
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(s.channels()).hasSize(3);
        short[][] a = recorder.audio.get(s.id());
        double[] tones = {440, 1000, 700};
        for (int c = 0; c < 3; c++) {
            int from = firstSound(a[c]) + 200;
            for (double other : tones) {
                if (other != tones[c]) {
                    assertThat(power(a[c], from, 2400, tones[c], 8000))
                            .as("channel %d", c).isGreaterThan(100 * power(a[c], from, 2400, other, 8000));
                }
            }
        }
    }

    @Test
    void cancelBeforeTheAnswerEndsTheSessionOnce() throws Exception {
        start(SiprecServer.builder().answerDelay(Duration.ofMillis(400)));
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            src.send(src.request("INVITE", 1, "z9hG4bK-cancel1", "multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(TestSrc.offer("1", "2"), TestSrc.METADATA)));
            assertThat(src.receive().statusCode()).isEqualTo(100);
            src.send(src.request("CANCEL", 1, "z9hG4bK-cancel1", null, null));
            List<Integer> codes = List.of(src.receive().statusCode(), src.receive().statusCode());
            assertThat(codes).containsExactlyInAnyOrder(200, 487);
            Thread.sleep(600); // past the answer delay: no 200 to the INVITE may follow
            assertThat(src.drain(200)).allMatch(r -> r.statusCode() == 487);
        }
        // a call that never happened leaves nothing for the application: no callbacks at all
        dev.siprec.testing.Await.until("the session and its ports released", Duration.ofSeconds(2),
                () -> server.activeSessions().isEmpty() && server.rtpPortsInUse() == 0);
        Thread.sleep(100); // an absence: give a stray callback the time to show up
        assertThat(recorder.events).isEmpty();
    }

    @Test
    void anInviteThatCannotBeSetUpGets503AndNoCallbacks() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // one even port in the range: the second stream of a two-stream call cannot be bound
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41990, 41991).listener(recorder)
                .start();
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            SipResponse r = src.recordingInvite("1", "2");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isNotNull();
        }
        dev.siprec.testing.Await.until("the session and its ports released", Duration.ofSeconds(2),
                () -> server.activeSessions().isEmpty() && server.rtpPortsInUse() == 0);
        Thread.sleep(100); // an absence: give a stray callback the time to show up
        assertThat(recorder.events).as("callbacks for a call that never happened").isEmpty();
    }

    @Test
    void aMissingAckEndsTheSessionWithItsReasonAndABye() throws Exception {
        start(SiprecServer.builder().sipTimerT1(Duration.ofMillis(10)));
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            awaitEnded(recorder.last());
            dev.siprec.sip.message.SipRequest bye = src.receiveRequest(); // RFC 3261 §13.3.1.4: the UAS sends BYE
            assertThat(bye.method()).isEqualTo("BYE");
            assertThat(bye.callId()).isEqualTo(src.callId);
            src.respond(bye, 200, "OK");
        }
        assertThat(recorder.last().endReason()).isEqualTo(EndReason.ACK_TIMEOUT);
        assertThat(recorder.count("ended")).isEqualTo(1);
        assertThat(server.rtpPortsInUse()).isZero();
    }

    @Test
    void closingTheServerEndsEveryActiveSessionOnceAndSaysByeToEachSrc() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc a = new TestSrc(sip(Transport.UDP), false); TestSrc b = new TestSrc(sip(Transport.TCP), true)) {
            assertThat(a.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            a.ack();
            assertThat(b.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            b.ack();
            assertThat(server.activeSessions()).hasSize(2);
            Thread closer = new Thread(server::close);
            closer.start();
            for (TestSrc src : List.of(a, b)) {
                dev.siprec.sip.message.SipRequest bye = src.receiveRequest();
                assertThat(bye.method()).isEqualTo("BYE");
                assertThat(bye.callId()).isEqualTo(src.callId);
                src.respond(bye, 200, "OK");
            }
            closer.join(5000);
        }
        assertThat(recorder.events.stream().filter(e -> e.endsWith("SERVER_SHUTDOWN")).count()).isEqualTo(2);
        assertThat(recorder.count("ended")).isEqualTo(2);
        server = null;
    }

    @Test
    void stopSendsByeAndEndsTheSessionOnce() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            RecordingSession s = recorder.last();
            s.stop();
            s.stop();
            dev.siprec.sip.message.SipRequest bye = src.receiveRequest();
            assertThat(bye.method()).isEqualTo("BYE");
            src.respond(bye, 200, "OK");
            awaitEnded(s);
            assertThat(s.endReason()).isEqualTo(EndReason.STOPPED);
            // the SRC's own BYE, crossing ours, finds no dialog
            assertThat(src.bye().statusCode()).isEqualTo(481);
        }
        assertThat(recorder.count("ended")).isEqualTo(1);
        assertThat(server.rtpPortsInUse()).isZero();
    }

    @Test
    void silenceLongerThanTheDeliveryQueueLosesNoFrames() throws Exception {
        // a session without packets runs no frame clock, but its silent frames still reach the
        // listener as they fall due: a late first packet must not bring them in one burst
        start(SiprecServer.builder().deliveryQueue(Duration.ofMillis(200)));
        for (int call = 0; call < 2; call++) {
            try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
                assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
                src.ack();
                Thread.sleep(1500); // no media for 1.5 s: 75 frames, the queue holds 17
                src.streamTones(10, 440, 1000);
                Thread.sleep(1000); // quiet again: parked, then the BYE
                assertThat(src.bye().statusCode()).isEqualTo(200);
            }
            RecordingSession s = recorder.last();
            awaitEnded(s);
            DeliveryStats d = s.deliveryStats();
            assertThat(d.framesDropped()).isZero();
            assertThat(d.framesDelivered()).isGreaterThanOrEqualTo(120); // 1.5 s + 0.2 s + 1 s, at 20 ms
            for (int c = 0; c < 2; c++) {
                assertThat(s.stats(c).packetsReceived()).isEqualTo(10);
            }
        }
    }

    @Test
    void aListenerSlowerThanRealTimeLosesCountedFramesButNeitherPacketsNorSync() throws Exception {
        start(SiprecServer.builder().deliveryQueue(Duration.ofMillis(200)).deliveryThreads(1));
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            recorder.holding = new java.util.concurrent.CountDownLatch(1);
            recorder.holdLoopMillis = 1000; // one onAudio call blocks for a second
            assertThat(recorder.holding.await(5, TimeUnit.SECONDS)).isTrue();
            src.streamTones(75, 440, 1000); // 1.5 s, during and after the stall
            recorder.awaitPlayedOut(recorder.last());
            assertThat(src.bye().statusCode()).isEqualTo(200);
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        // the network side never waited: every packet was received in time and played
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).packetsReceived()).isEqualTo(75);
            assertThat(s.stats(c).packetsLate()).isZero();
            assertThat(s.stats(c).packetsLost()).isZero();
        }
        DeliveryStats d = s.deliveryStats();
        // a 1 s stall against a queue of 12 frames (the 200 ms asked for is raised to the
        // playout delay plus two): about 38 frames dropped, each counted
        assertThat(d.framesDropped()).isBetween(28L, 48L);
        assertThat(d.mostFramesQueued()).isEqualTo(12);
        int end = recorder.samples.get(s.id());
        assertThat(d.framesDelivered() + d.framesDropped()).as("every frame is delivered or counted")
                .isEqualTo(end / 160);
        // the dropped span is one gap, and the audio after it sits at its true position: both
        // tones start together and stay on their channels
        assertThat(recorder.gaps).hasSize(1);
        short[][] a = recorder.audio.get(s.id());
        assertThat(Math.abs(firstSound(a[0]) - firstSound(a[1]))).isLessThanOrEqualTo(160);
        int tail = end - 8000 / 2; // the last half second was sent after the stall
        assertThat(power(a[0], tail, 2400, 1000, 8000)).isGreaterThan(1000 * power(a[0], tail, 2400, 440, 8000));
        // latency from arrival to the callback: at least the playout delay, and the stall shows in the max
        LatencyStats l = s.latency(0);
        assertThat(l.frames()).isPositive();
        assertThat(l.meanMillis()).isGreaterThanOrEqualTo(200);
        assertThat(d.latency().maxMillis()).isGreaterThanOrEqualTo(l.maxMillis());
    }

    @Test
    void aProbeGoesToEachOfferedAddressAndReceiverReportsFollowTheMedia() throws Exception {
        start(SiprecServer.builder().latchProbe(true));
        java.net.DatagramSocket[][] pairs = {
            dev.siprec.testing.Sockets.udpPair(), dev.siprec.testing.Sockets.udpPair()};
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String sdp = TestSrc.offer("1", "2").replace("m=audio 30000 ", "m=audio " + pairs[0][0].getLocalPort() + " ")
                    .replace("m=audio 30002 ", "m=audio " + pairs[1][0].getLocalPort() + " ");
            assertThat(src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(sdp, TestSrc.METADATA))
                    .statusCode()).isEqualTo(200);
            src.ack();
            // Bob (label 2) is channel 0: the answer's m-lines are in offer order
            for (int m = 0; m < 2; m++) {
                pairs[m][0].setSoTimeout(3000);
                java.net.DatagramPacket probe = new java.net.DatagramPacket(new byte[1500], 1500);
                pairs[m][0].receive(probe);
                assertThat(probe.getLength()).as("probe on m-line %d", m).isEqualTo(12);
                assertThat(probe.getPort()).isEqualTo(src.rtpPorts[m]); // from the stream's own port
                src.rtpSockets.add(pairs[m][0]); // and the media comes from where the probe went
            }
            src.streamTones(150, 440, 1000); // 3 s: the first report is due 2.5 s after the first packet
            for (int m = 0; m < 2; m++) {
                pairs[m][1].setSoTimeout(3000);
                java.net.DatagramPacket rr = new java.net.DatagramPacket(new byte[1500], 1500);
                pairs[m][1].receive(rr); // to the port after the RTP port: the SRC sent no RTCP
                assertThat(rr.getData()[1] & 0xFF).isEqualTo(201);
                assertThat(rr.getData()[0] & 0x1F).isEqualTo(1); // one report block
            }
            src.bye();
        } finally {
            for (java.net.DatagramSocket[] p : pairs) {
                p[1].close();
            }
        }
        awaitEnded(recorder.last());
        assertThat(recorder.last().stats(0).packetsReceived()).isEqualTo(150);
    }

    @Test
    void latencyFromArrivalToTheCallbackIsMeasuredPerChannel() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            src.streamTones(50, 440, 1000);
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        for (int c = 0; c < 2; c++) {
            LatencyStats l = s.latency(c);
            // 50 packets of 20 ms in frames of 20 ms: about one frame each, plus the final flush
            assertThat(l.frames()).isBetween(45L, 55L);
            // the 200 ms playout delay, a frame, and scheduling; a busy CI machine adds some
            assertThat(l.meanMillis()).isBetween(200.0, 600.0);
            assertThat(l.maxMillis()).isGreaterThanOrEqualTo(l.meanMillis());
        }
        assertThat(s.deliveryStats().framesDropped()).isZero();
    }

    @Test
    void aMetadataUpdateJustBeforeTheByeIsKeptWhileTheListenerIsBusy() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41000, 41999).sampleRate(8000)
                .listener(recorder).threads(3).jitterDelay(Duration.ofMillis(200)).start();
        // Sessions take the three loops in turn, so most of these calls run on a loop that does
        // not serve the SIP socket. The listener is held in onAudio: the UPDATE's callback waits
        // behind it, and the BYE arrives meanwhile; the update still belongs to the recording.
        for (int call = 1; call <= 3; call++) {
            try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
                assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
                src.ack();
                recorder.holding = new java.util.concurrent.CountDownLatch(1);
                recorder.holdLoopMillis = 800; // frames flow from the answer on, silent or not
                assertThat(recorder.holding.await(5, TimeUnit.SECONDS)).isTrue();
                String carol = TestSrc.METADATA.replace("sip:bob@example.net", "sip:carol@example.org");
                assertThat(src.update("application/rs-metadata+xml", carol, "").statusCode()).isEqualTo(200);
                src.bye();
            }
            RecordingSession s = recorder.last();
            awaitEnded(s);
            assertThat(recorder.count("metadata")).as("call %d", call).isEqualTo(call);
            assertThat(s.metadata().participant("bob").aor()).isEqualTo("sip:carol@example.org");
        }
    }

    @Test
    void updateCarriesMetadataOrANewOfferOrJustARefresh() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            int[] ports = src.rtpPorts.clone();
            // Avaya style: a single-part metadata body, legacy type without +xml
            String carol = TestSrc.METADATA.replace("sip:bob@example.net", "sip:carol@example.org");
            SipResponse md = src.update("application/rs-metadata", carol, "");
            assertThat(md.statusCode()).isEqualTo(200);
            assertThat(md.body()).isEmpty();
            // hold by a new offer: the answer mirrors it, on the same ports
            SipResponse hold = src.update("application/sdp",
                    TestSrc.offer("1", "2").replace("a=sendonly", "a=inactive"), "");
            assertThat(hold.statusCode()).isEqualTo(200);
            assertThat(src.answer.media()).extracting(MediaDescription::direction)
                    .containsOnly(Direction.INACTIVE);
            assertThat(src.rtpPorts).isEqualTo(ports);
            // a session refresh without a body
            SipResponse refresh = src.update(null, null, "Supported: timer\r\nSession-Expires: 1800\r\n");
            assertThat(refresh.statusCode()).isEqualTo(200);
            assertThat(refresh.header("Session-Expires")).isEqualTo("1800;refresher=uac");
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(recorder.count("metadata")).isEqualTo(1);
        assertThat(s.metadata().participant("bob").aor()).isEqualTo("sip:carol@example.org");
    }

    @Test
    void anUnrefreshedSessionExpiresWithByeAndItsReason() throws Exception {
        start(SiprecServer.builder().minSessionExpires(Duration.ofSeconds(1)));
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String invite = src.request("INVITE", 1, "z9hG4bK-st-" + src.callId.hashCode(),
                    "multipart/mixed;boundary=boundary42", TestSrc.multipart(TestSrc.offer("1", "2"), TestSrc.METADATA))
                    .replace("Require: siprec\r\n", "Require: siprec\r\nSupported: timer\r\nSession-Expires: 2\r\n");
            src.send(invite);
            SipResponse ok = src.receiveFinal("INVITE");
            assertThat(ok.header("Session-Expires")).isEqualTo("2;refresher=uac");
            src.toTag = ok.to().tag();
            src.ack();
            dev.siprec.sip.message.SipRequest bye = src.receiveRequest(); // 2 s - 2/3 s later
            assertThat(bye.method()).isEqualTo("BYE");
            src.respond(bye, 200, "OK");
        }
        awaitEnded(recorder.last());
        assertThat(recorder.last().endReason()).isEqualTo(EndReason.SESSION_EXPIRED);
    }

    @Test
    void recordingSessionsAreDetectedByPolicy() throws Exception {
        start(SiprecServer.builder().nonRecordingInvites(SiprecServer.NonRecording.REJECT));
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            // a plain call: no Require, no src tag, no metadata
            String plain = src.request("INVITE", 1, "z9hG4bK-plain", "application/sdp", TestSrc.offer("1"))
                    .replace("Require: siprec\r\n", "").replace(">;+sip.src", ">");
            src.send(plain);
            SipResponse r = src.receiveFinal("INVITE");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.reasonPhrase()).isEqualTo("Not a SIPREC recording session (RFC 7866)");
        }
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            // BroadWorks style: ";src" and no Require is still a recording session
            String broadworks = src.request("INVITE", 1, "z9hG4bK-bw", "application/sdp", TestSrc.offer("1"))
                    .replace("Require: siprec\r\n", "").replace(">;+sip.src", ">;src");
            src.send(broadworks);
            assertThat(src.receiveFinal("INVITE").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBroadWorksMonoRecordingWithMetadataFirstIsRecordedAsMixed() throws Exception {
        start(SiprecServer.builder());
        String metadata = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                + "<recording_metadata xmlns=\"urn:ietf:params:xml:ns:siprec\"><dataMode>complete</dataMode>"
                + "<session id=\"urn:uuid:s\"/>"
                + "<participant id=\"urn:uuid:a\" session=\"urn:uuid:s\"><aor>sip:4001@as</aor>"
                + "<send><id>urn:uuid:m</id></send></participant>"
                + "<participant id=\"urn:uuid:b\" session=\"urn:uuid:s\"><aor>tel:+1555</aor>"
                + "<send><id>urn:uuid:m</id></send></participant>"
                + "<stream id=\"urn:uuid:m\" session=\"urn:uuid:s\"><label>1</label><mode>mixed</mode></stream>"
                + "</recording_metadata>";
        String sdp = TestSrc.offer("1");
        // metadata first; part headers without a space after the colon and with their own Content-Length
        String body = "--UniqueBroadWorksBoundary\r\nContent-Type:application/rs-metadata+xml\r\n"
                + "Content-Disposition:recording-session\r\nContent-Length:" + metadata.length() + "\r\n\r\n"
                + metadata + "\r\n--UniqueBroadWorksBoundary\r\nContent-Type:application/sdp\r\n"
                + "Content-Length:" + sdp.length() + "\r\n\r\n" + sdp + "\r\n--UniqueBroadWorksBoundary--\r\n";
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String invite = src.request("INVITE", 1, "z9hG4bK-bw1", "multipart/mixed;boundary=UniqueBroadWorksBoundary",
                    body).replace("Require: siprec\r\n", "").replace(">;+sip.src", ">;src");
            src.send(invite);
            SipResponse ok = src.receiveFinal("INVITE");
            assertThat(ok.statusCode()).isEqualTo(200);
            src.toTag = ok.to().tag();
            src.ack();
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(s.siprec()).isTrue();
        assertThat(s.mixed()).isTrue();
        assertThat(s.metadata().participants()).hasSize(2);
        assertThat(s.metadata().streams().get(0).mode()).isEqualTo("mixed");
    }

    @Test
    void aReOfferThatChangesTheCodecIsDecodedWithTheNewOne() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            // PCMU still offered (as another payload number is not possible for a static type): kept
            SipResponse same = src.reInvite(TestSrc.offerCodecs("8 0 101",
                    "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n", "1", "2"));
            assertThat(same.statusCode()).isEqualTo(200);
            assertThat(src.answer.media().get(0).formats()).containsExactly("0", "8", "101"); // the current first
            // only PCMA now: the streams switch decoder
            SipResponse changed = src.reInvite(TestSrc.offerCodecs("8 101", "a=rtpmap:8 PCMA/8000\r\n", "1", "2"));
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(src.answer.media().get(0).formats()).containsExactly("8", "101");
            TestSrc.Payloads pcma440 = (k, packet, offset) -> {
                for (int i = 0; i < 160; i++) {
                    double t = (160.0 * k + i) / 8000;
                    packet[offset + i] = dev.siprec.codecs.g711.G711.linearToAlaw((int) (8000 * Math.sin(2 * Math.PI * 440 * t)));
                }
                return 160;
            };
            src.stream(50, 8, pcma440, pcma440);
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        assertThat(s.channels()).extracting(RecordedChannel::codec).containsOnly("PCMA/8000");
        short[] ch = recorder.audio.get(s.id())[0];
        int from = firstSound(ch) + 400;
        assertThat(power(ch, from, 4000, 440, 8000)).isGreaterThan(1000 * power(ch, from, 4000, 1000, 8000));
        assertThat(s.stats(0).packetsInvalid()).isZero();
    }

    @Test
    void aMetadataSnapshotCanBeRequestedAndAvayaPlaceholdersAreReplaced() throws Exception {
        start(SiprecServer.builder());
        // Avaya SBCE: a dummy participant first, real ones later
        String placeholder = TestSrc.METADATA.replace("sip:bob@example.net", "sip:ASBCE@asbce.com")
                .replace("sip:alice@example.com", "sip:ASBCE@asbce.com");
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(TestSrc.offer("1", "2"), placeholder)).statusCode()).isEqualTo(200);
            src.ack();
            RecordingSession s = recorder.last();
            assertThat(s.channels().get(0).participant().aor()).isEqualTo("sip:ASBCE@asbce.com");
            java.util.concurrent.CompletableFuture<RecordingMetadata> snapshot = s.requestMetadataSnapshot();
            dev.siprec.sip.message.SipRequest request = src.receiveRequest();
            assertThat(request.method()).isEqualTo("UPDATE");
            assertThat(request.contentType().essence()).isEqualTo("application/rs-metadata-request");
            assertThat(request.header("Content-Disposition")).isEqualTo("recording-session");
            SipResponse ok = SipResponse.to(request, 200, "OK", null);
            ok.setBody("application/rs-metadata+xml", TestSrc.METADATA.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            src.send(new String(ok.encode(), java.nio.charset.StandardCharsets.UTF_8));
            RecordingMetadata md = snapshot.get(5, TimeUnit.SECONDS);
            assertThat(md.participant("bob").aor()).isEqualTo("sip:bob@example.net");
            assertThat(s.channels().get(0).participant().aor()).isEqualTo("sip:bob@example.net");
            assertThat(s.channels().get(1).participant().aor()).isEqualTo("sip:alice@example.com");
            src.bye();
        }
        awaitEnded(recorder.last());
    }

    @Test
    void aStreamAddedByAReOfferTakesTheChannelOfTheOneItReplaces() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            int port1 = src.rtpPorts[0];
            int port2 = src.rtpPorts[1];
            // reordered m-lines keep their ports: streams are matched by label
            String reordered = "v=0\r\no=SBC 1234 2 IN IP4 127.0.0.1\r\ns=SIPREC\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 30002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:2\r\n"
                    + "m=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:1\r\n";
            assertThat(src.reInvite(reordered).statusCode()).isEqualTo(200);
            assertThat(src.rtpPorts).containsExactly(port2, port1);
            // transfer: Bob's stream (label 2) is declined with port 0, Carol's new stream (label 3) is added
            String transfer = "v=0\r\no=SBC 1234 3 IN IP4 127.0.0.1\r\ns=SIPREC\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:1\r\n"
                    + "m=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:2\r\n"
                    + "m=audio 30004 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:3\r\n";
            SipResponse r = src.reInvite(transfer);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(src.rtpPorts[0]).isEqualTo(port1);
            assertThat(src.rtpPorts[1]).isZero();
            assertThat(src.rtpPorts[2]).isPositive().isNotEqualTo(port1);
            assertThat(src.answer.media().get(2).label()).isEqualTo("3");
            assertThat(src.answer.media().get(2).direction()).isEqualTo(Direction.RECVONLY);
            // a fourth stream would need a third channel: declined
            String more = transfer.replace("o=SBC 1234 3", "o=SBC 1234 4")
                    + "m=audio 30006 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:4\r\n";
            assertThat(src.reInvite(more).statusCode()).isEqualTo(200);
            assertThat(src.rtpPorts[3]).isZero();
            // Carol (label 3) speaks 1000 Hz, Alice (label 1) 440 Hz
            int[] ports = {src.rtpPorts[0], src.rtpPorts[2]};
            src.rtpPorts = ports;
            src.streamTones(40, 440, 1000);
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        awaitEnded(s);
        // channel 0 was Bob's (label 2, first participant in the metadata): Carol took it over
        assertThat(s.channels().get(0).label()).isEqualTo("3");
        assertThat(s.channels().get(0).rule()).isEqualTo("took-over-channel");
        short[] bobsChannel = recorder.audio.get(s.id())[0];
        int from = firstSound(bobsChannel) + 400;
        assertThat(power(bobsChannel, from, 4000, 1000, 8000)).isGreaterThan(1000 * power(bobsChannel, from, 4000, 440, 8000));
        assertThat(s.stats(0).packetsReceived()).isEqualTo(40);
        assertThat(server.rtpPortsInUse()).isZero();
    }

    @Test
    void aStreamLatchesToItsSenderAndReLatchesAfterAReOffer() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false);
             java.net.DatagramSocket stray = new java.net.DatagramSocket(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            src.streamTones(10, 440, 1000); // the SRC's sockets now own the streams
            byte[] junk = new byte[172];
            junk[0] = (byte) 0x80;
            for (int i = 0; i < 5; i++) { // valid RTP, but from somewhere else
                stray.send(new java.net.DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(),
                        src.rtpPorts[0]));
            }
            RecordingSession s = recorder.last();
            int label1 = s.channels().get(0).label().equals("1") ? 0 : 1; // the stray packets' stream
            dev.siprec.testing.Await.until("the stray packets counted", Duration.ofSeconds(2),
                    () -> s.stats(label1).packetsOtherSource() == 5);
            assertThat(s.stats(label1).packetsReceived()).isEqualTo(10);
            // after a re-offer the SRC may send from elsewhere: the next sender owns the stream
            assertThat(src.reInvite(TestSrc.offer("1", "2")).statusCode()).isEqualTo(200);
            Thread.sleep(100); // the re-latch runs on the session's loop: no signal of it to wait for
            for (int i = 0; i < 5; i++) {
                junk[3] = (byte) (100 + i); // sequence numbers after the tones
                stray.send(new java.net.DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(),
                        src.rtpPorts[0]));
            }
            dev.siprec.testing.Await.until("the new sender's packets received", Duration.ofSeconds(2),
                    () -> s.stats(label1).packetsReceived() == 15);
            assertThat(s.stats(label1).packetsOtherSource()).isEqualTo(5);
            src.bye();
        }
        awaitEnded(recorder.last());
    }

    @Test
    void garbageSprayedAtThePortsClaimsNoStreamAndTheSdpAddressWins() throws Exception {
        start(SiprecServer.builder());
        InetAddress other = InetAddress.getByName("127.0.0.2"); // not the address of the offer's c= line
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false);
             java.net.DatagramSocket stray = new java.net.DatagramSocket(new InetSocketAddress(other, 0))) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            // before the SRC's first packet: 6-byte garbage and RTP of a payload type not negotiated
            // at both ports, then valid PCMU to the first port, from an address the SDP did not give
            byte[] garbage = {1, 2, 3, 4, 5, 6};
            byte[] wrongType = new byte[172];
            wrongType[0] = (byte) 0x80;
            wrongType[1] = 96;
            byte[] valid = new byte[172];
            valid[0] = (byte) 0x80;
            for (int port : src.rtpPorts) {
                for (int i = 0; i < 3; i++) {
                    stray.send(new java.net.DatagramPacket(garbage, garbage.length, InetAddress.getLoopbackAddress(), port));
                    stray.send(new java.net.DatagramPacket(wrongType, wrongType.length, InetAddress.getLoopbackAddress(), port));
                }
            }
            stray.send(new java.net.DatagramPacket(valid, valid.length, InetAddress.getLoopbackAddress(), src.rtpPorts[0]));
            RecordingSession s = recorder.last();
            int first = s.channels().get(0).label().equals("1") ? 0 : 1;
            int second = 1 - first;
            dev.siprec.testing.Await.until("the stray's valid packet latched", Duration.ofSeconds(2),
                    () -> s.stats(first).packetsReceived() == 1);
            // the SRC sends from the SDP's address: it owns both streams from its first packet on
            src.streamTones(25, 440, 1000);
            for (int i = 1; i <= 3; i++) { // and the stray sender, valid or not, gets nothing back
                valid[3] = (byte) i;
                stray.send(new java.net.DatagramPacket(valid, valid.length, InetAddress.getLoopbackAddress(), src.rtpPorts[0]));
                stray.send(new java.net.DatagramPacket(garbage, garbage.length, InetAddress.getLoopbackAddress(), src.rtpPorts[0]));
            }
            dev.siprec.testing.Await.until("every packet counted", Duration.ofSeconds(2),
                    () -> s.stats(first).packetsOtherSource() == 12 && s.stats(first).packetsReceived() == 26
                            && s.stats(second).packetsReceived() == 25);
            // refused and counted: 6 before on each port, and 6 after on the first
            assertThat(s.stats(second).packetsOtherSource()).isEqualTo(6);
            assertThat(s.stats(first).packetsOtherSource()).isEqualTo(12);
            assertThat(s.stats(second).packetsReceived()).isEqualTo(25);
            assertThat(s.stats(first).packetsReceived()).isEqualTo(26); // the stray's one valid packet, then the SRC's
            src.bye();
            awaitEnded(s);
            short[][] audio = recorder.audio.get(s.id());
            int from = firstSound(audio[first]) + 400;
            assertThat(power(audio[first], from, 2000, 440, 8000)).isGreaterThan(100 * power(audio[first], from, 2000, 1000, 8000));
            from = firstSound(audio[second]) + 400;
            assertThat(power(audio[second], from, 2000, 1000, 8000)).isGreaterThan(100 * power(audio[second], from, 2000, 440, 8000));
        }
    }

    @Test
    void anEndedSessionIsNotKeptReachable() throws Exception {
        // the INVITE's transaction lives 64*T1 (32 s) after the answer to absorb retransmissions:
        // it must not keep the session (its media buffers) that long
        List<java.lang.ref.WeakReference<RecordingSession>> ended = new CopyOnWriteArrayList<>();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41000, 41999).sampleRate(16000)
                .listener(new RecordingListener() {
                    @Override
                    public void onAudio(RecordingSession session, AudioFrame frame) {
                    }

                    @Override
                    public void onSessionEnded(RecordingSession session, EndReason reason) {
                        ended.add(new java.lang.ref.WeakReference<>(session));
                    }
                }).start();
        for (int call = 0; call < 5; call++) {
            try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
                assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
                src.ack();
                src.streamTones(10, 440, 1000);
                assertThat(src.bye().statusCode()).isEqualTo(200);
            }
        }
        dev.siprec.testing.Await.until("5 sessions ended", Duration.ofSeconds(2), () -> ended.size() == 5);
        // within 5 s, well before the 32 s of the transactions
        dev.siprec.testing.Await.until("ended sessions unreachable", Duration.ofSeconds(5), () -> {
            System.gc();
            return ended.stream().allMatch(r -> r.get() == null);
        });
    }

    @Test
    void aFatalErrorStopsTheServerEndsItsSessionsAndTellsTheApplication() throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> fatal = new java.util.concurrent.CompletableFuture<>();
        List<EndReason> reasons = new CopyOnWriteArrayList<>();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(41000, 41999)
                .onFatalError(fatal::complete)
                .listener(new RecordingListener() {
                    @Override
                    public void onAudio(RecordingSession session, AudioFrame frame) {
                        throw new OutOfMemoryError("Java heap space (test)"); // as a real one would be
                    }

                    @Override
                    public void onSessionEnded(RecordingSession session, EndReason reason) {
                        reasons.add(reason);
                    }
                }).start();
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            src.streamTones(10, 440, 1000);
            assertThat(fatal.get(10, TimeUnit.SECONDS)).isInstanceOf(OutOfMemoryError.class);
            assertThat(server.failed()).isTrue();
            assertThat(server.activeSessions()).isEmpty();
            assertThat(reasons).containsExactly(EndReason.SERVER_ERROR);
            // the server sent its BYE, and now answers nothing: not a deaf process left running
            assertThat(src.receiveRequest().method()).isEqualTo("BYE");
            src.send(src.request("OPTIONS", 9, "z9hG4bK-after-fatal", null, null));
            src.udp.setSoTimeout(500);
            assertThatThrownBy(src::receive).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void badInvitesGetClearAnswers() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            SipResponse textPlain = src.invite("text/plain", "hello");
            assertThat(textPlain.statusCode()).isEqualTo(415);
            assertThat(textPlain.header("Accept")).contains("application/sdp").contains("multipart/mixed");
        }
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            SipResponse noBoundary = src.invite("multipart/mixed", TestSrc.multipart(TestSrc.offer("1"), "<x/>"));
            assertThat(noBoundary.statusCode()).isEqualTo(400);
            assertThat(noBoundary.reasonPhrase()).contains("boundary");
        }
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            String opus = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 30000 RTP/AVP 111\r\na=rtpmap:111 AMR-WB/16000\r\n";
            SipResponse noCodec = src.invite("application/sdp", opus);
            assertThat(noCodec.statusCode()).isEqualTo(488);
            assertThat(noCodec.header("Warning")).startsWith("305");
        }
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            SipResponse badSdp = src.invite("application/sdp", "v=0\r\nm=audio port RTP/AVP 0\r\n");
            assertThat(badSdp.statusCode()).isEqualTo(400);
            assertThat(badSdp.reasonPhrase()).startsWith("Malformed SDP");
        }
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            // metadata without its offer: broken SIPREC, not a late offer (that is an INVITE
            // without a body: FieldInteropTest)
            SipResponse onlyMetadata = src.invite("multipart/mixed;boundary=boundary42",
                    "--boundary42\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording/>\r\n--boundary42--");
            assertThat(onlyMetadata.statusCode()).isEqualTo(488);
        }
        assertThat(recorder.events).isEmpty();
        assertThat(server.rtpPortsInUse()).isZero();
    }

    @Test
    void unreadableMetadataIsCountedAndTheCallStillRecorded() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(TestSrc.offer("1", "2"), "<recording><participant></recording>"));
            assertThat(ok.statusCode()).isEqualTo(200);
            src.ack();
            src.bye();
        }
        awaitEnded(recorder.last());
        assertThat(server.metadataErrors()).isEqualTo(1);
        assertThat(recorder.last().metadataProblem()).contains("malformed metadata XML");
        assertThat(recorder.last().metadata()).isEqualTo(RecordingMetadata.EMPTY);
        assertThat(recorder.last().channels()).extracting(RecordedChannel::rule).containsOnly("m-line-order");
    }

    @Test
    void strictPolicyRejectsUnreadableMetadata() throws Exception {
        start(SiprecServer.builder().rejectMalformedMetadata(true));
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            SipResponse r = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(TestSrc.offer("1", "2"), "<recording><oops></recording>"));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.reasonPhrase()).isEqualTo("Malformed recording metadata");
        }
        assertThat(server.rtpPortsInUse()).isZero();
    }

    @Test
    void anInviteWithoutMetadataIsRecordedInMLineOrderAndOneStreamIsMono() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.invite("application/sdp", TestSrc.offer("mixed")).statusCode()).isEqualTo(200);
            src.ack();
            src.bye();
        }
        awaitEnded(recorder.last());
        assertThat(recorder.last().mixed()).isTrue();
        assertThat(recorder.last().channels()).hasSize(1);
    }

    @Test
    void reInviteIsAnsweredWithTheFullAnswerAndMirroredDirections() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sip(Transport.UDP), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            int[] ports = src.rtpPorts.clone();
            String hold = TestSrc.offer("1", "2").replaceFirst("a=sendonly", "a=inactive");
            SipResponse r = src.reInvite(hold);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.header("Contact")).contains("+sip.srs");
            assertThat(src.answer.media()).extracting(MediaDescription::direction)
                    .containsExactly(Direction.INACTIVE, Direction.RECVONLY);
            assertThat(src.rtpPorts).isEqualTo(ports);
            assertThat(src.answer.origin()).endsWith(" 2 IN IP4 127.0.0.1"); // version bumped: it changed
            SipResponse same = src.reInvite(hold);
            assertThat(same.statusCode()).isEqualTo(200);
            assertThat(src.answer.origin()).endsWith(" 2 IN IP4 127.0.0.1"); // unchanged: same version
            src.bye();
        }
        awaitEnded(recorder.last());
        assertThat(recorder.count("ended")).isEqualTo(1);
    }
}
