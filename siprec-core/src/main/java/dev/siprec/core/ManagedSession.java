package dev.siprec.core;

import dev.siprec.core.metadata.MetadataChange;
import dev.siprec.core.metadata.RecordingMetadata;
import dev.siprec.media.MediaSession;
import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.SipRequest;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one {@link RecordingSession}, the application's handle: what the manager, the
 * media session and the delivery threads share. Each group of fields says which thread writes
 * it and how readers see it (volatile, this object's monitor, or the session's loop).
 */
final class ManagedSession implements RecordingSession {

    private static final Logger log = LoggerFactory.getLogger(ManagedSession.class);

    private final String id;
    private final SipRequest invite;
    private final Transport transport;
    private final InetSocketAddress remote;
    private final Instant startTime = Instant.now();
    private final EventLoop loop;
    private final RecordingListener listener;
    private volatile List<RecordedChannel> channels; // replaced whole, under channelsLock
    // read-modify-write of channels comes from the SIP thread (a re-offer's codec change) and the
    // session's loop (metadata, a stream taking over a channel): one at a time
    private final Object channelsLock = new Object();
    private final int sampleRate;
    private final AudioFrame frame;
    private final boolean siprec;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<EndReason> endFuture = new CompletableFuture<>();
    private volatile RecordingMetadata metadata;
    private volatile String metadataProblem;
    private volatile Instant endTime;
    private volatile EndReason endReason;
    private volatile StreamStats[] finalStats;
    private volatile StreamStats finalTotals;
    volatile boolean started; // answered (ServerMetrics)
    volatile boolean counted; // ended and added to the server's totals (ServerMetrics) // every stream once (a stereo stream feeds two channels)
    private volatile CompletableFuture<Integer> byeSent = CompletableFuture.completedFuture(0);
    private volatile java.util.function.Consumer<ManagedSession> stopper;
    private volatile java.util.function.Function<ManagedSession, CompletableFuture<RecordingMetadata>> snapshotter;
    // snapshot requests waiting for the next complete metadata document (touched on the loop)
    private final List<CompletableFuture<RecordingMetadata>> pendingSnapshots = new java.util.ArrayList<>();
    MediaSession media;
    volatile Dialog dialog;
    // the INVITE's transaction: it outlives the session by 64*T1 (to answer retransmissions),
    // and must not keep the session's buffers reachable that long
    volatile dev.siprec.sip.ServerInvite inviteTransaction;
    LocalAnswer answer; // ours, once made; a re-offer replaces it (under this session's lock)
    // latch probes to send once answered: media leg -> the SRC's address for that stream
    final java.util.Map<Integer, InetSocketAddress> probeTargets = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<ReceivedStream> streams = new java.util.ArrayList<>(); // guarded by this
    private final SessionDelivery delivery;
    // latency per channel, then over all channels (last slot); guarded by latencyLock
    private final Object latencyLock = new Object();
    private final long[] latencyCount;
    private final long[] latencySumNanos;
    private final long[] latencyMaxNanos;

    /** One stream we receive: the media leg that decodes it, the channel it feeds, its port. */
    static final class ReceivedStream {
        final String label;
        final int leg;
        final int channel;
        final int port;
        int mLine;
        int rightChannel = -1; // a stereo stream kept as two channels: its right one
        boolean active = true;
        Sdes.Choice crypto; // SRTP keying of the stream (SDES), or null for RTP

        ReceivedStream(String label, int leg, int channel, int port, int mLine) {
            this.label = label;
            this.leg = leg;
            this.channel = channel;
            this.port = port;
            this.mLine = mLine;
        }
    }

    synchronized void addStream(ReceivedStream s) {
        streams.add(s);
    }

    synchronized List<ReceivedStream> activeStreams() {
        List<ReceivedStream> out = new java.util.ArrayList<>();
        for (ReceivedStream s : streams) {
            if (s.active) {
                out.add(s);
            }
        }
        return out;
    }

    synchronized void removeStream(ReceivedStream s) {
        s.active = false;
        MediaSession m = media;
        if (m != null) { // (null: the session ended, its media is released)
            m.removeStream(s.leg);
        }
    }

    /**
     * The labels an SRC's late answer gave the streams (by m-line), on their channels: later
     * metadata finds the channels' participants by them.
     */
    void labelStreams(java.util.Map<Integer, String> labelByMLine) {
        if (labelByMLine.isEmpty()) {
            return;
        }
        synchronized (channelsLock) {
            List<RecordedChannel> out = new java.util.ArrayList<>(channels.size());
            for (RecordedChannel c : channels) {
                String label = labelByMLine.get(c.mLineIndex());
                out.add(label == null ? c : new RecordedChannel(c.index(), c.mLineIndex(), label, c.streamId(),
                        c.participant(), c.codec(), c.rule(), c.participants(), c.stereoRight()));
            }
            channels = List.copyOf(out);
        }
    }

    /** A new stream (label) took over a channel whose stream the SRC removed. */
    void channelTakenOver(int channel, int mLine, String label, String codec) {
        synchronized (channelsLock) {
            takeOver(channel, mLine, label, codec);
        }
    }

    private void takeOver(int channel, int mLine, String label, String codec) {
        List<RecordedChannel> out = new java.util.ArrayList<>(channels);
        RecordedChannel c = out.get(channel);
        RecordingMetadata md = metadata;
        RecordingMetadata.Stream ms = label == null ? null : md.streamByLabel(label);
        List<RecordingMetadata.Participant> voices = RecordingSessionManager.voicesOf(md, ms, channels.size());
        out.set(channel, new RecordedChannel(c.index(), mLine, label, ms == null ? null : ms.id(), null, codec,
                "took-over-channel", voices));
        channels = List.copyOf(out);
    }

    /** Counters of every stream that fed a channel, added up. */
    private StreamStats channelStats(int channel) {
        MediaSession m = media;
        if (m == null) {
            return StreamStats.EMPTY;
        }
        dev.siprec.media.StreamStats[] legs = m.allStats(); // taken on the loop, outside our lock
        StreamStats sum = StreamStats.EMPTY;
        synchronized (this) {
            for (ReceivedStream s : streams) {
                if ((s.channel == channel || s.rightChannel == channel) && s.leg < legs.length) {
                    sum = sum.plus(StreamStats.of(legs[s.leg]));
                }
            }
        }
        return sum;
    }

    /** The counters of every stream of the session added up, each stream once (server metrics). */
    StreamStats streamTotals() {
        StreamStats done = finalTotals;
        if (done != null) {
            return done;
        }
        MediaSession m = media;
        if (m == null) {
            return StreamStats.EMPTY;
        }
        dev.siprec.media.StreamStats[] legs = m.allStats();
        StreamStats sum = StreamStats.EMPTY;
        java.util.BitSet counted = new java.util.BitSet();
        synchronized (this) {
            for (ReceivedStream s : streams) {
                if (!counted.get(s.leg) && s.leg < legs.length) {
                    counted.set(s.leg);
                    sum = sum.plus(StreamStats.of(legs[s.leg]));
                }
            }
        }
        return sum;
    }

    ManagedSession(String id, SipRequest invite, dev.siprec.sip.transport.Transport transport, InetSocketAddress remote, EventLoop loop,
                     RecordingListener listener, RecordingMetadata metadata, String metadataProblem,
                     List<RecordedChannel> channels, int sampleRate, boolean siprec,
                     java.util.concurrent.Executor deliveryExecutor, int maxQueuedFrames) {
        this.siprec = siprec;
        this.id = id;
        this.invite = invite;
        this.transport = Transport.of(transport);
        this.remote = remote;
        this.loop = loop;
        this.listener = listener;
        this.metadata = metadata;
        this.metadataProblem = metadataProblem;
        this.channels = List.copyOf(channels);
        this.sampleRate = sampleRate;
        this.frame = new AudioFrame(sampleRate, channels.size(), new short[0], 0, 0);
        this.delivery = new SessionDelivery(id, deliveryExecutor, this::deliver, maxQueuedFrames, channels.size());
        this.latencyCount = new long[channels.size() + 1];
        this.latencySumNanos = new long[channels.size() + 1];
        this.latencyMaxNanos = new long[channels.size() + 1];
    }

    /** Our unique id of this session (safe in file names). */
    @Override
    public String id() {
        return id;
    }

    /** The Call-ID of the recording session's SIP dialog. */
    @Override
    public String sipCallId() {
        return invite.callId();
    }

    /** A header of the INVITE that opened the session (first value), or null. */
    @Override
    public String inviteHeader(String name) {
        return invite.header(name);
    }

    /**
     * Every value of a header of the INVITE that opened the session, in order (e.g. Cisco's
     * repeated {@code X-Cisco-Recording-Participant}); empty when it has none.
     */
    @Override
    public List<String> inviteHeaders(String name) {
        List<String> out = new java.util.ArrayList<>(2);
        for (String[] h : invite.allHeaders()) {
            if (h[0].equalsIgnoreCase(name)) {
                out.add(h[1]);
            }
        }
        return out;
    }

    /**
     * Headers of the INVITE that vendors use to correlate the recording with the recorded call:
     * {@code User-to-User} (Avaya UCID), {@code Session-ID}, and every {@code X-*} header,
     * first value each, in order.
     */
    @Override
    public java.util.Map<String, String> correlationHeaders() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String[] h : invite.allHeaders()) {
            String name = h[0];
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("user-to-user") || lower.equals("session-id") || lower.startsWith("x-")) {
                out.putIfAbsent(name, h[1]);
            }
        }
        return out;
    }

    /** The transport the SRC used. */
    @Override
    public Transport transport() {
        return transport;
    }

    /** The SRC's address. */
    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** When the INVITE arrived. */
    @Override
    public Instant startTime() {
        return startTime;
    }

    /** When the session ended, or null while active. */
    @Override
    public Instant endTime() {
        return endTime;
    }

    /** Why it ended, or null while active. */
    @Override
    public EndReason endReason() {
        return endReason;
    }

    /** The current metadata ({@link RecordingMetadata#EMPTY} when the SRC sent none or it was unreadable). */
    @Override
    public RecordingMetadata metadata() {
        return metadata;
    }

    /**
     * Why the SRC's metadata could not be read, or what had to be repaired to read it (then it
     * starts with {@code "repaired: "}: a body part without its close delimiter, unescaped
     * ampersands); null when it was read as sent (or absent).
     */
    @Override
    public String metadataProblem() {
        return metadataProblem;
    }

    /** The output channels in order: which stream and participant is on each. */
    @Override
    public List<RecordedChannel> channels() {
        return channels;
    }

    /**
     * Whether the INVITE was recognised as a SIPREC recording session; false for a plain call
     * recorded under {@link SiprecServer.NonRecording#RECORD}.
     */
    @Override
    public boolean siprec() {
        return siprec;
    }

    /** Whether the SRC sent a single mixed stream (the audio is mono). */
    @Override
    public boolean mixed() {
        return channels.size() == 1;
    }

    /** Output sample rate. */
    @Override
    public int sampleRate() {
        return sampleRate;
    }

    /**
     * Counters of the stream on a channel: while the session runs, a snapshot taken on its
     * event loop, where they are written (a callback sees them a playout delay or more ahead of
     * its frame); final once it ended.
     */
    @Override
    public StreamStats stats(int channel) {
        StreamStats[] done = finalStats;
        if (done != null) {
            return done[channel];
        }
        return channelStats(channel);
    }

    /**
     * The SRTP crypto suite that protects a channel's stream (RFC 4568 name, e.g.
     * {@code AES_CM_128_HMAC_SHA1_80}), or null when it arrives as plain RTP. Keys are never
     * exposed.
     */
    @Override
    public String srtpSuite(int channel) {
        synchronized (this) {
            for (ReceivedStream s : streams) {
                if (s.active && (s.channel == channel || s.rightChannel == channel)) {
                    return s.crypto == null ? null : s.crypto.inbound().suite().name();
                }
            }
        }
        return null;
    }

    /**
     * Latency from packet arrival to {@link RecordingListener#onAudio} on a channel, measured
     * over the frames delivered so far.
     */
    @Override
    public LatencyStats latency(int channel) {
        synchronized (latencyLock) {
            return latencyOf(channel);
        }
    }

    /** How the audio reached the application so far: frames delivered, dropped, latency. */
    @Override
    public DeliveryStats deliveryStats() {
        LatencyStats all;
        synchronized (latencyLock) {
            all = latencyOf(latencyCount.length - 1);
        }
        return delivery.stats(all);
    }

    private LatencyStats latencyOf(int slot) {
        long n = latencyCount[slot];
        return n == 0 ? LatencyStats.EMPTY
                : new LatencyStats(n, latencySumNanos[slot] / 1e6 / n, latencyMaxNanos[slot] / 1e6);
    }

    /**
     * Ends the recording now: sends BYE to the SRC, delivers the audio that is due, and calls
     * {@link RecordingListener#onSessionEnded} with {@link EndReason#STOPPED}. Idempotent.
     */
    @Override
    public void stop() {
        java.util.function.Consumer<ManagedSession> s = stopper;
        if (s != null) {
            s.accept(this);
        }
    }

    void stopper(java.util.function.Consumer<ManagedSession> s) {
        this.stopper = s;
    }

    /**
     * Asks the SRC for a complete metadata snapshot (RFC 7866): an UPDATE with an
     * {@code application/rs-metadata-request} body. Completes with the merged metadata once a
     * complete document arrives (in the answer or in a later request from the SRC), and
     * {@link RecordingListener#onMetadataUpdated} is called as for any update; completes
     * exceptionally when the SRC refuses (an SRC that does not take UPDATE answers 405).
     */
    @Override
    public CompletableFuture<RecordingMetadata> requestMetadataSnapshot() {
        java.util.function.Function<ManagedSession, CompletableFuture<RecordingMetadata>> s = snapshotter;
        return s == null ? CompletableFuture.failedFuture(new IllegalStateException("session not answered yet"))
                : s.apply(this);
    }

    void snapshotter(java.util.function.Function<ManagedSession, CompletableFuture<RecordingMetadata>> s) {
        this.snapshotter = s;
    }

    /**
     * The channels with stream ids and participants looked up again in new metadata, by label
     * (Avaya sends placeholder participants first and the real ones by UPDATE). Which stream is
     * on which channel does not change during a recording.
     */
    static List<RecordedChannel> refreshed(List<RecordedChannel> channels, RecordingMetadata md) {
        List<RecordedChannel> out = new java.util.ArrayList<>(channels.size());
        for (RecordedChannel c : channels) {
            RecordingMetadata.Stream ms = c.label() == null ? null : md.streamByLabel(c.label());
            List<RecordingMetadata.Participant> voices = ms == null ? List.of()
                    : RecordingSessionManager.voicesOf(md, ms, channels.size());
            out.add(ms == null ? c : new RecordedChannel(c.index(), c.mLineIndex(), c.label(), ms.id(), null,
                    c.codec(), c.rule(), voices.isEmpty() ? c.participants() : voices, c.stereoRight()));
        }
        return List.copyOf(out);
    }

    /** A stream's codec changed by a re-offer. */
    void codecChanged(int channel, String codec) {
        synchronized (channelsLock) {
            changeCodec(channel, codec);
        }
    }

    private void changeCodec(int channel, String codec) {
        List<RecordedChannel> out = new java.util.ArrayList<>(channels);
        RecordedChannel c = out.get(channel);
        out.set(channel, new RecordedChannel(c.index(), c.mLineIndex(), c.label(), c.streamId(), c.participant(), codec,
                c.rule(), c.participants(), c.stereoRight()));
        channels = List.copyOf(out);
    }

    /** Registers a snapshot request; completed by the next complete metadata document. */
    void awaitSnapshot(CompletableFuture<RecordingMetadata> f) {
        loop.execute(() -> {
            if (ended.get()) {
                f.completeExceptionally(new IllegalStateException("session ended"));
            } else {
                pendingSnapshots.add(f);
            }
        });
    }

    /** Completes with the final status of the BYE we sent (0 when we sent none). */
    CompletableFuture<Integer> byeSent() {
        return byeSent;
    }

    /** Completes with the end reason once {@link RecordingListener#onSessionEnded} has returned. */
    @Override
    public CompletableFuture<EndReason> ended() {
        return endFuture;
    }

    EventLoop loop() {
        return loop;
    }

    private volatile boolean announced; // onSessionStarted was queued: onSessionEnded will follow

    /**
     * Tells the listener the session started: once it is answered, so that an INVITE that was
     * cancelled or could not be set up leaves no trace in the application (no callbacks, no
     * files). On the session's loop, before any frame can be queued.
     */
    void fireStarted() {
        announced = true;
        delivery.offer(() -> safely("onSessionStarted", () -> listener.onSessionStarted(this)));
    }

    /** A frame from the media session, on the session's loop: queued for the delivery threads. */
    void onFrame(long position, short[] samples, int samplesPerChannel, long concealedChannels, long[] arrivalNanos) {
        delivery.offerFrame(position, samples, samplesPerChannel, concealedChannels, arrivalNanos);
    }

    /** A queued frame reaches the application, on a delivery thread. */
    private void deliver(SessionDelivery.QueuedFrame f) {
        long now = System.nanoTime(); // the media clock (MediaSession is given System::nanoTime)
        long worst = -1;
        synchronized (latencyLock) {
            for (int c = 0; c < f.arrivalNanos.length; c++) {
                long arrived = f.arrivalNanos[c];
                if (arrived != Long.MIN_VALUE) {
                    long l = Math.max(0, now - arrived);
                    addLatency(c, l);
                    worst = Math.max(worst, l);
                }
            }
            if (worst >= 0) {
                addLatency(latencyCount.length - 1, worst);
            }
        }
        frame.set(f.samples, f.samplesPerChannel, f.position, f.concealedChannels);
        safely("onAudio", () -> listener.onAudio(this, frame));
    }

    private void addLatency(int slot, long nanos) {
        latencyCount[slot]++;
        latencySumNanos[slot] += nanos;
        latencyMaxNanos[slot] = Math.max(latencyMaxNanos[slot], nanos);
    }

    /** A telephone event from the media session, on the session's loop. */
    void onTelephoneEvent(int channel, int event, long position, int durationMillis) {
        DtmfEvent e = new DtmfEvent(channel, DtmfEvent.digitOf(event), event, position, durationMillis, sampleRate);
        delivery.offer(() -> safely("onDtmf", () -> listener.onDtmf(this, e)));
    }

    void updateMetadata(RecordingMetadata updated, String problem) {
        loop.execute(() -> {
            // not ended.get(): that is set when the BYE arrives, and an update received before
            // it may still be queued here behind busy media work; it belongs to the recording
            if (endRan) {
                return;
            }
            if (problem == null) {
                RecordingMetadata before = metadata;
                RecordingMetadata merged = before.apply(updated);
                MetadataChange change = MetadataChange.between(before, updated, merged);
                metadata = merged;
                metadataProblem = null;
                synchronized (channelsLock) {
                    channels = refreshed(channels, merged);
                }
                delivery.offer(() -> safely("onMetadataUpdated", () -> listener.onMetadataUpdated(this, merged, change)));
                if (!change.partial()) {
                    for (CompletableFuture<RecordingMetadata> f : pendingSnapshots) {
                        f.complete(merged);
                    }
                    pendingSnapshots.clear();
                }
            } else {
                metadataProblem = problem;
            }
        });
    }

    private boolean endRan; // on the loop: the end task has started; later tasks see an ended session

    /**
     * Ends the session once: forgets the dialog, stops the media (delivering what is due),
     * releases ports and buffers, then calls {@link RecordingListener#onSessionEnded}.
     *
     * @return false when it had already ended
     */
    boolean end(EndReason reason) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        // on the session's loop: after answer() has run, so the dialog (if any) is known
        loop.execute(() -> {
            endRan = true;
            Dialog d = dialog;
            if (d != null) {
                if (reason == EndReason.BYE || reason == EndReason.CANCELLED) {
                    d.terminate(); // the SRC ended it
                } else {
                    byeSent = d.bye(); // we end it: RFC 3261 §15.1.1
                }
            }
            CompletableFuture<Void> stopped = media != null ? media.stop() : CompletableFuture.completedFuture(null);
            stopped.whenComplete((v, err) -> loop.execute(() -> {
                StreamStats[] stats = new StreamStats[channels.size()];
                for (int c = 0; c < stats.length; c++) {
                    stats[c] = channelStats(c);
                }
                finalTotals = streamTotals();
                finalStats = stats;
                // Release what the session held: the SIP layer keeps its transaction and dialog
                // a while longer (retransmissions), the application may keep this object; none
                // of them needs the media (rings, jitter buffers, decoders) any more.
                media = null;
                dev.siprec.sip.ServerInvite tx = inviteTransaction;
                if (tx != null) {
                    tx.attachment(null);
                    inviteTransaction = null;
                }
                if (d != null) {
                    d.attachment(null);
                }
                dialog = null;
                endTime = Instant.now();
                endReason = reason;
                // after every frame and event queued before it
                delivery.offer(() -> {
                    if (announced) { // a session never answered was never started for the listener
                        safely("onSessionEnded", () -> listener.onSessionEnded(this, reason));
                    }
                    endFuture.complete(reason);
                });
            }));
        });
        return true;
    }

    boolean isEnded() {
        return ended.get();
    }

    private void safely(String callback, Runnable r) {
        SessionMdc.run(invite.callId(), id, () -> runGuarded(callback, r));
    }

    private void runGuarded(String callback, Runnable r) {
        try {
            r.run();
        } catch (VirtualMachineError e) {
            // out of memory in the application's callback: the process is no longer sound
            log.error("RecordingListener.{} failed fatally for session {}", callback, id, e);
            fatal.accept(e);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            log.error("RecordingListener.{} threw for session {}", callback, id, e);
        }
    }

    // every stream is on hold (the last offer said so): the longer media timeout applies
    volatile boolean onHold;
    // the INVITE had no offer: ours went in the 2xx, the SRC's answer comes in the ACK (LateOffer)
    volatile boolean awaitingAnswer;
    private io.netty.util.concurrent.ScheduledFuture<?> watchdog;

    /**
     * Once answered, on the session's loop: ends the session when its media has been silent for
     * too long (an SRC that vanished) or when it reached its maximum duration.
     */
    void watch(long mediaTimeoutMillis, long holdTimeoutMillis, long maxDurationMillis,
               java.util.function.Consumer<EndReason> ender) {
        long started = System.nanoTime();
        watchdog = loop.scheduleAtFixedRate(() -> {
            MediaSession m = media;
            if (ended.get() || m == null) {
                watchdog.cancel(false);
                return;
            }
            long limit = onHold ? holdTimeoutMillis : mediaTimeoutMillis;
            if (limit > 0 && m.idleNanos() > limit * 1_000_000L) {
                log.warn("call {}: no RTP or RTCP for {} ms{}; ending the session", sipCallId(), limit,
                        onHold ? " (on hold)" : "");
                ender.accept(EndReason.MEDIA_TIMEOUT);
            } else if (maxDurationMillis > 0 && System.nanoTime() - started > maxDurationMillis * 1_000_000L) {
                log.info("call {}: maximum duration of {} ms reached; ending the session", sipCallId(), maxDurationMillis);
                ender.accept(EndReason.MAX_DURATION);
            }
        }, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // the server's fatal-error path (SiprecServer), set when the session is made
    java.util.function.Consumer<Throwable> fatal = cause -> { };

    @Override
    public String toString() {
        return "RecordingSession[" + id + ", call-id " + sipCallId() + "]";
    }
}
