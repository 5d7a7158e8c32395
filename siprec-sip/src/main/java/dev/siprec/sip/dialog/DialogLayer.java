package dev.siprec.sip.dialog;

import dev.siprec.sip.message.NameAddress;
import dev.siprec.sip.message.SipHeaders;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.message.Via;
import dev.siprec.sip.transaction.InviteServerTransaction;
import dev.siprec.sip.transaction.TransactionLayer;
import dev.siprec.sip.transport.ReplyPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The dialog layer (RFC 3261 §12): the table of dialogs our 2xx responses created, the
 * requests we send in them (through the {@link TransactionLayer} below), and session timers
 * (RFC 4028). Each {@link Dialog} locks itself; the table is a concurrent map.
 */
public final class DialogLayer implements AutoCloseable {

    /** What the layer above hears of a dialog that ends on its own. Called with no lock held. */
    public interface Listener {
        /** No ACK came for our 2xx within 64*T1 (§13.3.1.4); the dialog has been forgotten. */
        void onAckTimeout(Dialog dialog);

        /** The session timer ran out (RFC 4028 §10); the dialog is still there, to send BYE in. */
        void onSessionExpired(Dialog dialog);
    }

    private final TransactionLayer transactions;
    private final String userAgent;
    private final int minSessionExpires;
    private final Listener listener;
    private final Map<String, Dialog> dialogs = new ConcurrentHashMap<>();

    /**
     * A dialog layer over {@code transactions}.
     *
     * @param userAgent the User-Agent of the requests we send
     * @param minSessionExpires the smallest Session-Expires we accept (RFC 4028 Min-SE), in seconds
     */
    public DialogLayer(TransactionLayer transactions, String userAgent, int minSessionExpires, Listener listener) {
        this.transactions = transactions;
        this.userAgent = userAgent;
        this.minSessionExpires = minSessionExpires;
        this.listener = listener;
    }

    TransactionLayer transactions() {
        return transactions;
    }

    Listener listener() {
        return listener;
    }

    /**
     * The dialog a 2xx to {@code invite} creates (§12.1.1): the remote target from its
     * Contact, the route set from its Record-Route, our tag the transaction's.
     *
     * @param localHost our host as the SRC addresses us, for the Via of our requests
     */
    public Dialog create(InviteServerTransaction invite, String localHost) {
        SipRequest req = invite.request();
        List<String> contacts = req.headerElements(SipHeaders.CONTACT);
        String target = contacts.isEmpty() ? null : NameAddress.parse(contacts.get(0)).uri();
        String to = req.header(SipHeaders.TO);
        String localUri = req.to().tag() == null ? to + ";tag=" + invite.localTag() : to;
        Dialog d = new Dialog(this, req.callId(), invite.localTag(), req.from().tag(), target, req.cseq().number(),
                localUri, req.header(SipHeaders.FROM), req.headerElements("Record-Route"), invite.path(), localHost);
        dialogs.put(d.key(), d);
        return d;
    }

    /** The dialog a request with these identifiers belongs to, or null. */
    public Dialog find(String callId, String localTag, String remoteTag) {
        return dialogs.get(key(callId, localTag, remoteTag));
    }

    void remove(Dialog d) {
        dialogs.remove(d.key(), d);
    }

    /** Whether a dialog still uses this TCP or TLS connection. */
    public boolean carries(ReplyPath connection) {
        for (Dialog d : dialogs.values()) {
            if (d.path().sameConnection(connection)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a request's Session-Expires, if any, is at least our Min-SE (else it gets 422). */
    public boolean acceptableInterval(SipRequest request) {
        return SessionTimer.acceptable(request, minSessionExpires);
    }

    /** Our Min-SE, in seconds. */
    public int minSessionExpires() {
        return minSessionExpires;
    }

    /**
     * Adds the session timer headers to a 2xx for an INVITE or UPDATE and (re)arms the
     * dialog's timer (RFC 4028 §9).
     */
    public void applySessionTimer(SipRequest request, SipResponse ok, Dialog dialog) {
        SessionTimer.Negotiated n = SessionTimer.negotiate(request, minSessionExpires);
        if (n == null) {
            return;
        }
        ok.addHeader("Session-Expires", n.interval() + ";refresher=" + (n.weRefresh() ? "uas" : "uac"));
        if (n.requireTimer()) {
            ok.addHeader(SipHeaders.REQUIRE, "timer");
        }
        dialog.armSessionTimer(n.interval(), n.weRefresh());
    }

    /** Sends a request in a dialog through a new client transaction (§12.2.1.1). Caller holds the dialog's lock. */
    CompletableFuture<SipResponse> send(SipRequest request, Dialog dialog) {
        ReplyPath path = dialog.path();
        String branch = Via.MAGIC_COOKIE + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String host = dialog.localHost().indexOf(':') >= 0 ? "[" + dialog.localHost() + "]" : dialog.localHost();
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
        request.addHeader("User-Agent", userAgent);
        return transactions.send(request, branch, path);
    }

    /** Live dialogs (tests, monitoring). */
    public int size() {
        return dialogs.size();
    }

    /** Forgets every dialog (no BYEs are sent). */
    @Override
    public void close() {
        for (Dialog d : new ArrayList<>(dialogs.values())) {
            d.terminate();
        }
    }

    static String key(String callId, String localTag, String remoteTag) {
        return callId + "|" + localTag + "|" + remoteTag;
    }
}
