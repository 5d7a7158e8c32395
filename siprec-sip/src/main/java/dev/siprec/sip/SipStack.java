package dev.siprec.sip;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal SIP user agent server (RFC 3261) on Netty: UDP and TCP transports, server
 * transactions, dialogs, CANCEL, OPTIONS, and the error responses a UAS owes for bad
 * input. What to do with an INVITE is left to a {@link SipHandler}.
 *
 * <p>Threading: transports run on the given event loops. The transaction and dialog tables
 * are concurrent maps; each transaction and each dialog guards its own state with its own
 * monitor (a transaction's before its dialog's when both are needed), so calls do not wait
 * for one another. Handler callbacks run with no lock held, on an event loop or the timer
 * task, and must not block.
 */
public final class SipStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipStack.class);
    private static final String ALLOWED = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, PRACK";

    private final Config config;
    private final SipHandler handler;
    private final EventLoopGroup group;
    private final Map<String, ServerTransaction> transactions = new ConcurrentHashMap<>();
    private final Map<String, Dialog> dialogs = new ConcurrentHashMap<>();
    private final Map<String, ClientTransaction> clientTransactions = new ConcurrentHashMap<>();
    private SipTimers timers;
    private final List<Channel> channels = new ArrayList<>();
    private final Map<Transport, List<InetSocketAddress>> bound = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong errorsAnswered = new AtomicLong();

    /**
     * Stack settings.
     *
     * @param listen addresses to listen on, per transport
     * @param serverHeader value of the Server header in every response
     * @param supported option tags we support (Supported header; others in Require get 420)
     * @param accept body types we take (Accept header of OPTIONS and 415 responses)
     * @param contactParams parameters appended to our Contact in 2xx to INVITE (e.g. {@code ;+sip.srs})
     * @param contactHost host to put in our Contact when the listening address is a wildcard, or null
     * @param t1Millis RFC 3261 T1 (500 ms); T2 = 8*T1 capped at 4 s, T4 = 10*T1 capped at 5 s
     * @param minSessionExpires the smallest Session-Expires we accept (RFC 4028 Min-SE, >= 90 s
     *     in production), in seconds
     * @param tls certificate settings for the TLS listeners, or null when there are none
     */
    public record Config(Map<Transport, List<InetSocketAddress>> listen, String serverHeader, List<String> supported,
                         String accept, String contactParams, String contactHost, long t1Millis,
                         int minSessionExpires, TlsSettings tls, int maxConnections, int maxConnectionsPerAddress,
                         long connectionIdleMillis) {

        /** With the default connection limits: 10,000 at once, 200 from one address, 120 s idle. */
        public Config(Map<Transport, List<InetSocketAddress>> listen, String serverHeader, List<String> supported,
                      String accept, String contactParams, String contactHost, long t1Millis,
                      int minSessionExpires, TlsSettings tls) {
            this(listen, serverHeader, supported, accept, contactParams, contactHost, t1Millis, minSessionExpires, tls,
                    10_000, 200, 120_000);
        }
    }

    /** A stack with these settings, on {@code group}, calling {@code handler}. Call {@link #start()}. */
    public SipStack(Config config, EventLoopGroup group, SipHandler handler) {
        this.config = config;
        this.group = group;
        this.handler = handler;
    }

    /** Binds every listening address; throws when one cannot be bound or TLS is misconfigured. */
    public void start() throws InterruptedException {
        if (timers == null) {
            timers = new SipTimers(group.next(), TIMER_RESOLUTION_MILLIS);
        }
        io.netty.handler.ssl.SslContext ssl = null;
        if (config.listen().containsKey(Transport.TLS)) {
            if (config.tls() == null) {
                throw new IllegalStateException("TLS listener configured without TLS settings");
            }
            try {
                ssl = config.tls().context();
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("TLS certificate or key unusable: " + e.getMessage(), e);
            }
        }
        for (Map.Entry<Transport, List<InetSocketAddress>> e : config.listen().entrySet()) {
            for (InetSocketAddress address : e.getValue()) {
                Channel ch = e.getKey() == Transport.UDP ? bindUdp(address) : bindStream(address, e.getKey(), ssl);
                channels.add(ch);
                bound.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((InetSocketAddress) ch.localAddress());
            }
        }
    }

    /** The addresses actually bound for a transport (ports resolved when 0 was asked for). */
    public List<InetSocketAddress> boundAddresses(Transport transport) {
        return List.copyOf(bound.getOrDefault(transport, List.of()));
    }

    /** Messages dropped without an answer (unparseable, unanswerable), since start. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Requests answered with an error because they were malformed, since start. */
    public long malformedRequestsAnswered() {
        return errorsAnswered.get();
    }

    /** Closes the listening sockets and forgets all transactions and dialogs (no BYEs are sent). */
    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
        for (ServerTransaction tx : new ArrayList<>(transactions.values())) {
            tx.terminate();
        }
        for (Dialog d : new ArrayList<>(dialogs.values())) {
            d.terminate();
        }
        if (timers != null) {
            timers.close();
        }
    }

    private Channel bindUdp(InetSocketAddress address) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .handler(new UdpHandler())
                .bind(address).sync().channel();
    }

    /** TCP, or TLS: the same framing behind an SslHandler (which owns the TLS records' buffers). */
    private Channel bindStream(InetSocketAddress address, Transport transport, io.netty.handler.ssl.SslContext ssl)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // limits first: a connection over them is closed before TLS or parsing costs anything
                        // (the idle handler first: its events travel towards the guard)
                        ch.pipeline().addLast(new io.netty.handler.timeout.IdleStateHandler(0, 0,
                                config.connectionIdleMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
                                new ConnectionGuard());
                        if (transport == Transport.TLS) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new SipStreamFramer(SipStack.this), new StreamHandler(transport));
                    }
                })
                .bind(address).sync().channel();
    }

    // TCP and TLS connections: open now, in all and per remote address (guarded by the map's lock)
    private final Map<InetAddress, Integer> connectionsByAddress = new java.util.HashMap<>();
    private int connectionsOpen;
    private final java.util.concurrent.atomic.AtomicLong connectionsRefused = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong connectionsIdleClosed = new java.util.concurrent.atomic.AtomicLong();

    /** TCP/TLS connections closed on accept because a connection limit was reached, since start. */
    public long connectionsRefused() {
        return connectionsRefused.get();
    }

    /** TCP/TLS connections closed because they stayed idle without a dialog, since start. */
    public long connectionsClosedIdle() {
        return connectionsIdleClosed.get();
    }

    /** TCP/TLS connections open now. */
    public int connectionsOpen() {
        synchronized (connectionsByAddress) {
            return connectionsOpen;
        }
    }

    /**
     * Counts a stream connection against the limits (closing it at once when over one) and
     * closes it when it has been idle for the configured time without carrying a dialog: a
     * caller that opens connections and leaves them must not use up our descriptors. A
     * connection that carries a live dialog is never closed for idleness: the SRC's BYE and
     * refreshes come over it.
     */
    private final class ConnectionGuard extends io.netty.channel.ChannelInboundHandlerAdapter {
        private InetAddress counted;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            InetAddress from = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            boolean over;
            synchronized (connectionsByAddress) {
                int mine = connectionsByAddress.getOrDefault(from, 0);
                over = connectionsOpen >= config.maxConnections() || mine >= config.maxConnectionsPerAddress();
                if (!over) {
                    connectionsOpen++;
                    connectionsByAddress.put(from, mine + 1);
                    counted = from;
                }
            }
            if (over) {
                connectionsRefused.incrementAndGet();
                log.warn("SIP connection from {} refused: connection limit reached", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (counted != null) {
                synchronized (connectionsByAddress) {
                    connectionsOpen--;
                    connectionsByAddress.merge(counted, -1, (a, b) -> a + b == 0 ? null : a + b);
                }
                counted = null;
            }
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
                if (!carriesDialog(ctx.channel())) {
                    connectionsIdleClosed.incrementAndGet();
                    log.debug("SIP connection {} idle without a dialog; closed", ctx.channel().remoteAddress());
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    private boolean carriesDialog(Channel ch) {
        for (Dialog d : dialogs.values()) {
            if (d.path().channel() == ch) {
                return true;
            }
        }
        return false;
    }

    /** Receives datagrams; the packet is released by SimpleChannelInboundHandler after this. */
    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] data = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), data);
            ReplyPath path = new ReplyPath(Transport.UDP, ctx.channel(), packet.sender());
            if (isKeepAlive(data)) {
                return;
            }
            SipMessage message;
            try {
                message = SipMessageParser.parseDatagram(data, 0, data.length);
            } catch (SipParseException e) {
                onParseError(e, path);
                return;
            }
            onMessage(message, path);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("SIP UDP socket error: {}", cause.toString());
            if (cause instanceof VirtualMachineError) {
                handler.onFatalError(cause);
            }
        }
    }

    /** Receives framed messages of one TCP or TLS connection. */
    private final class StreamHandler extends SimpleChannelInboundHandler<byte[]> {
        private final Transport transport;

        StreamHandler(Transport transport) {
            this.transport = transport;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, byte[] data) {
            ReplyPath path = new ReplyPath(transport, ctx.channel(), (InetSocketAddress) ctx.channel().remoteAddress());
            SipMessage message;
            try {
                message = SipMessageParser.parseFramed(data, 0, data.length);
            } catch (SipParseException e) {
                onParseError(e, path);
                return;
            }
            onMessage(message, path);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("SIP {} connection {} closed: {}", transport, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            if (cause instanceof VirtualMachineError) {
                handler.onFatalError(cause);
            }
        }
    }

    private static boolean isKeepAlive(byte[] data) {
        for (byte b : data) {
            if (b != '\r' && b != '\n' && b != 0) {
                return false;
            }
        }
        return true;
    }

    // which source addresses may send us SIP (Builder access control); checked before anything else
    private volatile java.util.function.Predicate<InetAddress> allowed = a -> true;
    private final java.util.concurrent.atomic.AtomicLong forbidden = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Only these source addresses may send SIP: a request from anywhere else is answered
     * {@code 403} (statelessly; nothing else is done with it), anything else from there is dropped.
     */
    public void allowSources(java.util.function.Predicate<InetAddress> filter) {
        this.allowed = java.util.Objects.requireNonNull(filter);
    }

    /** SIP messages refused because their source address is not allowed, since start. */
    public long forbiddenMessages() {
        return forbidden.get();
    }

    private boolean allowed(ReplyPath path) {
        return path.remote() == null || allowed.test(path.remote().getAddress());
    }

    void onParseError(SipParseException e, ReplyPath path) {
        if (!allowed(path)) {
            forbidden.incrementAndGet();
            return; // not answered: from an address we do not talk to, and malformed too
        }
        SipRequest partial = e.partialRequest();
        if (partial == null || partial.method().equals("ACK")) {
            countDropped("unanswerable message from " + path.remote() + ": " + e.reason());
            return;
        }
        errorsAnswered.incrementAndGet();
        log.info("{} {} to {} from {}", e.statusCode(), e.reason(), partial.method(), path.remote());
        SipResponse r = decorate(SipResponse.to(partial, e.statusCode(), e.reason(), newTag()), path, null);
        path.send(r);
    }

    void countDropped(String why) {
        dropped.incrementAndGet();
        log.info("dropped: {}", why);
    }

    void onMessage(SipMessage message, ReplyPath path) {
        if (!allowed(path)) {
            forbidden.incrementAndGet();
            if (message instanceof SipRequest r && !r.method().equals("ACK")) {
                log.info("403 to {} from {}: source address not allowed", r.method(), path.remote());
                path.send(decorate(SipResponse.to(r, 403, "Forbidden: source address not allowed", newTag()), path,
                        null));
            }
            return;
        }
        if (message instanceof SipResponse response) {
            Via via = response.topVia();
            ClientTransaction tx = via == null ? null : clientTransactions.get(via.branch());
            if (tx != null) {
                tx.onResponse(response);
            }
            return; // anything else is a stray (or a retransmission after completion)
        }
        SipRequest request = (SipRequest) message;
        try {
            onRequest(request, path);
        } catch (RuntimeException e) {
            log.error("failure handling {} from {}", request.method(), path.remote(), e);
            path.send(decorate(SipResponse.to(request, 500, "Server Internal Error", newTag()), path, null));
        }
    }

    private void onRequest(SipRequest request, ReplyPath path) {
        String method = request.method();
        Via via = request.topVia();
        String branch = via.branch();
        NameAddress to = request.to();
        NameAddress from = request.from();
        if (method.equals("ACK")) {
            onAckRequest(request, via, to, from);
            return;
        }
        String key = transactionKey(request, via, method);
        ServerTransaction existing = transactions.get(key);
        if (existing != null) {
            existing.onRetransmission(); // absorbed: never processed twice (§17.2.3)
            return;
        }
        if (method.equals("CANCEL")) {
            onCancelRequest(request, path, via, key);
            return;
        }
        String localTag = to.tag() != null ? to.tag() : newTag();
        Dialog dialog = null;
        if (to.tag() != null) {
            dialog = dialogs.get(dialogKey(request.callId(), to.tag(), from.tag()));
        }
        if (method.equals("INVITE")) {
            ServerInvite invite = new ServerInvite(this, key, request, path, localTag, dialog);
            if (!register(key, invite)) {
                return;
            }
            SipResponse trying = decorate(SipResponse.to(request, 100, "Trying", null), path, null); // §17.2.1
            synchronized (invite) {
                invite.send(trying);
            }
            if (!checkInDialog(request, to, dialog, invite, null) || !checkRequire(request, invite, null)) {
                return;
            }
            if (!SessionTimer.acceptable(request, config.minSessionExpires())) {
                invite.reject(422, "Session Interval Too Small", "Min-SE",
                        Integer.toString(config.minSessionExpires()));
                return;
            }
            if (dialog != null) {
                boolean overlapping;
                synchronized (dialog) {
                    ServerInvite pending = dialog.pendingInvite;
                    overlapping = pending != null && !pending.hasFinalResponse() && !pending.isTerminated();
                    if (!overlapping) {
                        dialog.pendingInvite = invite;
                    }
                }
                if (overlapping) {
                    // §14.2: an INVITE while an earlier one in the dialog is unanswered
                    invite.reject(500, "Earlier INVITE still pending", "Retry-After",
                            Integer.toString(ThreadLocalRandom.current().nextInt(11)));
                    return;
                }
                handler.onReInvite(dialog, invite);
            } else {
                handler.onInvite(invite);
            }
            return;
        }
        NonInviteServerTransaction tx = new NonInviteServerTransaction(this, key, request, path, localTag);
        if (!register(key, tx)) {
            return;
        }
        if (!checkInDialog(request, to, dialog, null, tx)) {
            return;
        }
        switch (method) {
            case "BYE":
                if (dialog == null) {
                    respond(tx, 481, "Call/Transaction Does Not Exist");
                    return;
                }
                respond(tx, 200, "OK");
                dialog.terminate();
                handler.onBye(dialog, request);
                return;
            case "OPTIONS":
                SipResponse ok = decorate(SipResponse.to(request, 200, "OK", localTag), path, null);
                ok.addHeader(SipHeaders.ACCEPT, config.accept());
                tx.respond(ok);
                return;
            case "UPDATE": // RFC 3311: only inside a dialog
                if (dialog == null) {
                    respond(tx, 481, "Call/Transaction Does Not Exist");
                    return;
                }
                ServerInvite pendingInvite;
                synchronized (dialog) {
                    pendingInvite = dialog.pendingInvite;
                }
                if (pendingInvite != null && !pendingInvite.hasFinalResponse() && !pendingInvite.isTerminated()
                        && carriesOffer(request)) {
                    // RFC 3311 §5.2: an offer while the re-INVITE's offer is still unanswered
                    SipResponse busy = decorate(SipResponse.to(request, 500, "Earlier offer still pending", localTag),
                            path, null);
                    busy.addHeader("Retry-After", Integer.toString(ThreadLocalRandom.current().nextInt(11)));
                    tx.respond(busy);
                    return;
                }
                if (!SessionTimer.acceptable(request, config.minSessionExpires())) {
                    SipResponse small = decorate(SipResponse.to(request, 422, "Session Interval Too Small", localTag),
                            path, null);
                    small.addHeader("Min-SE", Integer.toString(config.minSessionExpires()));
                    tx.respond(small);
                    return;
                }
                handler.onUpdate(dialog, new ServerRequest(this, tx, dialog));
                return;
            case "INFO": // RFC 6086: nothing we act on, but a dialog's INFO is not an error
                respond(tx, dialog == null ? 481 : 200, dialog == null ? "Call/Transaction Does Not Exist" : "OK");
                return;
            case "PRACK": // RFC 3262: we send no reliable provisional responses, so none can be pending
                respond(tx, 481, "No reliable provisional response pending");
                return;
            default:
                SipResponse notAllowed = decorate(SipResponse.to(request, 405, "Method Not Allowed", localTag), path,
                        null);
                tx.respond(notAllowed);
        }
    }

    /** Whether a request's body holds an SDP offer (alone or as a multipart part). */
    static boolean carriesOffer(SipRequest request) {
        MediaType type = request.contentType();
        if (type == null || request.body().length == 0) {
            return false;
        }
        if (type.is("application/sdp")) {
            return true;
        }
        return type.type().equals("multipart")
                && new String(request.body(), java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT)
                        .contains("application/sdp");
    }

    /** §12.2.2: requests with a To tag need a dialog (481) and a CSeq above the last (500). */
    private boolean checkInDialog(SipRequest request, NameAddress to, Dialog dialog, ServerInvite invite,
                                  NonInviteServerTransaction tx) {
        if (to.tag() == null) {
            return true;
        }
        int code = 0;
        String reason = null;
        if (dialog == null) {
            code = 481;
            reason = "Call/Transaction Does Not Exist";
        } else if (!dialog.acceptCSeq(request.cseq().number())) {
            code = 500;
            reason = "CSeq out of order";
        }
        if (code == 0) {
            return true;
        }
        if (invite != null) {
            invite.reject(code, reason);
        } else {
            respond(tx, code, reason);
        }
        return false;
    }

    /** §8.2.2.3: option tags in Require that we do not support get 420 with Unsupported. */
    private boolean checkRequire(SipRequest request, ServerInvite invite, NonInviteServerTransaction tx) {
        List<String> unsupported = new ArrayList<>();
        for (String tag : request.headerElements(SipHeaders.REQUIRE)) {
            if (config.supported().stream().noneMatch(s -> s.equalsIgnoreCase(tag))) {
                unsupported.add(tag);
            }
        }
        if (unsupported.isEmpty()) {
            return true;
        }
        invite.reject(420, "Bad Extension", SipHeaders.UNSUPPORTED, String.join(", ", unsupported));
        return false;
    }

    private void onAckRequest(SipRequest ack, Via via, NameAddress to, NameAddress from) {
        ServerTransaction tx = transactions.get(transactionKey(ack, via, "INVITE"));
        if (tx instanceof ServerInvite invite && invite.lastStatus() >= 300) {
            invite.onAckForError();
            return;
        }
        if (to.tag() == null) {
            return;
        }
        Dialog dialog = dialogs.get(dialogKey(ack.callId(), to.tag(), from.tag()));
        if (dialog != null && dialog.onAck(ack.cseq().number())) {
            handler.onAck(dialog);
        }
    }

    private void onCancelRequest(SipRequest cancel, ReplyPath path, Via via, String key) {
        NonInviteServerTransaction tx = new NonInviteServerTransaction(this, key, cancel, path,
                cancel.to().tag() != null ? cancel.to().tag() : newTag());
        if (!register(key, tx)) {
            return;
        }
        ServerTransaction target = transactions.get(transactionKey(cancel, via, "INVITE"));
        if (!(target instanceof ServerInvite invite)) {
            respond(tx, 481, "Call/Transaction Does Not Exist");
            return;
        }
        // §9.2: the CANCEL gets 200 either way; it only has an effect before the final response
        SipResponse ok = decorate(SipResponse.to(cancel, 200, "OK", invite.localTag), path, null);
        tx.respond(ok);
        if (invite.cancel()) {
            handler.onCancel(invite);
        }
    }

    private void respond(NonInviteServerTransaction tx, int code, String reason) {
        tx.respond(decorate(SipResponse.to(tx.request, code, reason, tx.localTag), tx.path, null));
    }

    /**
     * Adds Server, Supported, Allow and, when {@code contactFor} is given (a 2xx to that
     * INVITE), our Contact; its Request-URI host stands in for a wildcard listening address.
     */
    SipResponse decorate(SipResponse r, ReplyPath path, SipRequest contactFor) {
        r.addHeader(SipHeaders.SERVER, config.serverHeader());
        if (!config.supported().isEmpty()) {
            r.addHeader(SipHeaders.SUPPORTED, String.join(", ", config.supported()));
        }
        int code = r.statusCode();
        if (code == 405 || (code >= 200 && code < 300)) {
            r.addHeader(SipHeaders.ALLOW, ALLOWED);
        }
        if (code == 415) {
            r.addHeader(SipHeaders.ACCEPT, config.accept());
        }
        if (contactFor != null) {
            r.addHeader(SipHeaders.CONTACT, contact(path, contactFor));
        }
        return r;
    }

    private String contact(ReplyPath path, SipRequest request) {
        InetSocketAddress local = path.local();
        String host = advertisedHost(path, request);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String transport = path.transport() == Transport.UDP ? "" : ";transport=" + path.transport().name()
                .toLowerCase(java.util.Locale.ROOT);
        return "<sip:srs@" + host + ":" + local.getPort() + transport + ">" + config.contactParams();
    }

    Dialog createDialog(ServerInvite invite) {
        SipRequest req = invite.request;
        List<String> contacts = req.headerElements(SipHeaders.CONTACT);
        String target = contacts.isEmpty() ? null : NameAddress.parse(contacts.get(0)).uri();
        String to = req.header(SipHeaders.TO);
        String localUri = req.to().tag() == null ? to + ";tag=" + invite.localTag : to;
        // §12.1.1: the UAS's route set is the Record-Route values, in order
        Dialog d = new Dialog(this, req.callId(), invite.localTag, req.from().tag(), target, req.cseq().number(),
                localUri, req.header(SipHeaders.FROM), req.headerElements("Record-Route"), invite.path);
        d.localHost = advertisedHost(invite.path, req);
        dialogs.put(d.key(), d);
        return d;
    }

    /** Sends a request in a dialog through a new client transaction (§12.2.1.1). Caller holds the dialog's lock. */
    java.util.concurrent.CompletableFuture<SipResponse> sendInDialog(SipRequest request, Dialog dialog) {
        ReplyPath path = dialog.path();
        String branch = Via.MAGIC_COOKIE + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String host = dialog.localHost.indexOf(':') >= 0 ? "[" + dialog.localHost + "]" : dialog.localHost;
        request.addHeader(SipHeaders.VIA, "SIP/2.0/" + path.transport().name() + " " + host + ":"
                + path.local().getPort() + ";branch=" + branch + ";rport");
        request.addHeader(SipHeaders.MAX_FORWARDS, "70");
        request.addHeader(SipHeaders.FROM, dialog.localUri());
        request.addHeader(SipHeaders.TO, dialog.remoteUri());
        request.addHeader(SipHeaders.CALL_ID, dialog.callId());
        request.addHeader(SipHeaders.CSEQ, dialog.nextLocalCSeq() + " " + request.method());
        for (String route : dialog.routeSet()) {
            request.addHeader("Route", route);
        }
        request.addHeader("User-Agent", config.serverHeader());
        ClientTransaction tx = new ClientTransaction(this, branch, request, path);
        clientTransactions.put(branch, tx);
        return tx.start();
    }

    /**
     * Adds the session timer headers to a 2xx for an INVITE or UPDATE and (re)arms the
     * dialog's timer (RFC 4028 §9).
     */
    void applySessionTimer(SipRequest request, SipResponse ok, Dialog dialog) {
        SessionTimer.Negotiated n = SessionTimer.negotiate(request, config.minSessionExpires());
        if (n == null) {
            return;
        }
        ok.addHeader("Session-Expires", n.interval() + ";refresher=" + (n.weRefresh() ? "uas" : "uac"));
        if (n.requireTimer()) {
            ok.addHeader(SipHeaders.REQUIRE, "timer");
        }
        dialog.armSessionTimer(n.interval(), n.weRefresh());
    }

    void removeClientTransaction(ClientTransaction tx) {
        clientTransactions.remove(tx.branch, tx);
    }

    /** Our host as the SRC sees it: the local address, or for a wildcard bind the configured or Request-URI host. */
    String advertisedHost(ReplyPath path, SipRequest request) {
        InetSocketAddress local = path.local();
        if (local.getAddress().isAnyLocalAddress()) {
            return config.contactHost() != null ? config.contactHost() : request.requestUriHost();
        }
        return local.getAddress().getHostAddress();
    }

    void removeDialog(Dialog d) {
        dialogs.remove(d.key());
    }

    void removeTransaction(ServerTransaction tx) {
        transactions.remove(tx.key, tx);
    }

    /** Number of live server transactions and dialogs (for tests and monitoring). */
    public int[] sizes() {
        return new int[] {transactions.size() + clientTransactions.size(), dialogs.size()};
    }

    SipHandler handler() {
        return handler;
    }

    long t1Millis() {
        return config.t1Millis();
    }

    long t2Millis() {
        return Math.min(8 * config.t1Millis(), 4000);
    }

    long t4Millis() {
        return Math.min(10 * config.t1Millis(), 5000);
    }

    /** Runs {@code task} once after a delay, on the timer task, with no lock held. */
    SipTimers.Timer schedule(Runnable task, long delayMillis) {
        return timers.schedule(task, delayMillis);
    }

    /** The server transaction a request belongs to, or null (tests). */
    ServerTransaction transaction(SipRequest request) {
        return transactions.get(transactionKey(request, request.topVia(), request.method()));
    }

    /** Runs this stack's timers on {@code timers} instead (tests drive them on a clock of their own). */
    void useTimers(SipTimers timers) {
        this.timers = timers;
    }

    /** How often the timer task runs: SIP's timers are 500 ms and more, so 10 ms is plenty. */
    static final long TIMER_RESOLUTION_MILLIS = 10;

    /**
     * Enters a new server transaction in the table; false (and the request is treated as a
     * retransmission) when another thread entered one under the same key first.
     */
    private boolean register(String key, ServerTransaction tx) {
        ServerTransaction raced = transactions.putIfAbsent(key, tx);
        if (raced != null) {
            raced.onRetransmission();
            return false;
        }
        return true;
    }

    /**
     * Server transaction key (§17.2.3): branch, sent-by and method, with ACK and CANCEL
     * looked up under INVITE. Requests without an RFC 3261 branch fall back to the RFC 2543
     * identifiers (Call-ID, From tag, CSeq number).
     */
    static String transactionKey(SipRequest r, Via via, String method) {
        String branch = via.branch();
        if (branch != null && branch.startsWith(Via.MAGIC_COOKIE)) {
            return branch + "|" + via.sentBy() + "|" + method;
        }
        return "2543|" + r.callId() + "|" + r.from().tag() + "|" + r.cseq().number() + "|" + via.sentBy() + "|"
                + method;
    }

    static String dialogKey(String callId, String localTag, String remoteTag) {
        return callId + "|" + localTag + "|" + remoteTag;
    }

    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | 0x100000000L);
    }
}
