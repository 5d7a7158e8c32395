package dev.siprec.sip;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.SipRequest;

/**
 * The transaction user on top of {@link SipStack}: receives what a UAS must decide on.
 * Retransmissions, ACK matching, CANCEL, OPTIONS, out-of-dialog and out-of-order requests
 * are answered by the stack itself. Callbacks run on a Netty event loop and must not block.
 */
public interface SipHandler {

    /**
     * An error the process cannot recover from (out of memory, a stack overflow) reached a SIP
     * socket's handler: the transaction user should stop the server rather than leave it
     * running deaf.
     */
    default void onFatalError(Throwable cause) {
    }

    /** A new INVITE outside any dialog; 100 Trying has been sent. Answer it through {@code invite}. */
    void onInvite(ServerInvite invite);

    /** An INVITE inside {@code dialog} (a re-INVITE); answer it through {@code invite}. */
    void onReInvite(Dialog dialog, ServerInvite invite);

    /**
     * An UPDATE inside {@code dialog} (RFC 3311): a new offer, new metadata, or a session
     * refresh. Answer it through {@code update}.
     */
    void onUpdate(Dialog dialog, ServerRequest update);

    /** The ACK for our 2xx arrived: the dialog is confirmed. Called once per dialog. */
    void onAck(Dialog dialog);

    /**
     * As {@link #onAck(Dialog)}, with the ACK itself: after a 2xx that carried our offer (the
     * INVITE had none, RFC 3261 §13.2.1), the ACK carries the answer. By default calls
     * {@link #onAck(Dialog)}.
     */
    default void onAck(Dialog dialog, SipRequest ack) {
        onAck(dialog);
    }

    /** A BYE ended {@code dialog}; its 200 OK goes out when this returns (keep it short). */
    void onBye(Dialog dialog, SipRequest bye);

    /** The SRC cancelled {@code invite} before we answered; 200 (CANCEL) and 487 (INVITE) have been sent. */
    void onCancel(ServerInvite invite);

    /** No ACK came for our 2xx within 64*T1 (RFC 3261 §13.3.1.4): the session should end. */
    void onAckTimeout(Dialog dialog);

    /**
     * The session timer ran out (RFC 4028 §10): no refresh came in time, or our own refresh
     * failed. The dialog is still there, so that the handler can send BYE.
     */
    void onSessionExpired(Dialog dialog);

    /**
     * Whether this UAS can take new sessions, asked for each OPTIONS outside a dialog (an SBC's
     * health probe of its SRS group): {@code null} to answer 200 OK, or the reason phrase of a
     * 503 (draining, over a limit), so that the SBC sends its next calls elsewhere.
     */
    default String unavailable() {
        return null;
    }

    /**
     * The load to report in the {@code X-Siprec-Load} header of an OPTIONS answer (for example
     * {@code sessions=12;max=1000}), or {@code null} for none.
     */
    default String load() {
        return null;
    }
}
