package dev.siprec.sip;

import java.net.InetSocketAddress;

/**
 * An INVITE server transaction as the transaction user sees it (RFC 3261 §17.2.1): the
 * request, and the ways to answer it exactly once. Thread-safe: answers may come from any
 * thread.
 *
 * <p>Its state is guarded by its own monitor; answering takes no lock of the stack's.
 *
 * <p>A 2xx creates (or, for a re-INVITE, refreshes) the {@link Dialog} and is retransmitted
 * by the stack until the ACK arrives (§13.3.1.4); a non-2xx final response is retransmitted
 * by the transaction until its ACK (Timer G/H).
 */
public final class ServerInvite extends ServerTransaction {

    private final Dialog existingDialog;
    private boolean cancelled; // guarded by this
    private volatile Object attachment;

    ServerInvite(SipStack stack, String key, SipRequest request, ReplyPath path, String localTag,
                 Dialog existingDialog) {
        super(stack, key, request, path, localTag);
        this.existingDialog = existingDialog;
    }

    /** The INVITE. */
    public SipRequest request() {
        return request;
    }

    /** The transport it came over. */
    public Transport transport() {
        return path.transport();
    }

    /** The address it came from. */
    public InetSocketAddress remoteAddress() {
        return path.remote();
    }

    /** The local address it arrived on (may be a wildcard for UDP). */
    public InetSocketAddress localAddress() {
        return path.local();
    }

    /** Whether a CANCEL ended this transaction before it was answered. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Whether a final response has been sent. */
    public boolean isAnswered() {
        return hasFinalResponse();
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
        synchronized (this) {
            if (!hasFinalResponse() && !isTerminated()) {
                send(stack.decorate(SipResponse.to(request, statusCode, SipResponse.defaultReason(statusCode),
                        localTag), path, null));
            }
        }
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
        synchronized (this) { // then the dialog's lock, never the other way round
            if (hasFinalResponse() || isTerminated()) {
                return null;
            }
            SipResponse ok = stack.decorate(SipResponse.to(request, 200, "OK", localTag), path, request);
            ServerRequest.addHeaders(ok, extraHeaders);
            ok.setBody(contentType, body);
            Dialog dialog = existingDialog != null ? existingDialog : stack.createDialog(this);
            if (dialogAttachment != null) {
                dialog.attachment(dialogAttachment);
            }
            stack.applySessionTimer(request, ok, dialog);
            // the dialog waits for the ACK before the 2xx leaves: the ACK may come in on another
            // event loop at once, and must find it waiting
            byte[] encoded = dialog.startAwaitingAck(ok, path, request.cseq().number());
            send(encoded, 200);
            // RFC 6026 "Accepted": keep the transaction to answer INVITE retransmissions with the 2xx
            terminateAfter(64 * stack.t1Millis());
            return dialog;
        }
    }

    /**
     * Answers with a final error response.
     *
     * @param extraHeaders name/value pairs added to the response (e.g. Accept, Warning, Unsupported)
     * @return false when the transaction was already answered
     */
    public boolean reject(int statusCode, String reason, String... extraHeaders) {
        synchronized (this) {
            if (hasFinalResponse() || isTerminated()) {
                return false;
            }
            SipResponse r = stack.decorate(SipResponse.to(request, statusCode, reason, localTag), path, null);
            ServerRequest.addHeaders(r, extraHeaders);
            sendFinalError(r);
            return true;
        }
    }

    /** Sends a non-2xx final response and runs Timers G and H (§17.2.1). Caller holds this one's lock. */
    void sendFinalError(SipResponse r) {
        send(r);
        if (!path.transport().reliable()) {
            startRetransmitting();
        }
        terminateAfter(64 * stack.t1Millis()); // Timer H
    }

    @Override
    boolean retransmitWanted() {
        return lastStatus() >= 300;
    }

    /** The ACK for our non-2xx final response: stop Timer G, absorb ACKs for Timer I (§17.2.1). */
    synchronized void onAckForError() {
        stopRetransmitting();
        terminateAfter(path.transport().reliable() ? 0 : stack.t4Millis());
    }

    /** CANCEL matched this transaction: 487 when not yet answered (§9.2). */
    synchronized boolean cancel() {
        if (hasFinalResponse()) {
            return false;
        }
        cancelled = true;
        sendFinalError(stack.decorate(SipResponse.to(request, 487, "Request Terminated", localTag), path, null));
        return true;
    }

    Dialog existingDialog() {
        return existingDialog;
    }
}
