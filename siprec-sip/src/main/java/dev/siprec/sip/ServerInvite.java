package dev.siprec.sip;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transaction.InviteServerTransaction;
import dev.siprec.sip.transport.Transport;
import java.net.InetSocketAddress;

/**
 * An INVITE as the transaction user sees it: the request, and the ways to answer it exactly
 * once. Thread-safe: answers may come from any thread.
 *
 * <p>A 2xx creates (or, for a re-INVITE, refreshes) the {@link Dialog}, which retransmits it
 * until the ACK arrives (RFC 3261 §13.3.1.4); a non-2xx final response is retransmitted by the
 * {@link InviteServerTransaction} until its ACK (Timer G/H). The UA core adds what every
 * response of ours carries (Server, Supported, Allow, our Contact on a 2xx).
 */
public final class ServerInvite {

    private final SipStack stack;
    private final InviteServerTransaction tx;
    private final Dialog existingDialog;
    private volatile Object attachment;

    ServerInvite(SipStack stack, InviteServerTransaction tx, Dialog existingDialog) {
        this.stack = stack;
        this.tx = tx;
        this.existingDialog = existingDialog;
    }

    InviteServerTransaction transaction() {
        return tx;
    }

    /** The INVITE. */
    public SipRequest request() {
        return tx.request();
    }

    /** The transport it came over. */
    public Transport transport() {
        return tx.path().transport();
    }

    /** The address it came from. */
    public InetSocketAddress remoteAddress() {
        return tx.path().remote();
    }

    /** The local address it arrived on (may be a wildcard for UDP). */
    public InetSocketAddress localAddress() {
        return tx.path().local();
    }

    /** Whether a CANCEL ended this transaction before it was answered. */
    public boolean isCancelled() {
        return tx.isCancelled();
    }

    /** Whether a final response has been sent. */
    public boolean isAnswered() {
        return tx.hasFinalResponse();
    }

    /** Application state carried with this transaction. */
    public Object attachment() {
        return attachment;
    }

    /** Attaches application state. */
    public void attachment(Object value) {
        this.attachment = value;
    }

    /** Sends a provisional response (101..199); ignored once answered. */
    public void provisional(int statusCode) {
        tx.provisional(stack.decorate(SipResponse.to(tx.request(), statusCode, SipResponse.defaultReason(statusCode),
                tx.localTag()), tx.path(), null));
    }

    /**
     * Answers 200 OK with a body (the SDP answer) and our Contact.
     *
     * @return the dialog, or {@code null} when the transaction was already answered or cancelled
     */
    public Dialog accept(String contentType, byte[] body) {
        return accept(contentType, body, null);
    }

    /**
     * As {@link #accept(String, byte[])}, attaching {@code dialogAttachment} to the dialog
     * before the 2xx is sent, so that an ACK or BYE racing in finds it (a null leaves the
     * dialog's attachment as it is).
     */
    public Dialog accept(String contentType, byte[] body, Object dialogAttachment) {
        return accept(contentType, body, dialogAttachment, new String[0]);
    }

    /**
     * As {@link #accept(String, byte[], Object)}, with extra headers (name/value pairs) on the
     * 2xx, e.g. Session-Expires and Require for session timers (RFC 4028 §9).
     */
    public Dialog accept(String contentType, byte[] body, Object dialogAttachment, String... extraHeaders) {
        Dialog[] dialog = new Dialog[1];
        boolean sent = tx.accept(() -> { // under the transaction's lock, then the dialog's
            SipRequest request = tx.request();
            SipResponse ok = stack.decorate(SipResponse.to(request, 200, "OK", tx.localTag()), tx.path(), request);
            ServerRequest.addHeaders(ok, extraHeaders);
            ok.setBody(contentType, body);
            Dialog d = existingDialog != null ? existingDialog : stack.createDialog(tx);
            if (dialogAttachment != null) {
                d.attachment(dialogAttachment);
            }
            stack.dialogs().applySessionTimer(request, ok, d);
            dialog[0] = d;
            // the dialog waits for the ACK before the 2xx leaves: the ACK may come in on another
            // event loop at once, and must find it waiting
            return d.startAwaitingAck(ok, tx.path(), request.cseq().number());
        });
        return sent ? dialog[0] : null;
    }

    /**
     * Answers with a final error response.
     *
     * @param extraHeaders name/value pairs added to the response (e.g. Accept, Warning, Unsupported)
     * @return false when the transaction was already answered
     */
    public boolean reject(int statusCode, String reason, String... extraHeaders) {
        SipResponse r = stack.decorate(SipResponse.to(tx.request(), statusCode, reason, tx.localTag()), tx.path(),
                null);
        ServerRequest.addHeaders(r, extraHeaders);
        return tx.reject(r);
    }
}
