package dev.siprec.sip;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.dialog.DialogLayer;
import dev.siprec.sip.message.MediaType;
import dev.siprec.sip.message.NameAddress;
import dev.siprec.sip.message.SipHeaders;
import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipParseException;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.message.Via;
import dev.siprec.sip.transaction.InviteServerTransaction;
import dev.siprec.sip.transaction.NonInviteServerTransaction;
import dev.siprec.sip.transaction.ServerTransaction;
import dev.siprec.sip.transaction.SipTimers;
import dev.siprec.sip.transaction.TransactionLayer;
import dev.siprec.sip.transport.ReplyPath;
import dev.siprec.sip.transport.SipTransport;
import dev.siprec.sip.transport.TlsSettings;
import dev.siprec.sip.transport.Transport;
import dev.siprec.sip.transport.TransportUser;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal SIP user agent server (RFC 3261) on Netty, layered as pjsip is, each layer
 * knowing only the one below: {@link SipTransport} (sockets, framing, parsing, connection
 * limits), {@link TransactionLayer} (server and client transactions, timers),
 * {@link DialogLayer} (dialogs, session timers) and this class, the UA core: it matches
 * requests to transactions and dialogs, answers OPTIONS, CANCEL, BYE, INFO and PRACK itself,
 * owes the errors a UAS owes (403, 405, 420, 422, 481, 500), and hands INVITEs and UPDATEs to
 * a {@link SipHandler}.
 *
 * <p>Threading: transports run on the given event loops. No lock spans layers: the tables are
 * concurrent maps, each transaction and each dialog guards its own state (a transaction's
 * lock before its dialog's when both are needed). Handler callbacks run with no lock held, on
 * an event loop or the timer task, and must not block.
 */
public final class SipStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipStack.class);
    private static final String ALLOWED = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, PRACK";

    private final Config config;
    private final SipHandler handler;
    private final EventLoopGroup group;
    private final SipTransport transport;
    private final TransactionLayer transactions;
    private final DialogLayer dialogs;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong errorsAnswered = new AtomicLong();

    /**
     * Stack settings.
     *
     * @param listen addresses to listen on, per transport
     * @param serverHeader value of the Server header in every response
     * @param supported option tags we support (Supported header; others in Require get 420)
     * @param accept body types we take (Accept header of OPTIONS and 415 responses)
     * @param contactUser the user part of our Contact (e.g. {@code srs}), or null for none
     * @param contactParams parameters appended to our Contact in 2xx to INVITE (e.g. {@code ;+sip.srs})
     * @param contactHost host to put in our Contact when the listening address is a wildcard, or null
     * @param t1Millis RFC 3261 T1 (500 ms); T2 = 8*T1 capped at 4 s, T4 = 10*T1 capped at 5 s
     * @param minSessionExpires the smallest Session-Expires we accept (RFC 4028 Min-SE, >= 90 s
     *     in production), in seconds
     * @param tls certificate settings for the TLS listeners, or null when there are none
     */
    public record Config(Map<Transport, List<InetSocketAddress>> listen, String serverHeader, List<String> supported,
                         String accept, String contactUser, String contactParams, String contactHost, long t1Millis,
                         int minSessionExpires, TlsSettings tls, int maxConnections, int maxConnectionsPerAddress,
                         long connectionIdleMillis) {

        /** With the default connection limits: 10,000 at once, 200 from one address, 120 s idle. */
        public Config(Map<Transport, List<InetSocketAddress>> listen, String serverHeader, List<String> supported,
                      String accept, String contactUser, String contactParams, String contactHost, long t1Millis,
                      int minSessionExpires, TlsSettings tls) {
            this(listen, serverHeader, supported, accept, contactUser, contactParams, contactHost, t1Millis, minSessionExpires,
                    tls,
                    10_000, 200, 120_000);
        }
    }

    /** A stack with these settings, on {@code group}, calling {@code handler}. Call {@link #start()}. */
    public SipStack(Config config, EventLoopGroup group, SipHandler handler) {
        this.config = config;
        this.group = group;
        this.handler = handler;
        this.transport = new SipTransport(new SipTransport.Settings(config.listen(), config.tls(),
                config.maxConnections(), config.maxConnectionsPerAddress(), config.connectionIdleMillis()),
                group, new Receiver());
        this.transactions = new TransactionLayer(config.t1Millis());
        this.dialogs = new DialogLayer(transactions, config.serverHeader(), config.minSessionExpires(),
                new DialogLayer.Listener() {
                    @Override
                    public void onAckTimeout(Dialog dialog) {
                        handler.onAckTimeout(dialog);
                    }

                    @Override
                    public void onSessionExpired(Dialog dialog) {
                        handler.onSessionExpired(dialog);
                    }
                });
    }

    /** Binds every listening address; throws when one cannot be bound or TLS is misconfigured. */
    public void start() throws InterruptedException {
        transactions.start(group.next());
        transport.start();
    }

    /** The addresses actually bound for a transport (ports resolved when 0 was asked for). */
    public List<InetSocketAddress> boundAddresses(Transport transport) {
        return this.transport.boundAddresses(transport);
    }

    /** Whether the sockets run on Netty's native epoll transport (else the JDK's NIO). */
    public boolean nativeTransport() {
        return transport.nativeTransport();
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
        transport.close();
        transactions.close();
        dialogs.close();
    }

    /** TCP/TLS connections closed on accept because a connection limit was reached, since start. */
    public long connectionsRefused() {
        return transport.connectionsRefused();
    }

    /** TCP/TLS connections closed because they stayed idle without a dialog, since start. */
    public long connectionsClosedIdle() {
        return transport.connectionsClosedIdle();
    }

    /** TCP/TLS connections open now. */
    public int connectionsOpen() {
        return transport.connectionsOpen();
    }

    /** What the transport hands up: messages, parse failures, drops. */
    private final class Receiver implements TransportUser {
        @Override
        public void onMessage(SipMessage message, ReplyPath path) {
            SipStack.this.onMessage(message, path);
        }

        @Override
        public void onParseError(SipParseException error, ReplyPath path) {
            SipStack.this.onParseError(error, path);
        }

        @Override
        public void onDropped(String why) {
            countDropped(why);
        }

        @Override
        public boolean carriesDialog(ReplyPath connection) {
            return dialogs.carries(connection);
        }

        @Override
        public void onFatalError(Throwable cause) {
            handler.onFatalError(cause);
        }
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
        sendStateless(path, r);
    }

    /** A response outside any transaction (malformed or refused requests), counted. */
    private void sendStateless(ReplyPath path, SipResponse response) {
        transactions.counters().responseSent(response.statusCode());
        path.send(response);
    }

    /** What this stack received and sent, since start. */
    public dev.siprec.sip.transaction.SipCounters counters() {
        return transactions.counters();
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
                sendStateless(path, decorate(SipResponse.to(r, 403, "Forbidden: source address not allowed", newTag()), path,
                        null));
            }
            return;
        }
        if (message instanceof SipResponse response) {
            transactions.onResponse(response); // anything unmatched is a stray (or came after completion)
            return;
        }
        SipRequest request = (SipRequest) message;
        try {
            onRequest(request, path);
        } catch (RuntimeException e) {
            log.error("failure handling {} from {}", request.method(), path.remote(), e);
            sendStateless(path, decorate(SipResponse.to(request, 500, "Server Internal Error", newTag()), path, null));
        }
    }

    private void onRequest(SipRequest request, ReplyPath path) {
        String method = request.method();
        Via via = request.topVia();
        String branch = via.branch();
        NameAddress to = request.to();
        NameAddress from = request.from();
        if (method.equals("ACK")) {
            transactions.counters().requestReceived(method);
            onAckRequest(request, via, to, from);
            return;
        }
        String key = TransactionLayer.key(request, via, method);
        ServerTransaction existing = transactions.find(key);
        if (existing != null) {
            existing.onRetransmission(); // absorbed: never processed twice (§17.2.3)
            return;
        }
        transactions.counters().requestReceived(method);
        if (method.equals("CANCEL")) {
            onCancelRequest(request, path, via, key);
            return;
        }
        String localTag = to.tag() != null ? to.tag() : newTag();
        Dialog dialog = null;
        if (to.tag() != null) {
            dialog = dialogs.find(request.callId(), to.tag(), from.tag());
        }
        if (method.equals("INVITE")) {
            InviteServerTransaction tx = new InviteServerTransaction(transactions, key, request, path, localTag);
            if (!transactions.register(tx)) {
                return;
            }
            ServerInvite invite = new ServerInvite(this, tx, dialog);
            tx.transactionUser(invite);
            tx.provisional(decorate(SipResponse.to(request, 100, "Trying", null), path, null)); // §17.2.1
            if (!checkInDialog(request, to, dialog, invite, null) || !checkRequire(request, invite, null)) {
                return;
            }
            if (!dialogs.acceptableInterval(request)) {
                invite.reject(422, "Session Interval Too Small", SipHeaders.MIN_SE,
                        Integer.toString(config.minSessionExpires()));
                return;
            }
            if (dialog != null) {
                if (!dialog.claimInvite(tx)) {
                    // §14.2: an INVITE while an earlier one in the dialog is unanswered
                    invite.reject(500, "Earlier INVITE still pending", SipHeaders.RETRY_AFTER,
                            Integer.toString(ThreadLocalRandom.current().nextInt(11)));
                    return;
                }
                handler.onReInvite(dialog, invite);
            } else {
                handler.onInvite(invite);
            }
            return;
        }
        NonInviteServerTransaction tx = new NonInviteServerTransaction(transactions, key, request, path, localTag);
        if (!transactions.register(tx)) {
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
                dialog.terminate();
                try {
                    // before the 200: once the SRC has it, the session is known to have ended by BYE
                    // (a shutdown right after must not overtake it)
                    handler.onBye(dialog, request);
                } finally {
                    respond(tx, 200, "OK");
                }
                return;
            case "OPTIONS":
                // outside a dialog it is a health probe (RFC 3261 §11): answer what we can take
                String unavailable = dialog == null ? handler.unavailable() : null;
                SipResponse ok = decorate(unavailable == null ? SipResponse.to(request, 200, "OK", localTag)
                        : SipResponse.to(request, 503, unavailable, localTag), path, null);
                ok.addHeader(SipHeaders.ACCEPT, config.accept());
                String load = handler.load();
                if (load != null) {
                    ok.addHeader(SipHeaders.X_SIPREC_LOAD, load);
                }
                if (unavailable != null) {
                    ok.addHeader(SipHeaders.RETRY_AFTER, "5");
                }
                tx.respond(ok);
                return;
            case "UPDATE": // RFC 3311: only inside a dialog
                if (dialog == null) {
                    respond(tx, 481, "Call/Transaction Does Not Exist");
                    return;
                }
                if (dialog.offerPending() && carriesOffer(request)) {
                    // RFC 3311 §5.2: an offer while the re-INVITE's offer is still unanswered
                    SipResponse busy = decorate(SipResponse.to(request, 500, "Earlier offer still pending", localTag),
                            path, null);
                    busy.addHeader(SipHeaders.RETRY_AFTER, Integer.toString(ThreadLocalRandom.current().nextInt(11)));
                    tx.respond(busy);
                    return;
                }
                if (!dialogs.acceptableInterval(request)) {
                    SipResponse small = decorate(SipResponse.to(request, 422, "Session Interval Too Small", localTag),
                            path, null);
                    small.addHeader(SipHeaders.MIN_SE, Integer.toString(config.minSessionExpires()));
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
        ServerTransaction tx = transactions.find(TransactionLayer.key(ack, via, "INVITE"));
        if (tx instanceof InviteServerTransaction invite && invite.lastStatus() >= 300) {
            invite.onAckForError();
            return;
        }
        if (to.tag() == null) {
            return;
        }
        Dialog dialog = dialogs.find(ack.callId(), to.tag(), from.tag());
        if (dialog != null && dialog.onAck(ack.cseq().number())) {
            handler.onAck(dialog, ack);
        }
    }

    private void onCancelRequest(SipRequest cancel, ReplyPath path, Via via, String key) {
        NonInviteServerTransaction tx = new NonInviteServerTransaction(transactions, key, cancel, path,
                cancel.to().tag() != null ? cancel.to().tag() : newTag());
        if (!transactions.register(tx)) {
            return;
        }
        ServerTransaction target = transactions.find(TransactionLayer.key(cancel, via, "INVITE"));
        if (!(target instanceof InviteServerTransaction invite)) {
            respond(tx, 481, "Call/Transaction Does Not Exist");
            return;
        }
        // §9.2: the CANCEL gets 200 either way; it only has an effect before the final response
        tx.respond(decorate(SipResponse.to(cancel, 200, "OK", invite.localTag()), path, null));
        SipResponse terminated = decorate(SipResponse.to(invite.request(), 487, "Request Terminated",
                invite.localTag()), invite.path(), null);
        if (invite.cancel(terminated) && invite.transactionUser() instanceof ServerInvite user) {
            handler.onCancel(user);
        }
    }

    private void respond(NonInviteServerTransaction tx, int code, String reason) {
        tx.respond(decorate(SipResponse.to(tx.request(), code, reason, tx.localTag()), tx.path(), null));
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
        String user = config.contactUser() == null ? "" : config.contactUser() + "@";
        return "<sip:" + user + host + ":" + local.getPort() + transport + ">" + config.contactParams();
    }

    /** Our host as the SRC sees it: the local address, or for a wildcard bind the configured or Request-URI host. */
    String advertisedHost(ReplyPath path, SipRequest request) {
        InetSocketAddress local = path.local();
        if (local.getAddress().isAnyLocalAddress()) {
            return config.contactHost() != null ? config.contactHost() : request.requestUriHost();
        }
        return local.getAddress().getHostAddress();
    }

    Dialog createDialog(InviteServerTransaction invite) {
        return dialogs.create(invite, advertisedHost(invite.path(), invite.request()));
    }

    DialogLayer dialogs() {
        return dialogs;
    }

    /** Live transactions and dialogs (for tests and monitoring). */
    public int[] sizes() {
        return new int[] {transactions.size(), dialogs.size()};
    }

    /** Runs this stack's timers on {@code timers} instead (tests drive them on a clock of their own). */
    void useTimers(SipTimers timers) {
        transactions.useTimers(timers);
    }

    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | 0x100000000L);
    }
}
