package dev.siprec.core;

import dev.siprec.media.RtpPortPool;
import dev.siprec.sip.SipStack;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A SIPREC Session Recording Server (RFC 7866): listens for recording sessions from SRCs,
 * receives and decodes their media, and delivers time-aligned PCM and metadata to a
 * {@link RecordingListener}.
 *
 * <pre>{@code
 * SiprecServer server = SiprecServer.builder()
 *         .sip(Transport.UDP, new InetSocketAddress(5060))
 *         .sip(Transport.TCP, new InetSocketAddress(5060))
 *         .rtpPortRange(20000, 29999)
 *         .sampleRate(16000)
 *         .listener(myListener)
 *         .start();
 * }</pre>
 */
public final class SiprecServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final SipStack stack;
    private final RecordingSessionManager manager;
    private final java.util.concurrent.ExecutorService delivery;
    private final java.util.function.Consumer<Throwable> onFatalError;
    private final LoopLag lag;
    private final java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final ServerMetrics metrics;
    private CompletableFuture<Void> drained; // guarded by this

    private SiprecServer(Builder b) throws InterruptedException {
        this.onFatalError = b.onFatalError;
        this.group = new MultiThreadIoEventLoopGroup(b.threads, ioHandler(b.nativeTransport));
        this.delivery = java.util.concurrent.Executors.newFixedThreadPool(b.deliveryThreads, deliveryThreadFactory());
        this.manager = new RecordingSessionManager(b, group, new RtpPortPool(b.rtpMin, b.rtpMax), delivery);
        manager.fatal = this::fatal;
        this.lag = new LoopLag(group, b.overloadLagMillis);
        manager.admission.lag = lag;
        Map<dev.siprec.sip.transport.Transport, List<InetSocketAddress>> listen =
                new EnumMap<>(dev.siprec.sip.transport.Transport.class);
        for (Map.Entry<Transport, List<InetSocketAddress>> e : b.sip.entrySet()) {
            listen.put(e.getKey().toSip(), List.copyOf(e.getValue()));
        }
        String contactHost = b.mediaAddress != null ? b.mediaAddress.getHostAddress() : null;
        // timer and 100rel: SBCs require them (RFC 4028; RFC 3262 is met by sending no reliable
        // provisional responses at all: we answer 100 Trying and then the final response)
        this.stack = new SipStack(new SipStack.Config(listen, b.serverHeader, List.of("siprec", "timer", "100rel"),
                "application/sdp, multipart/mixed, application/rs-metadata+xml, application/rs-metadata",
                "srs", ";+sip.srs", contactHost, b.t1Millis, b.minSessionExpires, b.tls == null ? null : b.tls.toSip(), b.maxConnections,
                b.maxConnectionsPerAddress, b.connectionIdleMillis), group, manager);
        this.metrics = new ServerMetrics(manager, stack);
        stack.allowSources(b.allowSip);
        try {
            stack.start();
        } catch (InterruptedException | RuntimeException e) {
            stack.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            delivery.shutdown();
            throw e;
        }
    }

    /**
     * Netty's native epoll I/O when asked for and available (Linux, with
     * {@code netty-transport-native-epoll} on the class path), the JDK's NIO otherwise.
     */
    private static io.netty.channel.IoHandlerFactory ioHandler(boolean wantNative) {
        if (wantNative) {
            try {
                if (io.netty.channel.epoll.Epoll.isAvailable()) {
                    return io.netty.channel.epoll.EpollIoHandler.newFactory();
                }
                org.slf4j.LoggerFactory.getLogger(SiprecServer.class).debug("native epoll unavailable ({}); using NIO",
                        io.netty.channel.epoll.Epoll.unavailabilityCause().toString());
            } catch (LinkageError absent) {
                // netty-transport-classes-epoll is not on the class path: NIO
            }
        }
        return NioIoHandler.newFactory();
    }

    private static java.util.concurrent.ThreadFactory deliveryThreadFactory() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "siprec-delivery-" + n.incrementAndGet());
            t.setDaemon(true); // close() drains them; a forgotten close must not keep the JVM up
            return t;
        };
    }

    /** A builder with the defaults: no listener address yet, RTP 20000-29999, 16 kHz output. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bound SIP addresses of a transport (with the real port when 0 was configured). */
    public List<InetSocketAddress> sipAddresses(Transport transport) {
        return stack.boundAddresses(transport.toSip());
    }

    /** Sessions started and not yet ended. */
    public List<RecordingSession> activeSessions() {
        return List.copyOf(manager.activeSessions());
    }

    /** Metadata documents that could not be read (the sessions were still recorded), since start. */
    public long metadataErrors() {
        return manager.metadataErrors();
    }

    /**
     * Request bodies whose metadata was read only after a repair (a multipart body without its
     * close delimiter, unescaped ampersands), since start; each such session says what in
     * {@link RecordingSession#metadataProblem()}.
     */
    public long metadataRepaired() {
        return manager.metadataRepaired();
    }

    /** The server's counters and gauges, for monitoring (see {@code siprec-micrometer}). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * Starts a graceful drain: from now on new INVITEs get {@code 503 Draining} (with
     * Retry-After) and OPTIONS probes {@code 503}, so that an SBC's SRS group or a load balancer
     * sends new calls to another recorder; the current sessions go on until their SRC ends them.
     * Once none is left, or after {@code timeout} (the rest then end with
     * {@link EndReason#SERVER_SHUTDOWN}), the server closes as {@link #close()} does. Calling it
     * again returns the same future.
     *
     * @return completes when the server has closed
     */
    public synchronized CompletableFuture<Void> drain(Duration timeout) {
        if (drained != null) {
            return drained;
        }
        manager.draining = true;
        org.slf4j.LoggerFactory.getLogger(SiprecServer.class).info("draining: {} sessions active, waiting up to {}",
                manager.activeSessions().size(), timeout);
        CompletableFuture<Void> done = new CompletableFuture<>();
        drained = done;
        Thread waiter = new Thread(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (!closed.get() && !manager.activeSessions().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50); // no session-level event to wait on: sessions end one by one
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close();
                done.complete(null);
            }
        }, "siprec-drain");
        waiter.setDaemon(true);
        waiter.start();
        return done;
    }

    /**
     * Why a new session would be refused now (draining, a limit of the admission), as the
     * reason phrase of its 503, or {@code null} when one would be taken: the answer an SBC's
     * OPTIONS probe gets, for a readiness check.
     */
    public String unavailable() {
        return manager.unavailable();
    }

    /** Whether {@link #drain} was called. */
    public boolean draining() {
        return manager.draining;
    }

    /** RTP ports currently allocated to sessions (two per two-stream session). */
    public int rtpPortsInUse() {
        return manager.rtpPortsInUse();
    }

    /**
     * Whether the sockets run on Netty's native epoll transport ({@link Builder#nativeTransport}),
     * rather than the JDK's NIO.
     */
    public boolean nativeTransport() {
        return stack.nativeTransport();
    }

    /** SIP messages dropped without an answer (unparseable), since start. */
    public long droppedSipMessages() {
        return stack.droppedMessages();
    }

    /**
     * Whether the server stopped itself on a fatal error (see {@link Builder#onFatalError}).
     */
    public boolean failed() {
        return failed.get();
    }

    /**
     * An error the process cannot recover from (out of memory, a stack overflow) on one of the
     * server's threads. Left alone, the event loop would log it and go on without the memory or
     * the task it lost: a process that answers nothing and records nothing. Instead the server
     * stops, once, on a thread of its own: every session ends with {@link EndReason#SERVER_ERROR}
     * (a BYE where it still can), the sockets close, then the application's handler runs.
     */
    private void fatal(Throwable cause) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        org.slf4j.LoggerFactory.getLogger(SiprecServer.class)
                .error("fatal error on a server thread; stopping the server", cause);
        Thread stopper = new Thread(() -> {
            try {
                close(EndReason.SERVER_ERROR);
            } finally {
                onFatalError.accept(cause);
            }
        }, "siprec-fatal-stop");
        stopper.setDaemon(false); // the handler decides what becomes of the process
        stopper.start();
    }

    /**
     * Ends every active session with {@link EndReason#SERVER_SHUTDOWN} (each gets its
     * {@code onSessionEnded} after its remaining audio), then closes the sockets and threads.
     * Calling it again does nothing.
     */
    @Override
    public void close() {
        close(EndReason.SERVER_SHUTDOWN);
    }

    private void close(EndReason reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lag.close();
        List<CompletableFuture<?>> ending = new ArrayList<>();
        List<CompletableFuture<?>> byes = new ArrayList<>();
        for (ManagedSession s : manager.activeSessions()) {
            manager.end(s, reason);
            ending.add(s.ended());
            byes.add(s.byeSent());
        }
        await(ending, 10_000);
        await(byes, 2_000); // give the SRCs a moment to answer our BYEs before the sockets close
        stack.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        delivery.shutdown(); // every session's onSessionEnded has run (or timed out) above
        try {
            delivery.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(List<CompletableFuture<?>> futures, long millis) {
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a session or a BYE that did not finish in time: the sockets close anyway
        }
    }

    /** Whether streams may, must or must not arrive as SRTP (SDES keys, RFC 4568). */
    public enum Srtp {
        /** Answer what is offered: RTP/SAVP with a supported {@code a=crypto} as SRTP, RTP/AVP as RTP. */
        OPTIONAL,
        /** Only SRTP: plain RTP/AVP streams are declined, an offer without SRTP gets 488 with a reason. */
        REQUIRED,
        /** Only RTP: RTP/SAVP streams are declined. */
        OFF
    }

    /** How an INVITE is recognised as a SIPREC recording session. */
    public enum Detection {
        /** RFC 7866 §6.1.1 to the letter: {@code Require: siprec} and {@code +sip.src} in the Contact. */
        STRICT,
        /**
         * Any sign of SIPREC: siprec in Require or Supported; {@code +sip.src}, {@code src} or
         * {@code +sip-src} as a Contact header parameter or inside the Contact URI; or an
         * rs-metadata body part. What real SRCs need (BroadWorks sends {@code ;src} and no
         * Require; Avaya puts the tag inside the URI).
         */
        LIBERAL
    }

    /** What to do with an INVITE that is not a recording session. */
    public enum NonRecording {
        /** Record it as plain media (its streams, no metadata). */
        RECORD,
        /** Answer 403 with a reason saying that it is not a SIPREC recording session. */
        REJECT
    }

    /** Settings of a {@link SiprecServer}. Not thread-safe; build once. */
    public static final class Builder {
        final Map<Transport, List<InetSocketAddress>> sip = new EnumMap<>(Transport.class);
        int rtpMin = 20000;
        int rtpMax = 29999;
        InetAddress mediaAddress;
        int sampleRate = 16000;
        RecordingListener listener;
        ChannelMapper channelMapper = ChannelMapper.standard();
        int jitterMillis = 60;
        int maxJitterMillis = 300;
        long answerDelayMillis;
        boolean rejectMalformedMetadata;
        String serverHeader = "siprec/0.1";
        long t1Millis = 500;
        int minSessionExpires = 90;
        Detection detection = Detection.LIBERAL;
        TlsSettings tls;
        boolean latchSources = true;
        boolean receiverReports = true;
        dev.siprec.codecs.registry.CodecRegistry codecs = dev.siprec.codecs.registry.CodecRegistry.defaults();
        boolean latchProbe;
        boolean keepStereo;
        NonRecording nonRecording = NonRecording.RECORD;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean nativeTransport = true;
        Srtp srtp = Srtp.OPTIONAL;
        int deliveryThreads = Runtime.getRuntime().availableProcessors();
        long deliveryQueueMillis = 2000;
        int maxSessions = 10_000;
        // measured: the example recorder on 2 cores with SIPp beside it takes 2,000-3,000 SIPREC
        // calls/s without media, and not 4,000 (benchmarks/README.md); 1,000 a core keeps a server
        // at its capacity when twice that is offered
        int maxSessionRate = 1000 * Runtime.getRuntime().availableProcessors();
        int maxStreams = 16;
        double memoryHeadroom = 0.10;
        int maxConnections = 10_000;
        int maxConnectionsPerAddress = 200;
        long connectionIdleMillis = 120_000;
        long mediaTimeoutMillis = 60_000;
        long holdTimeoutMillis = 3_600_000;
        long maxDurationMillis;
        long overloadLagMillis = 100;
        dev.siprec.sip.transport.AddressFilter allowSip = dev.siprec.sip.transport.AddressFilter.ALLOW_ALL;
        dev.siprec.sip.transport.AddressFilter allowRtp = dev.siprec.sip.transport.AddressFilter.ALLOW_ALL;
        java.util.function.Consumer<Throwable> onFatalError = cause -> { };

        private Builder() {
        }

        /**
         * What to do after a fatal error (out of memory, a stack overflow) on one of the server's
         * threads: by then the server has stopped itself (every session ended with
         * {@link EndReason#SERVER_ERROR}, sockets closed). A standalone recorder should exit
         * with a non-zero status here so that its supervisor restarts it; the default only logs.
         * Runs on a thread of its own.
         */
        public Builder onFatalError(java.util.function.Consumer<Throwable> handler) {
            this.onFatalError = Objects.requireNonNull(handler);
            return this;
        }

        /** Listens for SIP on an address with a transport; may be called for several. */
        public Builder sip(Transport transport, InetSocketAddress address) {
            sip.computeIfAbsent(transport, t -> new ArrayList<>()).add(Objects.requireNonNull(address));
            return this;
        }

        /**
         * Listens for SIP over TLS (RFC 3261 §26; port 5061 by convention) with this certificate
         * and key ({@link TlsSettings#pem} or {@link TlsSettings#keyStore}).
         */
        public Builder tls(InetSocketAddress address, TlsSettings settings) {
            this.tls = Objects.requireNonNull(settings);
            return sip(Transport.TLS, address);
        }

        /** RTP ports to allocate from, inclusive; even ports are used (RFC 3550 §11). */
        public Builder rtpPortRange(int min, int max) {
            new RtpPortPool(min, max); // validates
            this.rtpMin = min;
            this.rtpMax = max;
            return this;
        }

        /**
         * The address RTP is received on and advertised in SDP answers and our Contact. By
         * default RTP binds to all interfaces and the address the SRC sent the INVITE to (its
         * Request-URI host) is advertised.
         */
        public Builder mediaAddress(InetAddress address) {
            this.mediaAddress = address;
            return this;
        }

        /** Output sample rate: 8000, 16000 or 48000 Hz. */
        public Builder sampleRate(int hz) {
            if (hz != 8000 && hz != 16000 && hz != 48000) {
                throw new IllegalArgumentException("sample rate must be 8000, 16000 or 48000, not " + hz);
            }
            this.sampleRate = hz;
            return this;
        }

        /** Who receives the recordings (required). */
        public Builder listener(RecordingListener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        /**
         * How streams are placed on channels (default {@link ChannelMapper#standard}: vendor caller
         * hints, then participant order, then m-line order). For configured rules use
         * {@code ChannelMapper.standard(ChannelMapper.byLabel("2"))} and the like.
         */
        public Builder channelMapper(ChannelMapper mapper) {
            this.channelMapper = Objects.requireNonNull(mapper);
            return this;
        }

        /**
         * A fixed playout delay that absorbs network jitter and reordering. The default adapts
         * between 60 and 300 ms: see {@link #jitterDelay(Duration, Duration)}.
         */
        public Builder jitterDelay(Duration d) {
            return jitterDelay(d, d);
        }

        /**
         * A playout delay that adapts to the measured jitter (RFC 3550) and to late packets,
         * between {@code min} and {@code max} (default 60 to 300 ms). The audio's place on the
         * timeline never depends on it; only the latency of delivery does.
         */
        public Builder jitterDelay(Duration min, Duration max) {
            int lo = (int) Math.max(0, Math.min(2000, min.toMillis()));
            int hi = (int) Math.max(0, Math.min(2000, max.toMillis()));
            if (hi < lo) {
                throw new IllegalArgumentException("maximum playout delay below the minimum");
            }
            this.jitterMillis = lo;
            this.maxJitterMillis = hi;
            return this;
        }

        /**
         * Wait this long before answering an INVITE (default 0). An SRC that tests its CANCEL
         * path needs an SRS that does not answer at once; production leaves it at 0.
         */
        public Builder answerDelay(Duration d) {
            this.answerDelayMillis = Math.max(0, d.toMillis());
            return this;
        }

        /**
         * Reject INVITEs whose metadata cannot be read with 400 (default false: metadata is
         * advisory, so the call is recorded and the problem logged and counted).
         */
        public Builder rejectMalformedMetadata(boolean reject) {
            this.rejectMalformedMetadata = reject;
            return this;
        }

        /** The Server header value. */
        public Builder serverHeader(String value) {
            this.serverHeader = Objects.requireNonNull(value);
            return this;
        }

        /** RFC 3261 timer T1 (default 500 ms); the other timers derive from it. */
        public Builder sipTimerT1(Duration t1) {
            this.t1Millis = Math.max(1, t1.toMillis());
            return this;
        }

        /**
         * The smallest session interval accepted (RFC 4028 Min-SE; default 90 s, the RFC's
         * minimum); smaller Session-Expires get 422.
         */
        public Builder minSessionExpires(Duration d) {
            this.minSessionExpires = (int) Math.max(1, d.toSeconds());
            return this;
        }

        /**
         * Source latching (default on): each stream takes RTP only from the sender of its first
         * valid packet; others are dropped and counted ({@code packetsOtherSource}). It re-latches
         * after a re-offer, or when the latched sender has been silent for 2 s (SBC fail-over).
         */
        public Builder latchSources(boolean latch) {
            this.latchSources = latch;
            return this;
        }

        /**
         * RTCP receiver reports to each stream's source, every 5 s on average (RFC 3550 §6.4.2;
         * default on): loss, jitter and the last sender report's time, so the SRC sees the
         * recorder is alive. They go where the source's RTCP comes from (its RTP port when
         * multiplexed), else to the port after its RTP port.
         */
        public Builder receiverReports(boolean send) {
            this.receiverReports = send;
            return this;
        }

        /**
         * Sends a header-only RTP packet from each stream's port to the address the SRC gave for
         * that stream, once answered, and again every second until the stream's first packet
         * (at most five; default off). For SRCs behind a NAT or a media relay that wait for a
         * packet from us before they send (symmetric RTP, RFC 4961).
         */
        public Builder latchProbe(boolean probe) {
            this.latchProbe = probe;
            return this;
        }

        /**
         * Records a stereo stream (Opus whose offer says {@code sprop-stereo=1}, RFC 7587 §6.1)
         * on two channels, its left one on the stream's channel and its right one on the next,
         * instead of down-mixing it (default off). For SRCs that send both parties of a call in
         * one stereo stream. The right channel's {@link RecordedChannel} names the same stream
         * (m-line, label, participant), is marked {@link RecordedChannel#stereoRight()} and its
         * rule ends with {@code +stereo-right}; both channels report the stream's counters.
         * Streams added by a re-offer are down-mixed.
         */
        public Builder keepStereo(boolean keep) {
            this.keepStereo = keep;
            return this;
        }

        /** How recording sessions are recognised (default {@link Detection#LIBERAL}). */
        public Builder detection(Detection d) {
            this.detection = Objects.requireNonNull(d);
            return this;
        }

        /** What to do with INVITEs that are not recording sessions (default {@link NonRecording#RECORD}). */
        public Builder nonRecordingInvites(NonRecording n) {
            this.nonRecording = Objects.requireNonNull(n);
            return this;
        }

        /**
         * Whether to use Netty's native epoll sockets where they are available (default: true).
         * They need {@code io.netty:netty-transport-native-epoll} with the platform's classifier
         * (e.g. {@code linux-x86_64}) on the class path, which this library does not bring;
         * without it, or on other systems, the server uses the JDK's NIO. See
         * {@link SiprecServer#nativeTransport()} for which one runs.
         */
        public Builder nativeTransport(boolean use) {
            this.nativeTransport = use;
            return this;
        }

        /**
         * The codecs to decode (default {@link dev.siprec.codecs.registry.CodecRegistry#defaults()}:
         * G.711, G.722, G.726-32, G.729, Opus and any codec on the class path's
         * {@code META-INF/services/dev.siprec.codecs.AudioCodec}). Offers are answered with the
         * codecs it decodes; {@code CodecRegistry.defaults().with(myCodec)} adds one.
         */
        public Builder codecs(dev.siprec.codecs.registry.CodecRegistry registry) {
            this.codecs = Objects.requireNonNull(registry);
            return this;
        }

        /**
         * The SRTP policy (default {@link Srtp#OPTIONAL}). SRTP keys come in the SDP, so SIP
         * should run over TLS when SRTP matters.
         */
        public Builder srtp(Srtp policy) {
            this.srtp = Objects.requireNonNull(policy);
            return this;
        }

        /** Event loop threads for SIP and media (default: one per core). */
        public Builder threads(int n) {
            this.threads = Math.max(1, n);
            return this;
        }

        /**
         * Threads that call the {@link RecordingListener} (default: one per core). Each session's
         * calls run on one of them at a time, in order; more threads let more sessions' slow
         * callbacks (a blocking speech-recognition client) overlap.
         */
        public Builder deliveryThreads(int n) {
            this.deliveryThreads = Math.max(1, n);
            return this;
        }

        /**
         * How much audio may wait per session for a listener that has fallen behind (default
         * 2 s; never less than the largest playout delay plus two frames, since a session's end
         * delivers that much at once). Beyond it frames are dropped and counted
         * ({@link DeliveryStats#framesDropped()}); the network threads never wait for the
         * application.
         */
        public Builder deliveryQueue(Duration d) {
            this.deliveryQueueMillis = Math.max(RecordingSessionManager.FRAME_MILLIS, d.toMillis());
            return this;
        }

        /**
         * Refuses new sessions ({@code 503 Server overloaded}, {@code Retry-After}) while work on
         * an event loop waits longer than this (default 100 ms; {@link Duration#ZERO} turns it
         * off): whatever the configured rates, a machine that falls behind answers the calls it
         * has rather than taking more and collapsing into retransmissions.
         */
        public Builder overloadLag(Duration d) {
            this.overloadLagMillis = Math.max(0, d.toMillis());
            return this;
        }

        /**
         * The most new recording sessions per second (default 1,000 per core, a burst of as many):
         * more are answered {@code 503} with {@code Retry-After} at once, so that an SBC retrying
         * a storm of calls meets a server that keeps the calls it has. Raise it on a machine that
         * measured more (benchmarks/README.md has the method).
         */
        public Builder maxSessionRate(int perSecond) {
            this.maxSessionRate = Math.max(1, perSecond);
            return this;
        }

        /**
         * The most audio streams one recording session may have (default 16): an offer with more
         * is answered {@code 503}, before any port is taken or any channel made.
         */
        public Builder maxStreamsPerSession(int n) {
            this.maxStreams = Math.max(1, n);
            return this;
        }

        /**
         * The share of the maximum heap that must stay free, after the last garbage collection,
         * for a new session to be taken (default 0.10): below it INVITEs get {@code 503} until
         * calls end and memory is back, rather than an {@code OutOfMemoryError} for everyone.
         */
        public Builder memoryHeadroom(double share) {
            if (!(share >= 0 && share < 1)) {
                throw new IllegalArgumentException("memory headroom " + share + " is not in [0, 1)");
            }
            this.memoryHeadroom = share;
            return this;
        }

        /**
         * SIP over TCP and TLS: the most connections at once (default 10,000), from one address
         * (default 200), and how long one that carries no dialog may stay idle before we close it
         * (default 120 s; a connection that carries a live dialog is never closed for idleness).
         * A connection over a limit is closed as it is accepted.
         */
        public Builder connections(int max, int perAddress, Duration idle) {
            this.maxConnections = Math.max(1, max);
            this.maxConnectionsPerAddress = Math.max(1, perAddress);
            this.connectionIdleMillis = Math.max(1, idle.toMillis());
            return this;
        }

        /**
         * Access control: only SRCs in these networks (CIDR, e.g. {@code 10.0.0.0/8}, or single
         * addresses) may send SIP ({@code sip}; others get {@code 403}) and RTP/RTCP ({@code rtp};
         * others' datagrams are dropped and counted in {@code packetsOtherSource}). Checked before
         * anything else. An empty list allows every address (the default).
         *
         * @throws IllegalArgumentException naming an entry that is not an IP network
         */
        public Builder allowSources(List<String> sip, List<String> rtp) {
            this.allowSip = dev.siprec.sip.transport.AddressFilter.of(sip);
            this.allowRtp = dev.siprec.sip.transport.AddressFilter.of(rtp);
            return this;
        }

        /** {@link #allowSources(List, List)} with one list for SIP and RTP. */
        public Builder allowSources(String... cidrs) {
            return allowSources(List.of(cidrs), List.of(cidrs));
        }

        /**
         * Ends a session (with {@link EndReason#MEDIA_TIMEOUT} and a BYE) when none of its streams
         * has received RTP or RTCP for {@code noMedia} (default 60 s), or for {@code onHold}
         * while the SRC has put every stream on hold ({@code a=inactive}, {@code a=recvonly} or
         * the hold address; default 1 h): an SRC that vanished without a BYE must not keep its
         * ports and a growing recording forever. {@link Duration#ZERO} turns a limit off.
         */
        public Builder mediaTimeout(Duration noMedia, Duration onHold) {
            this.mediaTimeoutMillis = Math.max(0, noMedia.toMillis());
            this.holdTimeoutMillis = Math.max(0, onHold.toMillis());
            return this;
        }

        /**
         * Ends every session that lasts longer than this (with {@link EndReason#MAX_DURATION} and
         * a BYE); default {@link Duration#ZERO}: no limit.
         */
        public Builder maxSessionDuration(Duration d) {
            this.maxDurationMillis = Math.max(0, d.toMillis());
            return this;
        }

        /**
         * The most concurrent recording sessions (default 10,000): more are answered {@code 503}
         * with {@code Retry-After}.
         */
        public Builder maxSessions(int n) {
            this.maxSessions = Math.max(1, n);
            return this;
        }

        /** Binds and starts the server. */
        public SiprecServer start() throws InterruptedException {
            if (listener == null) {
                throw new IllegalStateException("a RecordingListener is required");
            }
            if (sip.isEmpty()) {
                throw new IllegalStateException("no SIP listening address configured");
            }
            if (sip.containsKey(Transport.TLS) && tls == null) {
                throw new IllegalStateException("a TLS listener needs TLS settings: use tls(address, settings)");
            }
            return new SiprecServer(this);
        }
    }
}
