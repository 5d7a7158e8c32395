package dev.siprec.media;

import static dev.siprec.testing.Signals.power;
import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.codecs.g711.G711;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Two-leg calls through a simulated network on a virtual clock: a scripted sender per leg (its
 * own clock rate, packet time, SSRC changes, timestamp jumps, pauses) and a scripted network
 * (random or bursty loss, delay with jitter and so reordering, duplication). Deterministic
 * (seeded), and fast enough to run a simulated hour.
 *
 * <p>What each sender sends is a tone (440 Hz on leg 0, 1000 Hz on leg 1) that stops for the
 * first 100 ms of every 10 s of real time; the onset after each such gap is a marker whose
 * place in the recording tells the alignment. The output is analysed frame by frame as it is
 * delivered: marker onsets, frames that should carry the tone but are near silent (holes),
 * and the tone's frequency on its own channel.
 */
class SimulatedNetworkTest extends VirtualClockSessionTest {

    static final int RATE = 8000;
    static final int BASE_DELAY_MS = 20; // one-way delay before jitter
    static final double START_S = 0.2; // the senders start 200 ms into the session

    /** What one leg's sender and network do. */
    static final class Script {
        double hz;
        double skew; // the sender's clock runs (1 + skew) times real time
        int ptimeMs = 20;
        double loss; // long-run loss rate
        double meanBurst = 1; // mean length of a loss run (1: independent losses)
        double duplicate; // share of delivered packets that arrive twice
        int jitterMs; // delay is BASE_DELAY_MS plus uniform 0..jitterMs
        double ssrcChangeAtS = -1;
        double timestampJumpAtS = -1;
        double pauseFromS = -1;
        double pauseToS = -1;
        int extraDelayMs; // a constant delay before sending (a transcoder on this call leg)
        double stallAtS = -1; // the network holds what is sent from here ...
        int stallMs; // ... for this long, then delivers it all at once
        boolean senderReports; // an RTCP SR every 5 s, on the RTP port (RFC 5761)
        double reorder; // share of packets held back 20-40 ms more (they arrive after later ones)

        /** A sender of a tone at {@code hz}, or of {@link #NOISE} (the same on every leg). */
        Script(double hz) {
            this.hz = hz;
        }
    }

    /**
     * Instead of a tone: white noise that is a function of the sender's sample index, so that two
     * legs of one SRC carry the same signal at the same moment and their cross-correlation shows
     * how far apart the recording put them.
     */
    static final double NOISE = 0;

    static int noise(long n) {
        // low-passed (a moving sum of 8: mostly below 1 kHz) so that legs at different sub-sample
        // phases, or with different losses concealed, still correlate clearly
        int sum = 0;
        for (long k = n - 7; k <= n; k++) {
            long x = k * 0x9E3779B97F4A7C15L;
            x ^= x >>> 29;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 32;
            sum += (int) (x % 5000);
        }
        return sum / 3;
    }

    /** One leg's sender and network, and what they did (the expected counters). */
    static final class Sender {
        final int leg;
        final Script script;
        final Random random;
        final int samplesPerPacket;
        long k; // next packet index (of the sender's clock: runs on during a pause)
        int seq; // next sequence number (only sent packets take one)
        int ssrc;
        long tsBase;
        boolean bad; // Gilbert model state: inside a loss run
        int run; // current loss run length
        final List<Integer> lossRuns = new ArrayList<>();
        long sent;
        long arrivals; // datagrams that reached the receiver, duplicates included
        long duplicates;
        long lostNetwork;
        long lostFollowed; // lost packets followed by a delivered one (the receiver can see those)
        long pending; // lost packets not yet followed by a delivered one
        int firstSeq = -1; // sequence number of the first packet to arrive
        long older; // packets that arrived after a packet sent later than them was the first
        boolean switched;

        Sender(int leg, Script script, long seed) {
            this.leg = leg;
            this.script = script;
            this.random = new Random(seed);
            this.samplesPerPacket = RATE * script.ptimeMs / 1000;
            this.ssrc = 0x1000 + leg;
            this.seq = random.nextInt(65536);
            this.tsBase = random.nextInt() & 0xFFFFFFFFL;
        }

        /** Real time (s) of the sender's sample {@code n}: its clock runs 1 + skew times as fast. */
        double realTime(long n) {
            return START_S + n / (RATE * (1 + script.skew));
        }

        /** Send time of the next packet: when its last sample has been captured. */
        double nextSendTime() {
            return realTime((k + 1) * samplesPerPacket) + script.extraDelayMs / 1000.0;
        }

        boolean paused(double t) {
            return t >= script.pauseFromS && t < script.pauseToS;
        }

        /** Sends the next packet into {@code network}. */
        void send(PriorityQueue<Arrival> network) {
            double sendAt = nextSendTime();
            long first = k * samplesPerPacket;
            if (script.ssrcChangeAtS >= 0 && !switched && sendAt >= script.ssrcChangeAtS) {
                switched = true; // a new source: unrelated SSRC, sequence and timestamp bases
                ssrc = 0x2000 + leg;
                seq = random.nextInt(65536);
                tsBase = (random.nextInt() & 0xFFFFFFFFL) - first;
            }
            k++;
            if (paused(sendAt)) {
                return; // on hold: nothing sent, the sender's clock runs on
            }
            long ts = tsBase + first;
            if (script.timestampJumpAtS >= 0 && sendAt >= script.timestampJumpAtS) {
                ts += 30L * RATE; // the timestamp leaps 30 s ahead, time does not
            }
            if (script.senderReports && (k - 1) % 250 == 125) {
                // RFC 3550 §6.4.1: the NTP time of the instant the RTP timestamp stands for,
                // here the capture of this packet's first sample, on a clock the legs share
                long ntp = (3_900_000_000L << 32) + (long) (realTime(first) * 4294967296.0);
                ByteBuf sr = RtcpPacketTest.senderReportAndSdes(ssrc, ntp, (int) ts);
                long at = (long) ((sendAt + BASE_DELAY_MS / 1000.0) * 1e9);
                network.add(new Arrival(at, leg, sr));
            }
            ByteBuf b = Unpooled.buffer(12 + samplesPerPacket);
            b.writeByte(0x80).writeByte(0).writeShort(seq++ & 0xFFFF).writeInt((int) ts)
                    .writeInt(ssrc);
            for (int i = 0; i < samplesPerPacket; i++) {
                long n = first + i;
                double t = realTime(n);
                boolean silent = t % 10 < 0.1;
                int v = silent ? 0 : script.hz == NOISE ? noise(n) : (int) (8000 * Math.sin(2 * Math.PI * script.hz * n / RATE));
                b.writeByte(G711.linearToUlaw(v));
            }
            sent++;
            if (lose()) {
                b.release();
                lostNetwork++;
                pending++;
                return;
            }
            if (arrivals > 0) { // losses before the first packet are invisible to the receiver
                lostFollowed += pending;
            }
            pending = 0;
            double delayMs = BASE_DELAY_MS + random.nextDouble() * script.jitterMs;
            if (script.reorder > 0 && random.nextDouble() < script.reorder) {
                delayMs += 20 + 20 * random.nextDouble();
            }
            long arriveAt = (long) ((sendAt + delayMs / 1000.0) * 1e9);
            double stallEnd = script.stallAtS + script.stallMs / 1000.0;
            if (sendAt >= script.stallAtS && sendAt < stallEnd) {
                arriveAt = Math.max(arriveAt, (long) ((stallEnd + BASE_DELAY_MS / 1000.0) * 1e9)); // the burst
            }
            network.add(new Arrival(arriveAt, leg, b));
            arrivals++;
            if (random.nextDouble() < script.duplicate) {
                long again = arriveAt + (long) (random.nextDouble() * Math.max(1, script.jitterMs) * MS);
                network.add(new Arrival(again, leg, b.retainedDuplicate()));
                arrivals++;
                duplicates++;
            }
        }

        /** Gilbert model: runs of losses with the scripted mean length and long-run rate. */
        private boolean lose() {
            if (script.loss <= 0) {
                return false;
            }
            double leave = 1 / script.meanBurst;
            double enter = script.loss * leave / (1 - script.loss);
            bad = bad ? random.nextDouble() >= leave : random.nextDouble() < enter;
            if (bad) {
                run++;
            } else if (run > 0) {
                lossRuns.add(run);
                run = 0;
            }
            return bad;
        }
    }

    record Arrival(long atNanos, int leg, ByteBuf packet) implements Comparable<Arrival> {
        @Override
        public int compareTo(Arrival o) {
            return Long.compare(atNanos, o.atNanos);
        }
    }

    /** Analyses one channel of the delivered output as it comes. */
    static final class ChannelCheck {
        final double hz;
        final double otherHz;
        final double expectedOffsetS; // where real time t lands: t + this
        long quiet; // consecutive near-silent samples
        long quietEnd = Long.MIN_VALUE / 2; // where the last long quiet ended
        final List<long[]> markers = new ArrayList<>(); // {expected, found}
        final java.util.Map<Long, Long> byMarker = new java.util.HashMap<>(); // marker k -> found
        long holes; // frames in a tone span that are near silent
        long toneFrames; // frames in a tone span
        long wrongTone; // sampled frames whose tone is not this channel's
        long pauseFrames; // frames inside a pause (past the concealment's fade)
        long pauseSound; // of those, frames that are not silent
        long sampled;
        final short[] frame = new short[160];
        final double[] pauseS;
        final double toneUntilS; // the senders stop a second before the end

        ChannelCheck(double hz, double otherHz, int ptimeMs, int extraDelayMs, double[] pauseS, double seconds) {
            this.toneUntilS = seconds - 1.1;
            this.hz = hz;
            this.otherHz = otherHz;
            this.expectedOffsetS = (ptimeMs + BASE_DELAY_MS + extraDelayMs) / 1000.0;
            this.pauseS = pauseS;
        }

        void onFrame(long position, short[] samples, int n, int channels, int ch, boolean concealed) {
            double sumSquares = 0;
            for (int i = 0; i < n; i++) {
                short s = samples[i * channels + ch];
                frame[i] = s;
                sumSquares += (double) s * s;
                // an onset: loud within 6 samples after 50 ms of quiet (the tone may rise through a
                // few samples: a band-limited start, or a leg that is being time-scaled)
                if (Math.abs(s) < 300) {
                    quiet++;
                } else {
                    if (quiet >= 400) {
                        quietEnd = position + i;
                    }
                    quiet = 0;
                    if (Math.abs(s) > 1500 && position + i - quietEnd <= 6) {
                        onset(position + i);
                        quietEnd = Long.MIN_VALUE / 2;
                    }
                }
            }
            // real time this frame shows, if it is placed right
            double from = position / (double) RATE - expectedOffsetS;
            double to = from + n / (double) RATE;
            double inPeriod = from % 10;
            boolean tone = from >= START_S + 0.1 && to <= toneUntilS && inPeriod >= 0.15 && inPeriod + (to - from) <= 9.95
                    && !(to > pauseS[0] - 0.1 && from < pauseS[1] + 0.1);
            if (from > pauseS[0] + 0.1 && to < pauseS[1] && to <= toneUntilS) {
                pauseFrames++;
                if (Math.sqrt(sumSquares / n) > 30) {
                    pauseSound++;
                }
            }
            if (tone) {
                toneFrames++;
                double rms = Math.sqrt(sumSquares / n);
                if (rms < 1000) {
                    holes++;
                } else if (hz != NOISE && !concealed && rms > 3000 && toneFrames % 25 == 0) { // the right tone, twice a second
                    sampled++;
                    // 5 dB: the other leg's tone at any level would dominate; this leaves room for
                    // leakage (a 20 ms window, and the odd drift step or concealment seam)
                    if (power(frame, 0, n, hz, RATE) < 3 * power(frame, 0, n, otherHz, RATE)) {
                        wrongTone++;
                    }
                }
            }
        }

        private void onset(long position) {
            double t = position / (double) RATE - expectedOffsetS; // real time it shows
            long k = Math.round((t - 0.1) / 10);
            double markerAt = 10 * k + 0.1;
            if (k >= 1 && Math.abs(t - markerAt) < 0.5) {
                markers.add(new long[] {Math.round((markerAt + expectedOffsetS) * RATE), position});
                byMarker.putIfAbsent(k, position);
            }
        }

        /** The largest distance (samples) of a marker from where real time puts it. */
        long worstMarkerError() {
            long worst = 0;
            for (long[] m : markers) {
                worst = Math.max(worst, Math.abs(m[1] - m[0]));
            }
            return worst;
        }

        long markerAt(long expected) {
            for (long[] m : markers) {
                if (m[0] == expected) {
                    return m[1];
                }
            }
            return Long.MIN_VALUE;
        }
    }

    /**
     * How far apart the two channels are, window by window: for each 2 s of the recording, the
     * lag (within +-50 ms) that best correlates 0.5 s in its middle on channel 0 with channel 1.
     * Meaningful when both legs carry the same {@link #NOISE}.
     */
    static final class Alignment {
        static final int WINDOW = 2 * RATE;
        static final int PART = RATE / 2;
        static final int MAX_LAG = RATE / 20;
        final short[][] ring = new short[2][1 << 15];
        final int mask = (1 << 15) - 1;
        long nextWindow; // start of the next window to measure
        final List<double[]> windows = new ArrayList<>(); // {start s, lag samples, correlation}

        void onFrame(long position, short[] samples, int n, int channels) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 2; c++) {
                    ring[c][(int) ((position + i) & mask)] = samples[i * channels + c];
                }
            }
            long end = position + n;
            while (end >= nextWindow + WINDOW / 2 + PART / 2 + MAX_LAG) {
                measure(nextWindow);
                nextWindow += WINDOW;
            }
        }

        private void measure(long start) {
            long from = start + WINDOW / 2 - PART / 2;
            double e0 = energy(0, from, PART);
            double e1 = energy(1, from, PART);
            if (e0 < 1e6 * PART || e1 < 1e6 * PART) {
                return; // one leg silent here (not started yet, or paused)
            }
            double best = -2;
            int bestLag = 0;
            double eLag = energy(1, from - MAX_LAG, PART); // channel 1's energy under the lag, slid along
            for (int lag = -MAX_LAG; lag <= MAX_LAG; lag++) {
                if (lag > -MAX_LAG) {
                    double out = ring[1][(int) ((from + lag - 1) & mask)];
                    double in = ring[1][(int) ((from + lag + PART - 1) & mask)];
                    eLag += in * in - out * out;
                }
                double sum = 0;
                for (int i = 0; i < PART; i++) {
                    sum += (double) ring[0][(int) ((from + i) & mask)] * ring[1][(int) ((from + i + lag) & mask)];
                }
                double r = sum / Math.sqrt(e0 * Math.max(1, eLag));
                if (r > best) {
                    best = r;
                    bestLag = lag;
                }
            }
            windows.add(new double[] {start / (double) RATE, bestLag, best});
        }

        private double energy(int c, long from, int n) {
            double e = 0;
            for (int i = 0; i < n; i++) {
                double v = ring[c][(int) ((from + i) & mask)];
                e += v * v;
            }
            return e;
        }

        /**
         * Every window that starts {@code afterS} or later (with both legs sounding) has the
         * channels within {@code tolerance} samples of each other; returns the worst lag.
         */
        long assertWithin(double afterS, long tolerance, double seconds) {
            long worst = 0;
            int measured = 0;
            for (double[] w : windows) {
                if (w[0] >= afterS) {
                    measured++;
                    assertThat(w[2]).as("correlation of the legs in the window at %.0f s", w[0]).isGreaterThan(0.3);
                    assertThat(Math.abs((long) w[1])).as("lag of channel 1 in the window at %.0f s", w[0])
                            .isLessThanOrEqualTo(tolerance);
                    worst = Math.max(worst, Math.abs((long) w[1]));
                }
            }
            assertThat(measured).as("windows measured").isGreaterThanOrEqualTo((int) ((seconds - afterS - 2) / 2 * 0.8));
            return worst;
        }
    }

    ChannelCheck[] checks;
    Alignment alignment;
    double maxDelayMillis;
    long frames;
    long nextPosition;

    /** Runs a two-leg call for {@code seconds} of virtual time, then stops it. */
    Sender[] run(Script a, Script b, double seconds, long seed) throws Exception {
        Sender[] senders = {new Sender(0, a, seed), new Sender(1, b, seed * 31 + 7)};
        alignment = new Alignment();
        checks = new ChannelCheck[] {
            new ChannelCheck(a.hz, b.hz, a.ptimeMs, a.extraDelayMs, new double[] {a.pauseFromS, a.pauseToS}, seconds),
            new ChannelCheck(b.hz, a.hz, b.ptimeMs, b.extraDelayMs, new double[] {b.pauseFromS, b.pauseToS}, seconds)};
        List<MediaSession.LegSpec> specs = List.of(new MediaSession.LegSpec(0, 0, "PCMU", RATE, 1, 101),
                new MediaSession.LegSpec(1, 0, "PCMU", RATE, 1, 101));
        // the server's defaults: adaptive playout delay from 60 to 300 ms
        session = new MediaSession(group.next(), specs, new MediaSession.Settings(RATE, 2, 20, 60, 300, true),
                (position, samples, n, channels, concealed, arrivals) -> {
                    assertThat(position).isEqualTo(nextPosition); // contiguous, in order
                    nextPosition += n;
                    frames++;
                    for (int c = 0; c < channels; c++) {
                        checks[c].onFrame(position, samples, n, channels, c, (concealed & (1L << c)) != 0);
                    }
                    if (a.hz == NOISE && b.hz == NOISE) {
                        alignment.onFrame(position, samples, n, channels);
                    }
                    maxDelayMillis = Math.max(maxDelayMillis, session.playoutDelayMillis());
                }, clock::get);
        session.eventLoop().submit(() -> {
            clock.set(0);
            session.startDriven(); // the test ticks the clock itself
        }).get(5, TimeUnit.SECONDS);
        PriorityQueue<Arrival> network = new PriorityQueue<>();
        long end = (long) (seconds * 1e9);
        for (long chunk = 0; chunk < end; chunk += 10_000 * MS) { // ten simulated seconds per task
            long until = Math.min(end, chunk + 10_000 * MS);
            session.eventLoop().submit(() -> {
                for (long tick = clock.get() + 20 * MS; tick <= until; tick += 20 * MS) {
                    for (Sender s : senders) {
                        // a second ahead, so that every delay fits; the senders stop a second
                        // before the end, so that all they sent has arrived when it is counted
                        while (s.nextSendTime() * 1e9 <= Math.min(tick + 1000 * MS, end - 1000 * MS)) {
                            s.send(network);
                        }
                    }
                    while (!network.isEmpty() && network.peek().atNanos() <= tick) {
                        Arrival x = network.poll();
                        Sender from = senders[x.leg()];
                        int seq = x.packet().getUnsignedShort(2);
                        if (RtcpPacket.isRtcp(x.packet())) {
                            seq = from.firstSeq < 0 ? -1 : from.firstSeq; // not RTP: no sequence number
                        }
                        if (seq < 0) {
                            // nothing to note
                        } else if (from.firstSeq < 0) {
                            from.firstSeq = seq;
                        } else if ((short) (seq - from.firstSeq) < 0) {
                            from.older++;
                        }
                        clock.set(x.atNanos());
                        try {
                            session.leg(x.leg()).onPacket(x.packet(), x.atNanos());
                        } finally {
                            x.packet().release(); // as the socket handler does
                        }
                    }
                    clock.set(tick);
                    session.tick();
                }
                return null;
            }).get(60, TimeUnit.SECONDS);
        }
        session.eventLoop().submit(() -> {
            while (!network.isEmpty()) {
                network.poll().packet().release(); // still in flight when the call ended
            }
        }).get(5, TimeUnit.SECONDS);
        for (Sender s : senders) {
            if (s.run > 0) {
                s.lossRuns.add(s.run);
            }
        }
        return senders;
    }

    StreamStats stats(int leg) throws Exception {
        return session.eventLoop().submit(() -> session.stats(leg)).get(5, TimeUnit.SECONDS);
    }

    /**
     * The counters say exactly what the network did: every datagram is received, each injected
     * duplicate is one, a loss the receiver could see is lost (a late packet counts as lost
     * and as late), and each loss was concealed.
     */
    void assertCounters(Sender s, StreamStats st) {
        assertThat(st.packetsReceived()).as("received, leg %d", s.leg).isEqualTo(s.arrivals);
        assertThat(st.packetsDuplicate()).as("duplicates, leg %d", s.leg).isEqualTo(s.duplicates);
        // (a late packet older than the stream's first to arrive was never missed, so not lost)
        assertThat(st.packetsLost()).as("lost, leg %d", s.leg)
                .isBetween(s.lostFollowed + st.packetsLate() - s.older, s.lostFollowed + st.packetsLate());
        // every loss is concealed, except packets that arrived late to an empty buffer (the
        // stream had simply stopped arriving: nothing told of a gap, so their time is silence)
        assertThat(st.framesConcealed()).as("concealed, leg %d", s.leg)
                .isBetween(st.packetsLost() - st.packetsLate(), st.packetsLost());
        assertThat(st.packetsInvalid()).isZero();
    }

    /** The leg's counters and continuity (both below); returns its counters. */
    StreamStats checkLeg(Sender s) throws Exception {
        StreamStats st = stats(s.leg);
        assertCounters(s, st);
        assertContinuity(s, st);
        return st;
    }

    /**
     * The audio is continuous: a frame that should hold the tone is near silent only deep in a
     * run of losses (the concealment fades to silence by 60 ms), so there can be at most one
     * such frame per packet of a run beyond its first, and two per late packet.
     */
    void assertContinuity(Sender s, StreamStats st) {
        // a late packet that found the buffer empty was not concealed: its span is silence,
        // which can touch two frames (packets and frames need not line up)
        long allowed = 2 * st.packetsLate();
        for (int run : s.lossRuns) {
            allowed += (long) Math.max(0, run - 1) * s.samplesPerPacket / 160;
        }
        ChannelCheck c = checks[s.leg];
        assertThat(c.toneFrames).isPositive();
        assertThat(c.holes).as("near-silent tone frames on leg %d (runs %s)", s.leg, s.lossRuns.size())
                .isLessThanOrEqualTo(allowed);
        assertThat(c.wrongTone).as("frames with the other leg's tone").isZero();
        assertThat(c.sampled > 0 || c.hz == NOISE).as("tone frames sampled").isTrue();
    }

    /** Every marker sits within one frame of where real time puts it, and both legs agree. */
    void assertAlignment(double seconds, long tolerance) {
        assertAlignment(seconds, tolerance, 0.9);
    }

    /** As above, where loss may take a share of the markers' onsets. */
    void assertAlignment(double seconds, long tolerance, double share) {
        int expectedMarkers = (int) ((seconds - 1) / 10);
        for (ChannelCheck c : checks) {
            assertThat(c.markers.size()).as("markers found").isGreaterThanOrEqualTo((int) (expectedMarkers * share));
            assertThat(c.worstMarkerError()).as("worst marker error (samples)").isLessThanOrEqualTo(tolerance);
        }
    }

    @ParameterizedTest(name = "{0}% loss in runs of {1} on average, jitter {2} ms")
    @CsvSource({"1, 1, 30", "5, 1, 30", "20, 1, 30", "5, 4, 30", "20, 3, 30"})
    void lossRandomAndInBurstsIsCountedConcealedAndKeepsAlignment(int percent, double meanBurst, int jitterMs)
            throws Exception {
        Script[] s = {new Script(440), new Script(1000)};
        for (Script x : s) {
            x.loss = percent / 100.0;
            x.meanBurst = meanBurst;
            x.jitterMs = jitterMs;
        }
        double seconds = 120;
        Sender[] senders = run(s[0], s[1], seconds, 1000 + percent);
        for (Sender x : senders) {
            StreamStats st = stats(x.leg);
            assertThat((double) x.lostNetwork / x.sent).as("the script's loss rate")
                    .isBetween(percent / 100.0 * 0.7, percent / 100.0 * 1.3);
            assertCounters(x, st);
            assertContinuity(x, st);
            assertThat(st.packetsLate()).as("late with %d ms jitter", jitterMs).isLessThanOrEqualTo(x.sent / 200);
        }
        // a marker whose onset packet is lost shows up to a packet late: one frame
        assertAlignment(seconds, 160, 1 - 2 * percent / 100.0);
    }

    @Test
    void jitterUpTo200MsWithReorderingAndDuplicatesPlaysEveryPacketInItsPlace() throws Exception {
        Script[] s = {new Script(440), new Script(1000)};
        for (Script x : s) {
            x.jitterMs = 200; // packets 20 ms apart, delays spread over 200 ms: heavy reordering
            x.duplicate = 0.02;
        }
        double seconds = 120;
        Sender[] senders = run(s[0], s[1], seconds, 42);
        for (Sender x : senders) {
            StreamStats st = checkLeg(x);
            // the adaptive delay grows to cover the spread: only the first seconds' packets are late
            assertThat(st.packetsLate()).isLessThanOrEqualTo(x.sent / 100);
            assertThat(st.jitterMillis()).isBetween(40.0, 90.0); // uniform 0-200 ms: E|D| is 67 ms
        }
        assertThat(session.playoutDelayMillis()).isBetween(200.0, 300.0);
        // A leg is anchored by its least delayed packet before it starts playing (its first
        // few), then glides (2 ms/s) to the least delayed of all: within 50 ms from the start,
        // within one frame after a minute
        assertAlignment(seconds, 400);
        for (ChannelCheck c : checks) {
            for (long[] m : c.markers) {
                if (m[0] > 60 * RATE) {
                    assertThat(Math.abs(m[1] - m[0])).as("marker at %d", m[0]).isLessThanOrEqualTo(160);
                }
            }
        }
    }

    @ParameterizedTest(name = "sender clocks {0} and {1}")
    @CsvSource({"0.001, -0.001", "-0.001, 0.001"})
    void sendersWhoseClocksRunFastOrSlowStayAlignedForAnHour(double skewA, double skewB) throws Exception {
        Script[] s = {new Script(440), new Script(1000)};
        s[0].skew = skewA;
        s[1].skew = skewB;
        for (Script x : s) {
            x.jitterMs = 10;
            x.loss = 0.01;
        }
        double seconds = 3600;
        Sender[] senders = run(s[0], s[1], seconds, 7);
        for (Sender x : senders) {
            StreamStats st = checkLeg(x);
            assertThat(st.packetsLate()).isZero();
        }
        // uncorrected, 0.1% for an hour is 3.6 s apart from real time, 7.2 s between the legs
        assertAlignment(seconds, 160);
        long last = Math.round((3590.1 + (20 + BASE_DELAY_MS) / 1000.0) * RATE);
        assertThat(Math.abs(checks[0].markerAt(last) - checks[1].markerAt(last))).as("legs apart at the end")
                .isLessThanOrEqualTo(160);
        assertThat(frames).isEqualTo(nextPosition / 160);
    }

    /**
     * Issue 14: two legs of one SRC over one path (so truly 0 apart), each with its own random
     * loss, reordering, duplicates and jitter, one of them starting 2 s late in some calls: after
     * the first 3 s (after the late leg's start), every 2 s of the recording has the channels
     * within 10 ms of each other, and each leg within 10 ms of where real time puts it.
     */
    @ParameterizedTest(name = "jitter {0} ms, leg 1 starts {1} s late, seed {2}")
    @CsvSource({"15, 0, 1", "15, 0, 2", "15, 0, 3", "15, 2, 4", "15, 2, 5", "60, 0, 6", "60, 0, 7", "60, 2, 8"})
    void legsOfOneSrcStayWithin10MsOfEachOtherUnderLossReorderingDuplicatesAndJitter(int jitterMs, double lateS, long seed)
            throws Exception {
        Script[] s = {new Script(NOISE), new Script(NOISE)};
        for (Script x : s) {
            x.loss = 0.05;
            x.reorder = 0.05;
            x.duplicate = 0.03;
            x.jitterMs = jitterMs;
        }
        if (lateS > 0) {
            s[1].pauseFromS = 0; // nothing sent before: the leg starts late, its clock ran on
            s[1].pauseToS = START_S + lateS;
        }
        double seconds = 60;
        Sender[] senders = run(s[0], s[1], seconds, seed);
        for (Sender x : senders) {
            StreamStats st = checkLeg(x);
            assertThat(st.packetsLate()).as("late, leg %d", x.leg).isLessThanOrEqualTo(x.sent / 100);
        }
        long worst = alignment.assertWithin(3 + lateS, RATE / 100, seconds);
        // each leg where its least delayed packets put it: real time plus packet time plus the
        // base delay; a marker whose onset packet was lost shows up to a packet later
        assertAlignment(seconds, 160 + RATE / 100, 0.8);
        System.out.printf("jitter %d ms, late start %.0f s, seed %d: worst lag between the legs %d samples%n",
                jitterMs, lateS, seed, worst);
    }

    /**
     * Issue 14: an SRC whose clock runs fast or slow by up to 2% (both legs on that clock) is
     * followed for an hour: the playout delay stays within its maximum, nothing is lost to it,
     * the legs stay within 10 ms of each other and of real time, and what the time scaler took
     * out or put in is counted (a fast sender's surplus is dropped, a slow one's shortfall inserted).
     */
    @ParameterizedTest(name = "sender clock {0}")
    @CsvSource({"0.001", "-0.001", "0.01", "-0.01", "0.02", "-0.02"})
    void aSenderClockOffByUpToTwoPercentIsFollowedForAnHour(double skew) throws Exception {
        Script[] s = {new Script(NOISE), new Script(NOISE)};
        for (Script x : s) {
            x.skew = skew;
            x.jitterMs = 15;
            x.loss = 0.01;
        }
        double seconds = 3600;
        Sender[] senders = run(s[0], s[1], seconds, 17);
        double played = seconds - 1 - START_S; // the senders stop a second before the end
        for (Sender x : senders) {
            StreamStats st = checkLeg(x);
            assertThat(st.packetsLate()).as("late, leg %d", x.leg).isLessThanOrEqualTo(x.sent / 2000);
            long net = st.samplesDropped() - st.samplesInserted();
            assertThat((double) net).as("samples dropped less inserted, leg %d", x.leg)
                    .isCloseTo(skew * played * RATE, org.assertj.core.data.Offset.offset(Math.abs(skew) * played * RATE * 0.02 + 160));
            System.out.printf("clock %+.3f: leg %d dropped %d inserted %d (%.4f%% of %d samples)%n", skew, x.leg,
                    st.samplesDropped(), st.samplesInserted(), 100.0 * net / (played * RATE), (long) (played * RATE));
        }
        assertThat(maxDelayMillis).as("playout delay (ms)").isLessThanOrEqualTo(300);
        long worst = alignment.assertWithin(3, RATE / 100, seconds);
        assertAlignment(seconds, 160 + RATE / 100);
        long markers = 0;
        for (ChannelCheck c : checks) {
            markers = Math.max(markers, c.worstMarkerError());
        }
        System.out.printf("clock %+.3f: worst lag between the legs %d samples, worst marker error %d samples, "
                + "playout delay at most %.0f ms%n", skew, worst, markers, maxDelayMillis);
    }

    @Test
    void anSsrcChangeATimestampJumpAndAPauseNeitherStallNorShiftTheAudio() throws Exception {
        Script a = new Script(440);
        Script b = new Script(1000);
        a.ssrcChangeAtS = 30.5; // an SBC fail-over: new source mid-stream
        a.pauseFromS = 60.3; // on hold for 9 s: nothing is sent, the clock runs on
        a.pauseToS = 69.3;
        b.timestampJumpAtS = 45.5; // the timestamp leaps, time does not
        a.jitterMs = 10;
        b.jitterMs = 10;
        double seconds = 100;
        Sender[] senders = run(a, b, seconds, 99);
        for (Sender x : senders) {
            StreamStats st = stats(x.leg);
            assertCounters(x, st);
            assertThat(st.packetsLost()).as("a pause is not loss").isZero();
            assertContinuity(x, st);
        }
        assertAlignment(seconds, 160);
        // the markers after each event are there, on time
        for (double t : new double[] {40.1, 50.1, 70.1, 80.1}) {
            long expected = Math.round((t + (20 + BASE_DELAY_MS) / 1000.0) * RATE);
            assertThat(checks[0].markerAt(expected)).as("leg 0 marker at %s s", t).isNotEqualTo(Long.MIN_VALUE);
            assertThat(checks[1].markerAt(expected)).as("leg 1 marker at %s s", t).isNotEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void mixedPacketTimesAndPacketsOfSeveralFramesLandInTheirPlace() throws Exception {
        Script a = new Script(440);
        Script b = new Script(1000);
        a.ptimeMs = 10;
        b.ptimeMs = 60; // three 20 ms frames per packet
        a.jitterMs = 20;
        b.jitterMs = 20;
        a.loss = 0.02;
        b.loss = 0.02;
        double seconds = 120;
        Sender[] senders = run(a, b, seconds, 5);
        for (Sender x : senders) {
            StreamStats st = stats(x.leg);
            assertThat(st.packetsReceived()).isEqualTo(x.arrivals);
            assertThat(st.packetsLost()).isEqualTo(x.lostFollowed + st.packetsLate());
            assertContinuity(x, st);
        }
        // each leg lands where real time plus its own packetisation delay puts it; a lost
        // onset packet moves a marker by up to its packet time
        assertAlignment(seconds, 480 + 20 * 8);
    }

    @ParameterizedTest(name = "sender reports: {0}")
    @CsvSource({"true", "false"})
    void senderReportsAlignLegsThatArrivalTimesCannot(boolean reports) throws Exception {
        Script a = new Script(440);
        Script b = new Script(1000);
        b.extraDelayMs = 100; // leg B's audio reaches the SRC 100 ms after leg A's of the same moment
        for (Script x : new Script[] {a, b}) {
            x.jitterMs = 10;
            x.senderReports = reports;
        }
        double seconds = 100;
        Sender[] senders = run(a, b, seconds, 11);
        for (Sender x : senders) {
            StreamStats st = stats(x.leg);
            assertThat(st.packetsReceived()).isEqualTo(x.arrivals);
            assertThat(st.packetsLost()).isZero();
            if (reports && x.leg == 0) {
                // A's gaps moved 100 ms later than this check expects them: at most the two
                // frames after each gap look silent; nothing else does
                assertThat(checks[0].holes).isLessThanOrEqualTo(2L * (long) (seconds / 10));
            } else {
                assertContinuity(x, st);
            }
        }
        // each marker's onset on both channels: with reports, A moves 100 ms later to meet B
        // (10 ms a second once both have a report); without, they stay 100 ms apart
        for (long k = 5; k <= 9; k++) {
            long onA = checks[0].byMarker.getOrDefault(k, Long.MIN_VALUE);
            long onB = checks[1].byMarker.getOrDefault(k, Long.MIN_VALUE);
            assertThat(onA).as("marker %d on A", k).isNotEqualTo(Long.MIN_VALUE);
            assertThat(onB).as("marker %d on B", k).isNotEqualTo(Long.MIN_VALUE);
            if (reports) {
                assertThat(Math.abs(onB - onA)).as("marker %d, B after A", k).isLessThanOrEqualTo(160);
            } else {
                assertThat(onB - onA).as("marker %d, B after A", k).isBetween(800L - 160, 800L + 160);
            }
        }
    }

    @Test
    void aBurstAfterAStallAndALegThatStopsEarly() throws Exception {
        Script a = new Script(440);
        Script b = new Script(1000);
        a.stallAtS = 30.3; // the network holds leg A for half a second, then delivers it in one burst
        a.stallMs = 500;
        b.pauseFromS = 60.3; // leg B's sender stops for good
        b.pauseToS = 1e9;
        a.jitterMs = 10;
        b.jitterMs = 10;
        double seconds = 90;
        Sender[] senders = run(a, b, seconds, 23);
        StreamStats sa = checkLeg(senders[0]);
        // the burst's packets came after their playout time: late, dropped, their time concealed
        // and then faded; the delay grew (to its 300 ms maximum) and the leg went on in place
        assertThat(sa.packetsLate()).isBetween(10L, 25L);
        assertThat(checks[0].worstMarkerError()).isLessThanOrEqualTo(160);
        assertThat(checks[0].markers.size()).isGreaterThanOrEqualTo(8);
        StreamStats sb = checkLeg(senders[1]);
        assertThat(sb.packetsLate()).isZero();
        // after its sender stopped, leg B is silence on the timeline, and A carries on
        assertThat(checks[1].pauseFrames).isGreaterThan(1400);
        assertThat(checks[1].pauseSound).isZero();
        assertThat(checks[1].byMarker.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(checks[1].worstMarkerError()).isLessThanOrEqualTo(160);
        assertThat(checks[0].byMarker).containsKey(8L);
    }
}
