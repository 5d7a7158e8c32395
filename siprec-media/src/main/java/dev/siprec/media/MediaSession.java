package dev.siprec.media;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.registry.CodecRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The media of one recording session: one UDP socket per received stream, and a clock that
 * turns all streams into frames of time-aligned, interleaved PCM (one channel per stream).
 *
 * <p>Lifecycle: {@link #bind} (allocate ports, open sockets) -> {@link #start} (the session
 * timeline begins: position 0 is now) -> frames every {@code frameMillis}, each delivered
 * {@code jitterMillis} after its end so that late and reordered packets still make it ->
 * {@link #stop} (deliver what is due up to now, close sockets, release buffers and ports).
 * Everything after {@link #bind} runs on the session's event loop: no locks on the media path.
 */
public final class MediaSession {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MediaSession.class);

    /**
     * One stream to receive.
     *
     * @param channel output channel this stream is written to
     * @param payloadType negotiated RTP payload type of the codec
     * @param encoding rtpmap encoding name (PCMU, PCMA, ...)
     * @param clockRate RTP clock rate
     * @param codecChannels channels of the codec (1 for G.711)
     * @param telephoneEventPayloadType negotiated RFC 4733 payload type, or -1
     * @param comfortNoisePayloadType negotiated RFC 3389 comfort-noise payload type, or -1 (the
     *     static type 13 is understood on 8000 Hz streams either way)
     * @param rightChannel for a two-channel stream recorded as two channels, the output channel
     *     of its right channel (its left one goes to {@code channel}); -1 to down-mix it
     * @param alternates the other payload formats answered for the stream, which the SRC may
     *     switch to packet by packet (RFC 3264 §6.1): a packet of one of them switches the
     *     stream's decoder at once (empty: only {@code payloadType})
     */
    public record LegSpec(int channel, int payloadType, String encoding, int clockRate, int codecChannels,
                          int telephoneEventPayloadType, int comfortNoisePayloadType, int rightChannel,
                          List<Format> alternates) {

        /** An answered payload format: type, rtpmap encoding name, RTP clock, channels. */
        public record Format(int payloadType, String encoding, int clockRate, int channels) {
        }

        /** Keeps the alternates immutable. */
        public LegSpec {
            alternates = alternates == null ? List.of() : List.copyOf(alternates);
        }

        /** A stream of one payload format. */
        public LegSpec(int channel, int payloadType, String encoding, int clockRate, int codecChannels,
                       int telephoneEventPayloadType, int comfortNoisePayloadType, int rightChannel) {
            this(channel, payloadType, encoding, clockRate, codecChannels, telephoneEventPayloadType,
                    comfortNoisePayloadType, rightChannel, List.of());
        }

        /** A stream recorded on one channel (a two-channel codec is down-mixed). */
        public LegSpec(int channel, int payloadType, String encoding, int clockRate, int codecChannels,
                       int telephoneEventPayloadType, int comfortNoisePayloadType) {
            this(channel, payloadType, encoding, clockRate, codecChannels, telephoneEventPayloadType,
                    comfortNoisePayloadType, -1);
        }

        /** A stream without comfort noise negotiated. */
        public LegSpec(int channel, int payloadType, String encoding, int clockRate, int codecChannels,
                       int telephoneEventPayloadType) {
            this(channel, payloadType, encoding, clockRate, codecChannels, telephoneEventPayloadType, -1);
        }

        /** The answered alternate format of payload type {@code pt}, or null. */
        Format alternate(int pt) {
            for (Format f : alternates) {
                if (f.payloadType() == pt) {
                    return f;
                }
            }
            return null;
        }

        /**
         * This stream decoding {@code f} from now on; the format it decoded joins the
         * alternates, so that the SRC may switch back.
         */
        LegSpec switchedTo(Format f) {
            List<Format> others = new java.util.ArrayList<>(alternates.size());
            others.add(new Format(payloadType, encoding, clockRate, codecChannels));
            for (Format a : alternates) {
                if (a.payloadType() != f.payloadType()) {
                    others.add(a);
                }
            }
            return new LegSpec(channel, f.payloadType(), f.encoding(), f.clockRate(), f.channels(),
                    telephoneEventPayloadType, comfortNoisePayloadType, rightChannel, others);
        }

        /** Whether RTP payload type {@code pt} carries RFC 3389 comfort noise on this stream. */
        boolean isComfortNoise(int pt) {
            return pt == comfortNoisePayloadType
                    || (pt == 13 && clockRate == 8000 && payloadType != 13 && telephoneEventPayloadType != 13);
        }
    }

    /**
     * Output settings.
     *
     * @param outputRate output sample rate in Hz
     * @param channels output channels
     * @param frameMillis frame duration
     * @param jitterMillis playout delay (the minimum when adaptive): how long after its end a
     *     frame is delivered
     * @param maxJitterMillis the most the playout delay adapts to; equal to {@code jitterMillis}
     *     for a fixed delay
     * @param latchSources whether each stream takes packets only from the sender of its first
     *     valid packet (others are dropped and counted)
     * @param receiverReports whether to send RTCP receiver reports to each stream's source
     *     (RFC 3550 §6.4.2, every 5 s on average)
     */
    public record Settings(int outputRate, int channels, int frameMillis, int jitterMillis, int maxJitterMillis,
                           boolean latchSources, boolean receiverReports) {

        /** Validates the delays. */
        public Settings {
            if (jitterMillis < 0 || maxJitterMillis < jitterMillis) {
                throw new IllegalArgumentException("playout delay range " + jitterMillis + ".." + maxJitterMillis);
            }
        }

        /** Without receiver reports. */
        public Settings(int outputRate, int channels, int frameMillis, int jitterMillis, int maxJitterMillis,
                        boolean latchSources) {
            this(outputRate, channels, frameMillis, jitterMillis, maxJitterMillis, latchSources, false);
        }

        /** A fixed playout delay. */
        public Settings(int outputRate, int channels, int frameMillis, int jitterMillis, boolean latchSources) {
            this(outputRate, channels, frameMillis, jitterMillis, jitterMillis, latchSources);
        }

        /** A fixed playout delay, with source latching on. */
        public Settings(int outputRate, int channels, int frameMillis, int jitterMillis) {
            this(outputRate, channels, frameMillis, jitterMillis, true);
        }
    }

    private final EventLoop loop;
    private final CodecRegistry codecs;
    private final Settings settings;
    private final FrameSink sink;
    private final LongSupplier clock;
    // appended on the loop when a stream is added; read from any thread (stats, specs)
    private final List<Leg> legs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private InetAddress bindAddress;
    private final short[] frame;
    private final long[] arrivals; // per channel, of the frame being delivered
    private final int frameSamples;
    private RtpPortPool pool;
    private long startNanos;
    private long nextFrame; // index of the next frame to deliver
    private boolean running;
    private boolean stopped;
    private ScheduledFuture<?> ticker;
    private boolean parked; // on the slow silent ticker: no packet since start, or all legs quiet
    // adaptive playout delay; the timeline does not move with it, only when frames are delivered
    private volatile double delayMillis; // written on the loop, read anywhere
    // who we are in RTCP (RFC 3550 §8.1 random SSRC; RFC 7022 random CNAME)
    private final int ourSsrc = java.util.concurrent.ThreadLocalRandom.current().nextInt();
    private final String cname = "srs-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    private long lastAlignNanos = Long.MIN_VALUE;
    private long lastAdaptNanos;

    /**
     * A session for these streams.
     *
     * @param loop the event loop that runs this session's sockets and clock
     * @param clock nanosecond clock ({@code System::nanoTime} outside tests)
     * @throws IllegalArgumentException when a codec is not supported or a channel is out of range
     */
    public MediaSession(EventLoop loop, List<LegSpec> specs, Settings settings, FrameSink sink, LongSupplier clock) {
        this(loop, specs, settings, sink, clock, CodecRegistry.defaults());
    }

    /**
     * As above, decoding with the codecs of {@code codecs} (the application's registry: the
     * built-in codecs and any it added).
     */
    public MediaSession(EventLoop loop, List<LegSpec> specs, Settings settings, FrameSink sink, LongSupplier clock,
                        CodecRegistry codecs) {
        this.codecs = codecs;
        this.loop = loop;
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.frameSamples = settings.outputRate() * settings.frameMillis() / 1000;
        this.frame = new short[frameSamples * settings.channels()];
        this.arrivals = new long[settings.channels()];
        for (LegSpec spec : specs) {
            AudioDecoder decoder = codecs.newDecoder(spec.encoding(), spec.clockRate(), spec.codecChannels(),
                settings.outputRate(), spec.rightChannel() >= 0 ? 2 : 1);
            if (decoder == null) {
                throw new IllegalArgumentException("no decoder for " + spec.encoding() + "/" + spec.clockRate());
            }
            if (spec.channel() < 0 || spec.channel() >= settings.channels() || spec.rightChannel() >= settings.channels()) {
                throw new IllegalArgumentException("channel " + spec.channel() + " out of range");
            }
            legs.add(newLeg(spec, decoder));
        }
    }

    private Leg newLeg(LegSpec spec, AudioDecoder decoder) {
        // the ring holds what may be written ahead of the frame being delivered: the largest
        // playout delay, a timestamp up to the re-anchoring threshold ahead, and two frames
        Leg leg = new Leg(this, spec, decoder, settings.outputRate(),
                settings.maxJitterMillis() + Leg.RESYNC_MILLIS + 2 * settings.frameMillis());
        if (settings.receiverReports()) {
            leg.reportAs(ourSsrc, cname);
        }
        return leg;
    }

    /**
     * Allocates a port per stream from {@code ports} and binds a socket on it. Ports that turn
     * out to be taken by another process are skipped.
     *
     * @return the bound ports, one per stream in order
     */
    public CompletableFuture<int[]> bind(InetAddress address, RtpPortPool ports) {
        this.pool = ports;
        this.bindAddress = address;
        CompletableFuture<int[]> result = new CompletableFuture<>();
        loop.execute(() -> bindLeg(0, address, 0, result)); // on the loop, ordered with stop()
        return result;
    }

    private void bindLeg(int index, InetAddress address, int attempts, CompletableFuture<int[]> result) {
        if (stopped) {
            // stopped (e.g. CANCEL) while binding: stop() already ran, so close what bound since
            closeSockets();
            releasePorts();
            result.completeExceptionally(new IllegalStateException("session stopped while binding"));
            return;
        }
        if (index == legs.size()) {
            int[] bound = new int[legs.size()];
            for (int i = 0; i < bound.length; i++) {
                bound[i] = legs.get(i).port;
            }
            result.complete(bound);
            return;
        }
        bindOne(legs.get(index), 0, new CompletableFuture<Integer>()).whenComplete((port, error) -> {
            if (error != null && !stopped) {
                releasePorts();
                result.completeExceptionally(error);
            } else {
                bindLeg(index + 1, address, 0, result); // (a stop during the bind is handled there)
            }
        });
    }

    /**
     * The session timeline starts now; frames begin. Runs at once when called on the session's
     * event loop, so that a packet read right after (the SRC reacting to our answer) finds the
     * session running; callers answer the SRC only after this.
     */
    public void start() {
        if (loop.inEventLoop()) {
            startNow();
        } else {
            loop.execute(this::startNow);
        }
    }

    private void startNow() {
        if (startDriven()) {
            park(); // no frame clock until the first packet (see wake)
        }
    }

    /**
     * While no stream has anything to play (none has sent yet, or all went quiet) the session
     * runs no per-frame work: a slow ticker hands the listener the silent frames due, a few
     * at a time ({@link #PARKED_PERIOD_MILLIS}), without touching the legs. The frames stay
     * contiguous and near real time, and no burst can overrun a bounded delivery queue.
     */
    static final long PARKED_PERIOD_MILLIS = 100;

    private void park() {
        parked = true;
        schedule(PARKED_PERIOD_MILLIS, this::tickParked);
    }

    /**
     * A packet arrived: a parked session starts its frame clock again. A session without
     * packets thus costs no per-frame work. On the loop.
     */
    void wake() {
        if (parked && running && !stopped) {
            parked = false;
            schedule(settings.frameMillis(), this::tickSafely);
        }
    }

    /**
     * Replaces the ticker with one of this period. Every session ticks on one grid of the JVM's
     * clock, so the sessions of a loop wake it together. (Tickers at arbitrary phases woke it
     * thousands of times a second with many sessions, and Netty spins through the last half
     * millisecond before each wake-up: 0.72 cores for 100 calls, against 0.09 on the grid; see
     * benchmarks/README.md.) A frame is then delivered up to one period later than it is due;
     * its place on the timeline does not change.
     */
    private void schedule(long periodMillis, Runnable task) {
        if (ticker != null) {
            ticker.cancel(false);
        }
        long period = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        long initial = period - Math.floorMod(System.nanoTime(), period);
        ticker = loop.scheduleAtFixedRate(task, initial, period, TimeUnit.NANOSECONDS);
    }

    /** The parked ticker: the silent frames due, with no leg touched (they are all quiet). */
    private void tickParked() {
        try {
            if (!running || !parked) {
                return;
            }
            long due = positionAt(clock.getAsLong() - (long) (delayMillis * 1_000_000));
            while ((nextFrame + 1) * frameSamples <= due) {
                deliverFrame(false);
            }
        } catch (VirtualMachineError e) {
            fatal(e);
        } catch (RuntimeException e) {
            log.error("media session tick failed; the session goes on", e);
        }
    }

    /** Whether the session runs its frame clock (not while no stream has anything to play). On the loop. */
    boolean isTicking() {
        return ticker != null && !parked;
    }

    /**
     * Starts the timeline without the ticker, for a caller that drives {@link #tick} itself on
     * one thread (benchmarks of the whole per-packet path).
     *
     * @return false when already started or stopped
     */
    boolean startDriven() {
        if (stopped || running) {
            return false;
        }
        startNanos = clock.getAsLong();
        delayMillis = settings.jitterMillis();
        lastAdaptNanos = startNanos;
        running = true;
        return true;
    }

    /**
     * Delivers what is due up to now (without waiting for the playout delay), closes the
     * sockets, releases buffers and ports. Idempotent.
     *
     * @return completes on the session's event loop once everything is released
     */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (!stopped) {
                stopped = true;
                if (ticker != null) {
                    ticker.cancel(false);
                }
                if (running) {
                    long end = positionAt(clock.getAsLong());
                    while (nextFrame * frameSamples < end) {
                        deliverFrame(true);
                    }
                }
                running = false;
                closeSockets();
                for (Leg leg : legs) {
                    leg.close();
                }
                releasePorts();
            }
            done.complete(null);
        });
        return done;
    }

    private void closeSockets() {
        legs.forEach(Leg::closeSockets);
    }

    private void releasePorts() {
        for (Leg leg : legs) {
            if (leg.port >= 0 && pool != null) {
                pool.release(leg.port);
                leg.port = -1;
            }
        }
    }

    /**
     * Who hears of an error the process cannot recover from (out of memory) on this session's
     * loop: its tick, its sockets. Without it such an error would be logged by the event loop and
     * the session would go on without a clock, or the server without memory.
     */
    public void onFatalError(java.util.function.Consumer<Throwable> handler) {
        this.fatal = handler;
    }

    private volatile java.util.function.Consumer<Throwable> fatal = cause -> { };

    void fatal(Throwable cause) {
        fatal.accept(cause);
    }

    /** The periodic task: a failure is reported, never lets the executor cancel the clock silently. */
    private void tickSafely() {
        try {
            tick();
        } catch (VirtualMachineError e) {
            fatal(e);
        } catch (RuntimeException e) {
            log.error("media session tick failed; the session goes on", e);
        }
    }

    void tick() {
        if (!running) {
            return;
        }
        long now = clock.getAsLong();
        adaptDelay(now);
        long due = positionAt(now - (long) (delayMillis * 1_000_000));
        while ((nextFrame + 1) * frameSamples <= due) {
            deliverFrame(true);
        }
        if (settings.receiverReports()) {
            for (int i = 0, n = legs.size(); i < n; i++) {
                legs.get(i).maybeReport(now);
            }
        } else if (ticker != null && allQuiet(now)) {
            park(); // nothing plays until a packet comes (wake starts the frame clock again)
        }
    }

    /** Whether every leg is {@link Leg#quiet}: silent for longer than the largest playout delay and a frame. */
    private boolean allQuiet(long now) {
        long quietNanos = (settings.maxJitterMillis() + 2L * settings.frameMillis()) * 1_000_000L;
        for (int i = 0, n = legs.size(); i < n; i++) {
            if (!legs.get(i).quiet(now, quietNanos)) {
                return false;
            }
        }
        return true;
    }

    /** Delivers the next frame: silence, plus what the legs have for it when {@code fromLegs}. */
    private void deliverFrame(boolean fromLegs) {
        long start = nextFrame * frameSamples;
        long end = start + frameSamples;
        java.util.Arrays.fill(frame, (short) 0);
        java.util.Arrays.fill(arrivals, Long.MIN_VALUE);
        long concealed = 0;
        for (int i = 0, n = fromLegs ? legs.size() : 0; i < n; i++) { // indexed: no iterator per frame
            Leg leg = legs.get(i);
            int ch = leg.spec.channel();
            if (leg.fill(start, end, frame, settings.channels()) && ch < 64) {
                concealed |= 1L << ch; // a long holds channels 0-63 (documented on FrameSink)
            }
            long arrived = leg.fillArrivalNanos();
            if (arrived != Long.MIN_VALUE && (arrivals[ch] == Long.MIN_VALUE || arrived - arrivals[ch] < 0)) {
                arrivals[ch] = arrived;
            }
        }
        nextFrame++;
        sink.onFrame(start, frame, frameSamples, settings.channels(), concealed, arrivals);
    }

    /**
     * Adapts the playout delay between its bounds: at least three times the worst leg's RFC 3550
     * interarrival jitter plus one frame (a mean deviation; three covers the usual spread), raised
     * at once when needed and lowered by at most 1 ms per 250 ms so that periodic spikes
     * (a congested link every few seconds) do not make it oscillate. Since
     * every packet has a fixed place on the session timeline, a change in delay only moves
     * when frames are delivered (a pause or a short burst), never the audio.
     */
    private void adaptDelay(long now) {
        if (settings.maxJitterMillis() == settings.jitterMillis()) {
            delayMillis = settings.jitterMillis();
            return;
        }
        double worst = 0;
        for (int i = 0, n = legs.size(); i < n; i++) {
            worst = Math.max(worst, legs.get(i).jitterMillis());
        }
        double target = Math.max(settings.jitterMillis(),
                Math.min(settings.maxJitterMillis(), 3 * worst + settings.frameMillis()));
        if (target >= delayMillis) {
            delayMillis = target;
        } else {
            delayMillis = Math.max(target, delayMillis - (now - lastAdaptNanos) / 250_000_000.0);
        }
        lastAdaptNanos = now;
    }

    /**
     * A packet arrived {@code samples} after its frame was delivered: raise the delay by that
     * much and one frame more, within the bound, so the next one like it is in time.
     */
    void packetLate(long samples) {
        if (settings.maxJitterMillis() > settings.jitterMillis()) {
            delayMillis = Math.min(settings.maxJitterMillis(),
                    delayMillis + samples * 1000.0 / settings.outputRate() + settings.frameMillis());
        }
    }

    /**
     * A stream received a sender report: when two or more streams have one, their RTP clocks
     * can be put on one wall clock (RFC 3550 §6.4.1: an SR pairs an RTP timestamp with the NTP
     * time of the same instant). Streams that are ahead of the latest are moved later, by at
     * most 10 ms a step and one step a second, through the drift follower's path (dropped or
     * held samples, never a jump). This assumes the streams' reports come from one clock, as
     * when one SRC sends them all; arrival times alone cannot see a constant delay that one
     * call leg has and the other not (a transcoder on one side).
     */
    void senderReport(long nowNanos) {
        if (lastAlignNanos != Long.MIN_VALUE && nowNanos - lastAlignNanos < 1_000_000_000L) {
            return;
        }
        long ntp = Long.MIN_VALUE;
        int with = 0;
        for (int i = 0, n = legs.size(); i < n; i++) {
            Leg leg = legs.get(i);
            if (leg.hasSenderReport() && leg.anchorPlayed() && !leg.removed) {
                ntp = leg.lastSrNtp();
                with++;
            }
        }
        if (with < 2) {
            return;
        }
        long latest = Long.MIN_VALUE;
        for (int i = 0, n = legs.size(); i < n; i++) {
            Leg leg = legs.get(i);
            if (leg.hasSenderReport() && leg.anchorPlayed() && !leg.removed) {
                latest = Math.max(latest, leg.positionOfNtp(ntp));
            }
        }
        long step = settings.outputRate() / 100;
        long threshold = settings.outputRate() / 1000;
        for (int i = 0, n = legs.size(); i < n; i++) {
            Leg leg = legs.get(i);
            if (leg.hasSenderReport() && leg.anchorPlayed() && !leg.removed) {
                long ahead = latest - leg.positionOfNtp(ntp);
                if (ahead > threshold) {
                    leg.shiftLater(Math.min(step, ahead));
                }
            }
        }
        lastAlignNanos = nowNanos;
    }

    /**
     * Sends a probe packet from stream {@code i}'s socket to the SRC's address for it, and again
     * every second until the stream receives its first packet (at most five in all): for SRCs
     * behind a NAT or a media relay that latch onto our address before they send (symmetric
     * RTP, RFC 4961).
     */
    public void probe(int i, InetSocketAddress to) {
        loop.execute(() -> probeAgain(legs.get(i), to, 0));
    }

    private void probeAgain(Leg leg, InetSocketAddress to, int sent) {
        if (stopped || sent >= 5) {
            return;
        }
        if (leg.probe(to, ourSsrc, sent)) {
            loop.schedule(() -> probeAgain(leg, to, sent + 1), 1, TimeUnit.SECONDS);
        }
    }

    /**
     * How long no stream of this session has received RTP or RTCP (since the start when none
     * has yet); streams the SRC removed do not count. Read on the session's event loop.
     */
    public long idleNanos() {
        long now = clock.getAsLong();
        long last = startNanos;
        for (int i = 0, n = legs.size(); i < n; i++) {
            Leg leg = legs.get(i);
            if (!leg.removed && leg.lastActivityNanos != Long.MIN_VALUE && leg.lastActivityNanos - last > 0) {
                last = leg.lastActivityNanos;
            }
        }
        return now - last;
    }

    /** The current playout delay in milliseconds. */
    public double playoutDelayMillis() {
        return delayMillis;
    }

    /** Position on the session timeline (samples at the output rate) of a clock reading. */
    long positionAt(long nanos) {
        long micros = (nanos - startNanos) / 1000;
        return micros * settings.outputRate() / 1_000_000;
    }

    boolean latchSources() {
        return settings.latchSources();
    }

    /**
     * The SRC's SDP gives {@code address} for stream {@code i}: a valid packet from there takes
     * the stream from any other sender (null: no preference).
     */
    public void preferSource(int i, InetAddress address) {
        loop.execute(() -> legs.get(i).preferSource(address));
    }

    /**
     * Stream {@code i} is SRTP (RFC 3711): {@code inbound} unprotects what the SRC sends (its
     * {@code a=crypto}), {@code outbound} protects our receiver reports (the key of our answer).
     * Called again with new keys it re-keys the stream and keeps the SRC's rollover counter;
     * nulls make it plain RTP. Runs on the session's loop, in order with the packets.
     *
     * @return completes once the keys are in place: answer the SRC only then, or its first
     *     packets under a new key could be read before the key is
     */
    public CompletableFuture<Void> secure(int i, dev.siprec.media.srtp.SrtpParameters inbound,
                                          dev.siprec.media.srtp.SrtpParameters outbound) {
        if (loop.inEventLoop()) {
            legs.get(i).secure(inbound, outbound);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            legs.get(i).secure(inbound, outbound);
            done.complete(null);
        });
        return done;
    }

    private volatile java.util.function.Predicate<InetAddress> allowed = a -> true;

    /**
     * Only these source addresses may send this session RTP or RTCP; datagrams from anywhere
     * else are dropped before anything else is done with them, and counted as
     * {@link StreamStats#packetsOtherSource()}. Call before {@link #bind}.
     */
    public void allowSources(java.util.function.Predicate<InetAddress> filter) {
        this.allowed = java.util.Objects.requireNonNull(filter);
    }

    boolean allowsSource(InetAddress address) {
        return allowed.test(address);
    }

    /** Every stream forgets its latched sender (the SRC may have moved: a re-offer). */
    public void relatchSources() {
        loop.execute(() -> legs.forEach(Leg::relatch));
    }

    void telephoneEvent(int channel, int event, long position, int durationMillis) {
        sink.onTelephoneEvent(channel, event, position, durationMillis);
    }

    long nextFramePosition() {
        return nextFrame * frameSamples;
    }

    long clockNanos() {
        return clock.getAsLong();
    }

    boolean isRunning() {
        return running;
    }

    /**
     * Adds a stream to a running session (a re-offer brought a new one): binds a socket on a
     * port from the pool, on the session's loop.
     *
     * @return completes with {index of the new stream, its port}
     * @throws IllegalArgumentException when the codec is not supported or the channel is out of range
     */
    public CompletableFuture<int[]> addStream(LegSpec spec) {
        AudioDecoder decoder = codecs.newDecoder(spec.encoding(), spec.clockRate(), spec.codecChannels(),
                settings.outputRate(), spec.rightChannel() >= 0 ? 2 : 1);
        if (decoder == null) {
            throw new IllegalArgumentException("no decoder for " + spec.encoding() + "/" + spec.clockRate());
        }
        if (spec.channel() < 0 || spec.channel() >= settings.channels() || spec.rightChannel() >= settings.channels()) {
            throw new IllegalArgumentException("channel " + spec.channel() + " out of range");
        }
        CompletableFuture<int[]> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (stopped) {
                result.completeExceptionally(new IllegalStateException("session stopped"));
                return;
            }
            Leg leg = newLeg(spec, decoder);
            legs.add(leg);
            int index = legs.size() - 1;
            bindOne(leg, 0, new CompletableFuture<Integer>()).whenComplete((port, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(new int[] {index, port});
                }
            });
        });
        return result;
    }

    /**
     * Stops receiving stream {@code i} (the SRC removed it): closes its socket and returns its
     * port; audio it already delivered stays on the timeline.
     */
    public void removeStream(int i) {
        loop.execute(() -> {
            Leg leg = legs.get(i);
            leg.removed = true;
            leg.closeSockets();
            if (leg.port >= 0 && pool != null) {
                pool.release(leg.port);
                leg.port = -1;
            }
        });
    }

    /** Binds one leg on a free port, trying further ports when one is taken. On the loop. */
    private CompletableFuture<Integer> bindOne(Leg leg, int attempts, CompletableFuture<Integer> result) {
        return bindOne(leg, attempts, result, null);
    }

    private CompletableFuture<Integer> bindOne(Leg leg, int attempts, CompletableFuture<Integer> result,
                                               Throwable lastFailure) {
        int port = pool.acquire();
        if (port < 0 || attempts > 16) {
            if (port >= 0) {
                pool.release(port);
            }
            result.completeExceptionally(new IllegalStateException(port < 0 ? "no free RTP port"
                    : "no RTP port could be bound (last: " + lastFailure + ")"));
            return result;
        }
        ChannelFuture f = new Bootstrap().group(loop).channel(DatagramChannels.forLoop(loop))
                .option(ChannelOption.SO_RCVBUF, 256 * 1024)
                .handler(leg.new RtpReceiver()) // a new one per attempt: a taken port costs a socket
                .bind(new InetSocketAddress(bindAddress, port));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                pool.release(port);
                bindOne(leg, attempts + 1, result, done.cause());
            } else if (stopped) {
                f.channel().close();
                pool.release(port);
                result.completeExceptionally(new IllegalStateException("session stopped while binding"));
            } else {
                leg.channel = f.channel();
                leg.port = port;
                // its RTCP socket waits for its first RTP packet (rtcpWanted), reports or not: a
                // report needs a sender to report on, and an SRC's first RTCP comes after its
                // first RTP (RFC 3550 §6.2: an initial interval of seconds)
                result.complete(port);
            }
        });
        return result;
    }

    /**
     * The first valid RTP packet of a stream arrived: open its RTCP socket now if it has none.
     * A stream's RTCP matters only once it carries media (sender reports align it with the
     * others), so a session whose SRC never sends (a call ended at once, a leg kept silent)
     * binds one socket per stream, not two. On the loop.
     */
    void rtcpWanted(Leg leg) {
        if (leg.rtcpChannel == null && !leg.rtcpBinding && leg.port >= 0 && !stopped) {
            leg.rtcpBinding = true;
            bindRtcp(leg, leg.port + 1, () -> leg.rtcpBinding = false);
        }
    }

    /**
     * Opens the RTCP socket of a stream on the odd port after its RTP port (RFC 3550 §11), for
     * SRCs that do not multiplex. Best effort: RTCP is optional for a recorder, so a port that
     * cannot be bound is logged, not fatal. The pool hands out even ports only, so the odd one
     * is ours unless another process holds it.
     */
    private void bindRtcp(Leg leg, int port, Runnable then) {
        ChannelFuture f = new Bootstrap().group(loop).channel(DatagramChannels.forLoop(loop))
                .handler(leg.new RtcpReceiver())
                .bind(new InetSocketAddress(bindAddress, port));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                log.info("RTCP port {} could not be bound ({}); receiving RTCP only multiplexed", port,
                        done.cause().toString());
            } else if (stopped || leg.channel == null) {
                f.channel().close(); // the stream went away while this was binding
            } else {
                leg.rtcpChannel = f.channel();
            }
            then.run();
        });
    }

    /**
     * Changes the codec of stream {@code i} (a re-offer chose another one); the channel stays.
     *
     * @throws IllegalArgumentException when the codec is not supported
     */
    public void changeCodec(int i, LegSpec spec) {
        // the channels stay: a stream recorded on two keeps its right channel
        LegSpec keep = new LegSpec(legs.get(i).spec.channel(), spec.payloadType(), spec.encoding(), spec.clockRate(),
                spec.codecChannels(), spec.telephoneEventPayloadType(), spec.comfortNoisePayloadType(),
                legs.get(i).spec.rightChannel(), spec.alternates());
        AudioDecoder decoder = codecs.newDecoder(keep.encoding(), keep.clockRate(), keep.codecChannels(),
                settings.outputRate(), keep.rightChannel() >= 0 ? 2 : 1);
        if (decoder == null) {
            throw new IllegalArgumentException("no decoder for " + spec.encoding() + "/" + spec.clockRate());
        }
        loop.execute(() -> legs.get(i).retune(keep, decoder));
    }

    /** A decoder for an answered alternate format of a stream (a two-channel stream kept as two: stereo). */
    AudioDecoder newDecoder(LegSpec.Format f, int rightChannel) {
        AudioDecoder d = codecs.newDecoder(f.encoding(), f.clockRate(), f.channels(), settings.outputRate(),
                rightChannel >= 0 ? 2 : 1);
        if (d == null) {
            throw new IllegalStateException("no decoder for answered format " + f);
        }
        return d;
    }

    /** The current description of stream {@code i}. */
    public LegSpec streamSpec(int i) {
        return legs.get(i).spec;
    }

    /** Leg {@code i} (tests, and the in-package delivery path). */
    Leg leg(int i) {
        return legs.get(i);
    }

    /**
     * Counters of stream {@code i}, as {@link #allStats()} takes them.
     */
    public StreamStats stats(int i) {
        return allStats()[i];
    }

    /**
     * Counters of every stream, a snapshot taken on the session's event loop, where they are
     * written: from another thread this waits for the loop (up to a second; a loop that is
     * gone, or that long busy, gives the counters as last seen). Once {@link #stop} has
     * completed they no longer change.
     */
    public StreamStats[] allStats() {
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            return snapshot();
        }
        try {
            return loop.submit(this::snapshot).get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return snapshot();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            return snapshot();
        }
    }

    private StreamStats[] snapshot() {
        StreamStats[] out = new StreamStats[legs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = legs.get(i).stats();
        }
        return out;
    }

    /** Number of streams. */
    public int streamCount() {
        return legs.size();
    }

    /** The event loop this session runs on. */
    public EventLoop eventLoop() {
        return loop;
    }
}
