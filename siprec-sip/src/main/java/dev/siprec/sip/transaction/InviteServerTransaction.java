package dev.siprec.sip.transaction;

import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.ReplyPath;
import java.util.function.Supplier;

/**
 * An INVITE server transaction (RFC 3261 §17.2.1, with RFC 6026's Accepted state): answers
 * exactly once; a non-2xx final response is retransmitted until its ACK (Timer G), then ACKs
 * are absorbed for T4 (Timer I); after a 2xx the transaction stays 64*T1 to answer INVITE
 * retransmissions with it (the 2xx's own retransmission until ACK is the dialog's, §13.3.1.4).
 * Guarded by its own monitor.
 */
public final class InviteServerTransaction extends ServerTransaction {

    private boolean cancelled; // guarded by this
    private volatile Object transactionUser;

    /** A transaction for {@code invite} under {@code key} (see {@link TransactionLayer#key}); register it. */
    public InviteServerTransaction(TransactionLayer layer, String key, SipRequest invite, ReplyPath path,
                                   String localTag) {
        super(layer, key, invite, path, localTag);
    }

    /** The transaction user's own handle for this INVITE (RFC 3261's TU), or null. */
    public Object transactionUser() {
        return transactionUser;
    }

    /** Sets the transaction user's handle, before the transaction can be cancelled. */
    public void transactionUser(Object handle) {
        this.transactionUser = handle;
    }

    /** Whether a CANCEL ended this transaction before it was answered. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Sends a provisional response; ignored once answered. */
    public synchronized void provisional(SipResponse response) {
        if (!hasFinalResponse() && !isTerminated()) {
            send(response);
        }
    }

    /**
     * Sends the 2xx that {@code answer} encodes, built under this transaction's lock (so that
     * no other final response can overtake it; whatever the builder locks comes after this).
     *
     * @return false, without calling {@code answer}, when already answered or ended
     */
    public synchronized boolean accept(Supplier<byte[]> answer) {
        if (hasFinalResponse() || isTerminated()) {
            return false;
        }
        send(answer.get(), 200);
        terminateAfter(64 * layer.t1Millis()); // RFC 6026 Accepted: absorb INVITE retransmissions
        return true;
    }

    /** Sends a final error response; false when already answered or ended. */
    public synchronized boolean reject(SipResponse response) {
        if (hasFinalResponse() || isTerminated()) {
            return false;
        }
        sendFinalError(response);
        return true;
    }

    /** Sends a non-2xx final response and runs Timers G and H (§17.2.1). Caller holds the lock. */
    private void sendFinalError(SipResponse r) {
        send(r);
        if (!path.transport().reliable()) {
            startRetransmitting();
        }
        terminateAfter(64 * layer.t1Millis()); // Timer H
    }

    @Override
    boolean retransmitWanted() {
        return lastStatus() >= 300;
    }

    /** The ACK for our non-2xx final response: stop Timer G, absorb ACKs for Timer I (§17.2.1). */
    public synchronized void onAckForError() {
        stopRetransmitting();
        terminateAfter(path.transport().reliable() ? 0 : layer.t4Millis());
    }

    /** A CANCEL matched: answers {@code requestTerminated} (487) when not yet answered (§9.2). */
    public synchronized boolean cancel(SipResponse requestTerminated) {
        if (hasFinalResponse()) {
            return false;
        }
        cancelled = true;
        sendFinalError(requestTerminated);
        return true;
    }
}
