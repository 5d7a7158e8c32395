package dev.siprec.media;

import dev.siprec.testing.Await;
import java.time.Duration;

import static dev.siprec.testing.Signals.firstSound;
import static dev.siprec.testing.Signals.power;
import static dev.siprec.testing.Signals.power;
import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.codecs.g711.G711;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The session timeline with a virtual clock: packets are injected with chosen arrival times,
 * every step runs as one task on the session's event loop, so results are deterministic.
 */
class MediaSessionTest extends VirtualClockSessionTest {


    int rate;
    final List<short[]> channels = new ArrayList<>();
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    long delivered;
    int seconds = 30; // of output kept per channel
    final List<String> concealedFrames = new ArrayList<>(); // "frameIndex:channelBits"

    void open(int outputRate, int legs) throws Exception {
        open(outputRate, legs, 60, 60);
    }

    void open(int outputRate, int legs, int minDelayMillis, int maxDelayMillis) throws Exception {
        rate = outputRate;
        List<MediaSession.LegSpec> specs = new ArrayList<>();
        for (int i = 0; i < legs; i++) {
            specs.add(new MediaSession.LegSpec(i, 0, "PCMU", 8000, 1, 101));
            channels.add(new short[outputRate * seconds]);
        }
        session = new MediaSession(group.next(), specs, new MediaSession.Settings(outputRate, legs, 20, minDelayMillis, maxDelayMillis, true),
                new FrameSink() {
                    @Override
                    public void onFrame(long position, short[] samples, int n, int chs, long concealed, long[] arrivals) {
                        if (concealed != 0) {
                            concealedFrames.add(position / n + ":" + Long.toBinaryString(concealed));
                        }
                        for (int c = 0; c < chs; c++) {
                            for (int i = 0; i < n; i++) {
                                channels.get(c)[(int) position + i] = samples[i * chs + c];
                            }
                        }
                        assertThat(position).isEqualTo(delivered); // frames are contiguous
                        delivered += n;
                    }

                    @Override
                    public void onTelephoneEvent(int channel, int event, long position, int durationMillis) {
                        events.add(channel + ":" + event + "@" + position + "/" + durationMillis + "ms");
                    }
                }, clock::get);
        session.start();
        onLoop(() -> null);
    }

    <T> T onLoop(Callable<T> task) throws Exception {
        return session.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    /** A PCMU packet of 20 ms of a sine, phase continuous by timestamp. */
    static ByteBuf pcmu(int seq, long ts, int ssrc, double hz) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(172);
        b.writeByte(0x80).writeByte(0).writeShort(seq & 0xFFFF).writeInt((int) ts).writeInt(ssrc);
        for (int i = 0; i < 160; i++) {
            double t = ((ts + i) & 0xFFFFFFFFL) / 8000.0;
            b.writeByte(G711.linearToUlaw((int) (8000 * Math.sin(2 * Math.PI * hz * t))));
        }
        return b;
    }

    /** Delivers one packet to a leg at a virtual arrival time, then lets the clock tick. */
    void arrive(int leg, long atNanos, ByteBuf packet) throws Exception {
        onLoop(() -> {
            clock.set(atNanos);
            try {
                session.leg(leg).onPacket(packet, atNanos);
            } finally {
                packet.release(); // as the socket handler does
            }
            session.tick();
            return null;
        });
    }

    void advanceTo(long nanos) throws Exception {
        onLoop(() -> {
            clock.set(nanos);
            session.tick();
            return null;
        });
    }



    @Test
    void twoLegsLandOnTheirChannelsAlignedAcrossSequenceAndTimestampWrap() throws Exception {
        open(8000, 2);
        long seqB = 65500;
        long tsB = 0xFFFFFFFFL - 800; // wraps after 5 packets
        for (int k = 0; k < 100; k++) {
            long at = (100 + 20 * k) * MS;
            arrive(0, at, pcmu(1000 + k, 1_048_576 + 160L * k, 0x11, 440));
            arrive(1, at + 3 * MS, pcmu((int) (seqB + k), tsB + 160L * k, 0x22, 1000));
        }
        advanceTo(3000 * MS);
        short[] left = channels.get(0);
        short[] right = channels.get(1);
        int from = 8000 / 10 + 400;
        assertThat(power(left, from, 8000, 440, 8000)).isGreaterThan(1000 * power(left, from, 8000, 1000, 8000));
        assertThat(power(right, from, 8000, 1000, 8000)).isGreaterThan(1000 * power(right, from, 8000, 440, 8000));
        // first packet arrived at 100 ms: it starts at sample 800; the other leg 3 ms (24 samples) later
        assertThat(firstSound(left)).isBetween(800, 810);
        assertThat(firstSound(right) - firstSound(left)).isBetween(20, 30);
        StreamStats a = onLoop(() -> session.stats(0));
        StreamStats b = onLoop(() -> session.stats(1));
        assertThat(a).isEqualTo(new StreamStats(100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)); // perfectly paced: no jitter
        assertThat(b).isEqualTo(new StreamStats(100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        // continuous audio over the 2 s of packets: no hole anywhere after the wrap
        for (int i = firstSound(right) + 100; i < firstSound(right) + 15_000; i += 40) {
            assertThat(Math.abs(right[i]) + Math.abs(right[i + 1]) + Math.abs(right[i + 2])).isPositive();
        }
    }

    @Test
    void reorderedAndDuplicatedPacketsGiveTheSameAudioAndLossIsCounted() throws Exception {
        open(8000, 2);
        // leg 1 gets the same packets as leg 0, reordered, one duplicated and one lost; time runs in order
        int[] order = {0, 2, 1, 3, 5, 4, 6, 6, 7, 9, 8, 10, 12, 11, 13, 14, 15, 16, 17, 18, 19, 21, 20, 22, 23, 24,
            25, 26, 27, 28, 29, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49};
        for (int k = 0; k < order.length; k++) {
            long at = (20 * k + 10) * MS;
            if (k < 50) {
                arrive(0, at, pcmu(k, 160L * k, 1, 440));
            }
            // a packet overtaken by the next one arrives with it; none arrives before it was sent
            long sent = (20L * Math.max(k, order[k]) + 10) * MS;
            arrive(1, sent + MS, pcmu(order[k], 160L * order[k], 2, 440));
        }
        advanceTo(2000 * MS);
        short[] ref = channels.get(0); // first packet arrived at 10 ms: sample 80
        short[] got = channels.get(1); // 1 ms later: sample 88
        for (int i = 0; i < 30 * 160; i++) {
            assertThat(got[88 + i]).as("sample %d", 88 + i).isEqualTo(ref[80 + i]);
        }
        // the lost packet is concealed in its own slot (G.711 pitch repetition of the 440 Hz
        // tone): nothing slides, and it continues the tone rather than leaving a hole
        assertThat(power(got, 88 + 30 * 160, 160, 440, 8000)).isGreaterThan(100 * power(got, 88 + 30 * 160, 160, 1000, 8000));
        // including its first 72 samples, in a frame delivered before the next packet played
        assertThat(rms(got, 88 + 30 * 160, 4960)).isGreaterThan(1000);
        // after the 10 ms cross-fade back from the concealment, the audio is exact again
        for (int i = 31 * 160 + 80; i < 50 * 160; i++) {
            assertThat(got[88 + i]).isEqualTo(ref[80 + i]);
        }
        StreamStats s = onLoop(() -> session.stats(1));
        assertThat(s.packetsReceived()).isEqualTo(order.length);
        assertThat(s.packetsDuplicate()).isEqualTo(1);
        assertThat(s.packetsLost()).isEqualTo(1);
        assertThat(s.framesConcealed()).isEqualTo(1);
        assertThat(s.packetsLate()).isZero();
        // the concealed span [4888, 5048) straddles frames 30 and 31, on channel 1 only
        assertThat(concealedFrames).containsExactly("30:10", "31:10");
    }

    @Test
    void interarrivalJitterFollowsRfc3550() throws Exception {
        open(8000, 1);
        // packets 20 ms apart in timestamp, arriving alternately 10 ms early and late:
        // every transit difference is 20 ms, and J converges to 20 ms
        for (int k = 0; k < 400; k++) {
            long at = 100 + 20L * k + (k % 2 == 0 ? -10 : 10);
            arrive(0, at * MS, pcmu(k, 160L * k, 1, 440));
        }
        double j = onLoop(() -> session.stats(0).jitterMillis());
        assertThat(j).isBetween(19.0, 20.0);
    }

    @Test
    void aPacketAfterItsPlayoutTimeIsLateAndDropped() throws Exception {
        open(8000, 1);
        arrive(0, 10 * MS, pcmu(0, 0, 1, 440));
        arrive(0, 50 * MS, pcmu(2, 320, 1, 440));
        advanceTo(290 * MS); // frames up to 230 ms are delivered; packet 1 (30-50 ms) was lost
        arrive(0, 300 * MS, pcmu(1, 160, 1, 440)); // 250 ms behind: its frame is gone
        advanceTo(600 * MS);
        StreamStats s = onLoop(() -> session.stats(0));
        assertThat(s.packetsLate()).isEqualTo(1);
        assertThat(s.packetsLost()).isEqualTo(1);
    }

    /** 10 s of 20 ms packets where every 50th arrives 150 ms after its time (a periodic congestion spike). */
    StreamStats spikyStream() throws Exception {
        for (int k = 0; k < 500; k++) {
            if (k % 50 == 25) {
                continue; // held up
            }
            arrive(0, 20L * k * MS, pcmu(k, 160L * k, 1, 440));
            if (k % 50 == 32) { // the held packet arrives 150 ms after its time, overtaken by 7 others
                int held = k - 7;
                arrive(0, (20L * held + 150) * MS, pcmu(held, 160L * held, 1, 440));
            }
        }
        return onLoop(() -> session.stats(0));
    }

    @Test
    void aFixedDelayDropsEverySpikeAsLate() throws Exception {
        open(8000, 1, 40, 40);
        StreamStats s = spikyStream();
        assertThat(s.packetsLate()).isEqualTo(10);
        assertThat(session.playoutDelayMillis()).isEqualTo(40);
    }

    @Test
    void anAdaptiveDelayGrowsPastTheSpikesThenDecaysWithoutTouchingTheAudio() throws Exception {
        open(8000, 1, 40, 400);
        StreamStats s = spikyStream();
        assertThat(s.packetsLate()).isEqualTo(1); // only the first spike, before the delay knew
        assertThat(s.packetsLost()).isEqualTo(1);
        double peak = session.playoutDelayMillis();
        assertThat(peak).isBetween(100.0, 400.0); // raised by the first spike's lateness (~110 ms) at once
        for (int k = 500; k < 1250; k++) { // 15 calm seconds
            arrive(0, 20L * k * MS, pcmu(k, 160L * k, 1, 440));
        }
        assertThat(session.playoutDelayMillis()).isBetween(40.0, peak - 50);
        advanceTo(26_000 * MS);
        // the delay changed only when frames were delivered: every packet is in its place
        short[] x = channels.get(0);
        assertThat(firstSound(x)).isBetween(0, 5); // the first packet anchors sample 0
        int lostAt = 160 * 25; // the first held packet, dropped as late: concealed, not silent
        for (int from = 0; from + 160 <= 160 * 1250; from += 160) {
            if (from != lostAt) {
                assertThat(power(x, from, 160, 440, 8000)).as("frame at %d", from)
                        .isGreaterThan(1000 * power(x, from, 160, 1000, 8000));
            }
        }
        assertThat(onLoop(() -> session.stats(0)).packetsLate()).isEqualTo(1);
    }

    /** Where a 1000 Hz tone takes over from 440 Hz, scanning 4 samples at a time. */
    static int toneChange(short[] x, int from, int to) {
        for (int p = from; p + 80 <= to; p += 4) {
            if (power(x, p, 80, 1000, 8000) > power(x, p, 80, 440, 8000)) {
                return p;
            }
        }
        return -1;
    }

    @Test
    void sendersWhoseClocksRunFastAndSlowStayAlignedWithTheSessionClock() throws Exception {
        seconds = 102;
        open(8000, 2);
        // leg 0's sender clock runs 0.1% fast (a 20 ms packet every 19.98 ms), leg 1's 0.1% slow;
        // each sender switches from 440 Hz to 1000 Hz at 80 s of real time
        double[] spacing = {19.98, 20.02};
        int[] k = {0, 0};
        while (true) {
            int leg = k[0] * spacing[0] <= k[1] * spacing[1] ? 0 : 1;
            double atMillis = k[leg] * spacing[leg];
            if (atMillis > 100_000) {
                break;
            }
            double hz = atMillis >= 80_000 ? 1000 : 440;
            arrive(leg, (long) (atMillis * MS), pcmu(k[leg], 160L * k[leg], leg + 1, hz));
            k[leg]++;
        }
        advanceTo(101_000 * MS);
        int expected = 80 * 8000;
        int left = toneChange(channels.get(0), expected - 8000, expected + 8000);
        int right = toneChange(channels.get(1), expected - 8000, expected + 8000);
        // each leg's first 1000 Hz packet is the first sent at or after 80 s: up to one packet
        // (160 samples) later. Without following the drift they would be 640 samples early and
        // late; followed, the channels stay within one frame of the real time and of each other.
        assertThat(left).isBetween(expected - 40, expected + 160 + 24);
        assertThat(right).isBetween(expected - 40, expected + 160 + 24);
        assertThat(Math.abs(left - right)).isLessThan(160);
        for (int leg = 0; leg < 2; leg++) {
            StreamStats st = session.stats(leg);
            assertThat(st.packetsLost()).isZero();
            assertThat(st.packetsLate()).isZero();
        }
    }

    @Test
    void aLateStartingLegIsSilenceUntilItsFirstPacket() throws Exception {
        open(16000, 2);
        for (int k = 0; k < 150; k++) {
            arrive(0, 20L * k * MS, pcmu(k, 160L * k, 1, 440));
            if (k >= 50) { // leg 1 starts one second later
                arrive(1, 20L * k * MS, pcmu(k, 160L * k, 2, 440));
            }
        }
        advanceTo(4000 * MS);
        assertThat(firstSound(channels.get(0))).isBetween(0, 40);
        assertThat(firstSound(channels.get(1))).isBetween(16000, 16040);
        // upsampled 8 -> 16 kHz: the tone is still a 440 Hz tone
        short[] right = channels.get(1);
        assertThat(power(right, 20000, 16000, 440, 16000)).isGreaterThan(100 * power(right, 20000, 16000, 1000, 16000));
    }

    @Test
    void aNewSsrcResynchronisesWithoutStalling() throws Exception {
        open(8000, 1);
        for (int k = 0; k < 25; k++) {
            arrive(0, 20L * k * MS, pcmu(100 + k, 5000 + 160L * k, 0x33, 440));
        }
        for (int k = 25; k < 50; k++) { // new source: unrelated sequence and timestamp bases
            arrive(0, 20L * k * MS, pcmu(40000 + k, 99_999_999 + 160L * k, 0x44, 1000));
        }
        advanceTo(1500 * MS);
        short[] x = channels.get(0);
        assertThat(power(x, 4200, 3200, 1000, 8000)).isGreaterThan(100 * power(x, 4200, 3200, 440, 8000));
        assertThat(power(x, 400, 3200, 440, 8000)).isGreaterThan(100 * power(x, 400, 3200, 1000, 8000));
        assertThat(onLoop(() -> session.stats(0)).packetsLost()).isZero();
    }

    @Test
    void badPacketsAndForeignPayloadTypesAreCountedNotDecoded() throws Exception {
        open(8000, 1);
        ByteBuf bad = PooledByteBufAllocator.DEFAULT.directBuffer(4).writeInt(0x12345678);
        arrive(0, MS, bad);
        ByteBuf foreign = pcmu(1, 0, 1, 440);
        foreign.setByte(1, 96);
        arrive(0, 2 * MS, foreign);
        ByteBuf dtmf = pcmu(2, 0, 1, 440);
        dtmf.setByte(1, 101);
        arrive(0, 3 * MS, dtmf);
        advanceTo(500 * MS);
        StreamStats s = onLoop(() -> session.stats(0));
        assertThat(s.packetsInvalid()).isEqualTo(1); // the four bytes
        assertThat(s.packetsOtherPayloadType()).isEqualTo(1); // PT 96, not answered: dropped, not malformed
        assertThat(s.packetsReceived()).isEqualTo(1); // the telephone-event packet
        assertThat(firstSound(channels.get(0))).isEqualTo(-1);
    }

    @Test
    void aFailingSinkNeitherStopsTheClockNorHidesAFatalError() throws Exception {
        java.util.concurrent.atomic.AtomicInteger frames = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CompletableFuture<Throwable> fatal = new java.util.concurrent.CompletableFuture<>();
        MediaSession s = new MediaSession(group.next(), List.of(new MediaSession.LegSpec(0, 0, "PCMU", 8000, 1, -1)),
                new MediaSession.Settings(8000, 1, 20, 0), (position, samples, n, channels, concealed, arrivals) -> {
                    int k = frames.incrementAndGet();
                    if (k <= 3) {
                        throw new IllegalStateException("a bug in the sink"); // logged; the clock goes on
                    }
                    if (k == 6) {
                        throw new OutOfMemoryError("test"); // reported, not swallowed by the event loop
                    }
                }, System::nanoTime);
        s.onFatalError(fatal::complete);
        s.start();
        // the clock runs while packets come: a stream every 20 ms
        int[] seq = {0};
        io.netty.util.concurrent.ScheduledFuture<?> src = s.eventLoop().scheduleAtFixedRate(() -> {
            ByteBuf p = pcmu(seq[0], 160L * seq[0]++, 1, 440);
            try {
                s.leg(0).onPacket(p, System.nanoTime());
            } finally {
                p.release();
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        try {
            assertThat(fatal.get(5, TimeUnit.SECONDS)).isInstanceOf(OutOfMemoryError.class);
            assertThat(frames.get()).isGreaterThanOrEqualTo(6);
        } finally {
            src.cancel(false);
            s.stop().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSessionWithoutPacketsRunsNoFrameClockAndStillDeliversItsSilenceAsItFallsDue() throws Exception {
        open(8000, 2);
        assertThat(onLoop(session::isTicking)).isFalse(); // started, but nothing to play: no clock
        arrive(0, 200 * MS, pcmu(0, 0, 1, 440));
        assertThat(onLoop(session::isTicking)).isTrue();
        assertThat(delivered).isEqualTo(7 * 160); // the frames due (200 ms - 60 ms delay), at once
        for (int i = 1; i < 10; i++) {
            arrive(0, (200 + 20 * i) * MS, pcmu(i, 160 * i, 1, 440));
        }
        advanceTo(1000 * MS);
        // the stream stopped 620 ms ago: played out, quiet, so the clock stops until its next packet
        assertThat(onLoop(session::isTicking)).isFalse();
        assertThat(delivered).isEqualTo(1000 / 20 * 160 - 3 * 160);
        assertThat(firstSound(channels.get(0))).isBetween(200 * 8, 200 * 8 + 2); // (a sine starts at 0)
        // parked, the silent frames still come as they fall due, a few at a time, never in a
        // burst that a bounded delivery queue could not take
        onLoop(() -> {
            clock.set(1900 * MS);
            return null;
        });
        Await.until("the frames due", Duration.ofSeconds(5), () -> onLoop(() -> delivered) >= 1900 / 20 * 160 - 3 * 160);
        assertThat(delivered).isEqualTo(1900 / 20 * 160 - 3 * 160);
        assertThat(onLoop(session::isTicking)).isFalse();
        arrive(0, 2000 * MS, pcmu(10, 160 * 10 + 8000 * 2, 1, 440));
        assertThat(onLoop(session::isTicking)).isTrue();
        assertThat(delivered).isEqualTo(2000 / 20 * 160 - 3 * 160); // frames are contiguous throughout
    }

    @Test
    void aPortTakenByAnotherProgramIsSkipped() throws Exception {
        open(8000, 2);
        // the pool's first two even ports are held by someone else: the streams get the next ones
        RtpPortPool pool = new RtpPortPool(31200, 31219, 0);
        java.net.InetAddress lo = java.net.InetAddress.getLoopbackAddress();
        try (java.net.DatagramSocket a = new java.net.DatagramSocket(31200, lo);
             java.net.DatagramSocket b = new java.net.DatagramSocket(31202, lo)) {
            int[] ports = session.bind(lo, pool).get(5, TimeUnit.SECONDS);
            assertThat(ports).containsExactly(31204, 31206);
            // the taken ports went back to the pool; the bound ones are in use
            assertThat(pool.available()).isEqualTo(pool.size() - 2);
        }
    }

    @Test
    void bindsOneSocketPerStreamAndStoppingWhileBindingLeaksNoPort() throws Exception {
        open(8000, 2);
        // below the ephemeral range (32768-60999 on Linux), where client sockets of other processes may sit
        RtpPortPool pool = new RtpPortPool(31000, 31099);
        int[] ports = session.bind(java.net.InetAddress.getLoopbackAddress(), pool).get(5, TimeUnit.SECONDS);
        assertThat(ports).hasSize(2).doesNotHaveDuplicates();
        assertThat(pool.available()).isEqualTo(pool.size() - 2);
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(ports[0],
                java.net.InetAddress.getLoopbackAddress())) {
            throw new AssertionError("port " + ports[0] + " should be bound by the session");
        } catch (java.net.BindException expected) {
            // bound by the session
        }
        // RTCP on the odd port after each RTP port (RFC 3550 §11), for SRCs that do not
        // multiplex: opened once the stream's first RTP packet came, not before
        for (int port : ports) {
            assertThat(bindable(port + 1)).isTrue();
        }
        try (java.net.DatagramSocket src = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            ByteBuf rtp = pcmu(0, 0, 7, 440);
            byte[] first = new byte[rtp.readableBytes()];
            rtp.readBytes(first);
            rtp.release();
            src.send(new java.net.DatagramPacket(first, first.length, java.net.InetAddress.getLoopbackAddress(),
                    ports[1]));
            Await.until("the RTCP socket of the stream that sent", Duration.ofSeconds(5), () -> !bindable(ports[1] + 1));
            assertThat(bindable(ports[0] + 1)).isTrue(); // the silent stream still has one socket
            ByteBuf sr = RtcpPacketTest.senderReportAndSdes(5, 1L << 32, 0);
            byte[] bytes = new byte[sr.readableBytes()];
            sr.readBytes(bytes);
            src.send(new java.net.DatagramPacket(bytes, bytes.length, java.net.InetAddress.getLoopbackAddress(),
                    ports[1] + 1));
            src.send(new java.net.DatagramPacket(new byte[] {1, 2, 3}, 3, java.net.InetAddress.getLoopbackAddress(),
                    ports[1] + 1)); // not RTCP
            Await.until("the datagram that is not RTCP", Duration.ofSeconds(5), () -> session.stats(1).packetsInvalid() >= 1);
        }
        assertThat(session.stats(1).packetsRtcp()).isEqualTo(1);
        assertThat(session.stats(1).packetsInvalid()).isEqualTo(1);
        assertThat(session.stats(0).packetsRtcp()).isZero();
        session.stop().get(5, TimeUnit.SECONDS);
        assertThat(pool.available()).isEqualTo(pool.size());
        for (int port : ports) { // both sockets of each stream are closed
            assertThat(bindable(port)).isTrue();
            assertThat(bindable(port + 1)).isTrue();
        }
        for (int i = 0; i < 20; i++) { // stop racing with bind, e.g. a CANCEL during setup
            MediaSession racing = new MediaSession(group.next(),
                    List.of(new MediaSession.LegSpec(0, 0, "PCMU", 8000, 1, -1),
                            new MediaSession.LegSpec(1, 0, "PCMU", 8000, 1, -1)),
                    new MediaSession.Settings(8000, 2, 20, 60), (p, x, n, c, concealed, arrivals) -> { }, clock::get);
            java.util.concurrent.CompletableFuture<int[]> bound =
                    racing.bind(java.net.InetAddress.getLoopbackAddress(), pool);
            racing.stop().get(5, TimeUnit.SECONDS);
            try {
                bound.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException stoppedFirst) {
                assertThat(stoppedFirst.getCause()).hasMessageContaining("stopped while binding");
            }
            assertThat(pool.available()).isEqualTo(pool.size());
        }
        session = null;
    }

    /**
     * Whether a UDP port can be bound, trying for up to 2 s: the JDK releases a closed channel's
     * port only once its selector has deregistered it, on the event loop's next wakeup.
     */
    static boolean bindable(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            try {
                new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress()).close();
                return true;
            } catch (java.net.SocketException stillBound) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
        }
    }

    /** An RFC 4733 packet: event, end bit, volume 10, duration in timestamp units. */
    static ByteBuf dtmf(int seq, long ts, int event, boolean end, int duration) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeByte(0x80).writeByte(101).writeShort(seq & 0xFFFF).writeInt((int) ts).writeInt(1);
        b.writeByte(event).writeByte((end ? 0x80 : 0) | 10).writeShort(duration);
        return b;
    }

    /** An RFC 3389 comfort-noise packet (static PT 13) with a noise level in -dBov and no spectrum. */
    static ByteBuf comfortNoise(int seq, long ts, int ssrc, int minusDbov) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(13);
        b.writeByte(0x80).writeByte(13).writeShort(seq & 0xFFFF).writeInt((int) ts).writeInt(ssrc);
        if (minusDbov >= 0) {
            b.writeByte(minusDbov);
        }
        return b;
    }

    static double rms(short[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) x[i] * x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    @Test
    void comfortNoiseFillsTheSilenceAtItsLevelAndTheGapIsNotLoss() throws Exception {
        open(8000, 1);
        int seq = 0;
        for (; seq < 10; seq++) { // 200 ms of speech, then the SRC goes silent (DTX)
            arrive(0, 20L * seq * MS, pcmu(seq, 160L * seq, 1, 440));
        }
        arrive(0, 200 * MS, comfortNoise(seq++, 1600, 1, 40)); // -40 dBov from sample 1600
        arrive(0, 250 * MS, comfortNoise(seq, 2000, 1, -1)); // no level byte: invalid, not a CN packet
        arrive(0, 700 * MS, comfortNoise(seq++, 5600, 1, 60)); // a level update: -60 dBov from 5600
        for (int k = 0; k < 10; k++, seq++) { // speech again at 1.2 s
            arrive(0, (1200 + 20L * k) * MS, pcmu(seq, 9600 + 160L * k, 1, 440));
        }
        advanceTo(2500 * MS);
        short[] x = channels.get(0);
        // 0 dBov is a full-scale square wave (RFC 3389 §3): rms 32767 * 10^(-dBov/20), within 1 dB
        assertThat(rms(x, 1600 + 80, 5600 - 80)).isBetween(327.7 / 1.122, 327.7 * 1.122);
        assertThat(rms(x, 5600 + 80, 9600 - 80)).isBetween(32.77 / 1.122, 32.77 * 1.122);
        // speech resumes in place and the noise stops where it does
        assertThat(power(x, 9600, 1600, 440, 8000)).isGreaterThan(1000 * power(x, 9600, 1600, 1000, 8000));
        assertThat(rms(x, 9600, 11200)).isGreaterThan(5000);
        for (int i = 11200 + 80; i < 8000 * 2; i++) {
            assertThat(x[i]).as("sample %d after the last packet", i).isZero();
        }
        StreamStats s = onLoop(() -> session.stats(0));
        assertThat(s.packetsLost()).isZero();
        assertThat(s.framesConcealed()).isZero();
        assertThat(s.packetsComfortNoise()).isEqualTo(2);
        assertThat(s.packetsInvalid()).isEqualTo(1);
        assertThat(s.packetsReceived()).isEqualTo(22);
    }

    /** Copies a heap-built datagram into a pooled direct buffer, as the socket hands them over. */
    static ByteBuf datagram(ByteBuf heap) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(heap.readableBytes()).writeBytes(heap);
        heap.release();
        return b;
    }

    @Test
    void multiplexedRtcpIsCountedAndAByeEndsTheSourcesComfortNoise() throws Exception {
        open(8000, 1);
        int seq = 0;
        for (; seq < 10; seq++) {
            arrive(0, 20L * seq * MS, pcmu(seq, 160L * seq, 7, 440));
        }
        arrive(0, 190 * MS, datagram(RtcpPacketTest.senderReportAndSdes(7, 1L << 32, 1440)));
        arrive(0, 200 * MS, comfortNoise(seq++, 1600, 7, 30));
        ByteBuf broken = RtcpPacketTest.bye(7);
        broken.setShort(2, 9); // length beyond the datagram
        arrive(0, 300 * MS, datagram(broken));
        arrive(0, 1000 * MS, datagram(RtcpPacketTest.bye(7))); // the source leaves during its silence
        advanceTo(2000 * MS);
        short[] x = channels.get(0);
        assertThat(rms(x, 1600 + 80, 8 * (1000 - 100))).isGreaterThan(500); // -30 dBov: rms 1036
        for (int i = 8 * 1000; i < 8 * 1800; i++) {
            assertThat(x[i]).as("sample %d after the BYE", i).isZero();
        }
        StreamStats s = onLoop(() -> session.stats(0));
        assertThat(s.packetsRtcp()).isEqualTo(2);
        assertThat(s.packetsInvalid()).isEqualTo(1);
        assertThat(s.packetsReceived()).isEqualTo(11); // RTCP is not RTP
        assertThat(s.packetsLost()).isZero();
    }

    @Test
    void telephoneEventsAreReportedOnceAndAreNeitherLossNorSpeech() throws Exception {
        open(8000, 1);
        int seq = 0;
        long at = 0;
        for (int k = 0; k < 10; k++, seq++, at += 20) { // 200 ms of speech
            arrive(0, at * MS, pcmu(seq, 160L * seq, 1, 440));
        }
        long eventTs = 160L * seq; // digit 5 starts here; its packets keep this timestamp
        for (int d = 1; d <= 4; d++, seq++, at += 20) {
            arrive(0, at * MS, dtmf(seq, eventTs, 5, false, 160 * d));
        }
        for (int r = 0; r < 3; r++, seq++, at += 20) { // the end packet, sent three times (§2.5.1.4)
            arrive(0, at * MS, dtmf(seq, eventTs, 5, true, 800));
        }
        // a second event whose end packets are all lost: reported when the next one starts
        long hashTs = 160L * (seq + 5);
        arrive(0, at * MS, dtmf(seq++, hashTs, 11, false, 160));
        at += 20;
        arrive(0, at * MS, dtmf(seq++, hashTs, 11, false, 320));
        at += 20;
        long oneTs = 160L * 40;
        arrive(0, at * MS, dtmf(seq++, oneTs, 1, true, 160));
        at += 20;
        for (int k = 0; k < 10; k++, seq++, at += 20) { // speech again
            arrive(0, at * MS, pcmu(seq, 160L * (seq + 30), 1, 440));
        }
        advanceTo((at + 500) * MS);
        // positions follow the RTP timestamps from the first packet's anchor (ts 0 = sample 0)
        assertThat(events).containsExactly("0:5@1600/100ms", "0:11@" + hashTs + "/40ms", "0:1@" + oneTs + "/20ms");
        StreamStats s = onLoop(() -> session.stats(0));
        assertThat(s.packetsLost()).isZero();
        assertThat(s.framesConcealed()).isZero();
        assertThat(s.packetsLate()).isZero();
        // the event's time is silence, not decoded as speech
        short[] x = channels.get(0);
        for (int i = 1600 + 160; i < 1600 + 160 * 6; i++) {
            assertThat(x[i]).isZero();
        }
    }

    @Test
    void stopDeliversWhatIsDueAndReleasesHeldBuffers() throws Exception {
        open(8000, 1);
        for (int k = 0; k < 10; k++) {
            arrive(0, 20L * k * MS, pcmu(k, 160L * k, 1, 440));
        }
        ByteBuf future = pcmu(12, 12 * 160, 1, 440);
        arrive(0, 200 * MS, future); // stays in the jitter buffer
        onLoop(() -> {
            clock.set(210 * MS);
            return null;
        });
        session.stop().get(5, TimeUnit.SECONDS);
        // every frame up to the end (210 ms = 1680 samples; the partial last frame is delivered whole)
        assertThat(delivered).isEqualTo(1760);
        assertThat(future.refCnt()).isZero();
        session = null;
    }

    static java.net.DatagramPacket receive(java.net.DatagramSocket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[1500], 1500);
        s.receive(p);
        return p;
    }

    static void send(java.net.DatagramSocket from, ByteBuf packet, int port) throws Exception {
        byte[] bytes = new byte[packet.readableBytes()];
        packet.readBytes(bytes);
        packet.release();
        from.send(new java.net.DatagramPacket(bytes, bytes.length, java.net.InetAddress.getLoopbackAddress(), port));
    }

    @Test
    void receiverReportsGoWhereTheSourcesRtcpComesFromAndProbesStopOnceMediaFlows() throws Exception {
        rate = 8000;
        session = new MediaSession(group.next(),
                List.of(new MediaSession.LegSpec(0, 0, "PCMU", 8000, 1, -1),
                        new MediaSession.LegSpec(1, 8, "PCMA", 8000, 1, -1)),
                new MediaSession.Settings(8000, 2, 20, 60, 60, true, true), (p, x, n, c, concealed, arrivals) -> { },
                clock::get);
        RtpPortPool pool = new RtpPortPool(31100, 31199); // below the ephemeral range
        int[] ports = session.bind(java.net.InetAddress.getLoopbackAddress(), pool).get(5, TimeUnit.SECONDS);
        session.start();
        java.net.DatagramSocket[] src = dev.siprec.testing.Sockets.udpPair();
        try {
            // the probe: from stream 1's socket to where the SRC said it sends from
            session.probe(1, (java.net.InetSocketAddress) src[0].getLocalSocketAddress());
            java.net.DatagramPacket probe = receive(src[0], 3000);
            assertThat(probe.getLength()).isEqualTo(12);
            assertThat(probe.getData()[0] & 0xFF).isEqualTo(0x80);
            assertThat(probe.getData()[1] & 0x7F).isEqualTo(8); // the stream's payload type
            assertThat(probe.getPort()).isEqualTo(ports[1]);

            // media flows on both streams; RTCP does not (yet)
            send(src[0], pcmu(7, 160 * 7, 0x77, 440), ports[0]);
            ByteBuf a = pcmu(9, 0, 0x99, 440);
            a.setByte(1, 8);
            send(src[0], a, ports[1]);
            Await.until("a packet on each stream", Duration.ofSeconds(5),
                    () -> onLoop(() -> session.stats(0).packetsReceived()) >= 1
                            && onLoop(() -> session.stats(1).packetsReceived()) >= 1);
            advanceTo(1000 * MS); // the first report is half an interval after the first packet
            advanceTo(9000 * MS);
            // with no RTCP from the source, the report goes to the port after its RTP port (RFC 3550 §11)
            java.net.DatagramPacket rr = receive(src[1], 3000);
            ByteBuf b = Unpooled.wrappedBuffer(rr.getData(), 0, rr.getLength());
            RtcpPacket p = new RtcpPacket();
            assertThat(p.wrap(b)).isNull();
            assertThat(p.next()).isTrue();
            assertThat(p.type()).isEqualTo(RtcpPacket.RR);
            assertThat(p.count()).isEqualTo(1);
            assertThat(b.getInt(16) & 0xFFFF).isIn(7, 9); // the highest sequence number of that stream
            assertThat(rr.getPort()).isIn(ports[0] + 1, ports[1] + 1); // from our RTCP port

            // the source multiplexes RTCP on its RTP port (RFC 5761): the reports follow, with the SR's time
            send(src[0], RtcpPacketTest.senderReportAndSdes(0x77, 0x0000_0102_0304_0000L, 160 * 7), ports[0]);
            Await.until("the sender report", Duration.ofSeconds(5), () -> onLoop(() -> session.stats(0).packetsRtcp()) >= 1);
            java.net.DatagramPacket muxed = null;
            for (long t = 10_000; t <= 30_000 && muxed == null; t += 1000) {
                advanceTo(t * MS);
                try {
                    muxed = receive(src[0], 50);
                } catch (java.net.SocketTimeoutException notYet) {
                    // stream 0's next report is not due yet
                }
            }
            assertThat(muxed).as("a report on the RTP port").isNotNull();
            ByteBuf m = Unpooled.wrappedBuffer(muxed.getData(), 0, muxed.getLength());
            assertThat(m.getInt(8)).isEqualTo(0x77);
            assertThat(m.getInt(24)).isEqualTo(0x0102_0304); // LSR: the middle of the SR's NTP time
            assertThat(muxed.getPort()).isEqualTo(ports[0]);

            // once media flowed, probing stopped: the 5-probe series ended early
            int more = 0;
            try {
                while (true) {
                    java.net.DatagramPacket x = receive(src[0], 1500);
                    if (x.getLength() == 12) {
                        more++;
                    }
                }
            } catch (java.net.SocketTimeoutException done) {
                // quiet
            }
            assertThat(more).isLessThanOrEqualTo(1);
        } finally {
            src[0].close();
            src[1].close();
        }
        session.stop().get(5, TimeUnit.SECONDS);
        session = null;
    }
}
