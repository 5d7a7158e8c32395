package dev.siprec.sip.transaction;

import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.ReplyPath;

/**
 * State shared by INVITE and non-INVITE server transactions (RFC 3261 §17.2). Each
 * transaction guards its own state with its monitor; no lock is held across transactions.
 * The last response is kept encoded, ready for retransmission.
 */
public abstract sealed class ServerTransaction permits InviteServerTransaction, NonInviteServerTransaction {

    final TransactionLayer layer;
    final String key;
    final SipRequest request;
    final ReplyPath path;
    final String localTag;
    private volatile int lastStatus; // 0 until a response was sent
    private byte[] lastBytes;
    private volatile boolean terminated;
    private SipTimers.Timer retransmitTimer;
    private SipTimers.Timer endTimer;

    ServerTransaction(TransactionLayer layer, String key, SipRequest request, ReplyPath path, String localTag) {
        this.layer = layer;
        this.key = key;
        this.request = request;
        this.path = path;
        this.localTag = localTag;
    }

    /** The request that began the transaction. */
    public SipRequest request() {
        return request;
    }

    /** Where its responses go. */
    public ReplyPath path() {
        return path;
    }

    /** The To tag of our responses (the request's own, in a dialog). */
    public String localTag() {
        return localTag;
    }

    /** Whether a final response has been sent (readable without the lock). */
    public boolean hasFinalResponse() {
        return lastStatus >= 200;
    }

    /** The status of the last response sent, 0 when none. */
    public int lastStatus() {
        return lastStatus;
    }

    /** Whether the transaction has ended and left the table. */
    public boolean isTerminated() {
        return terminated;
    }

    /** A retransmitted request: answer with the last response, if there is one (§17.2.1, §17.2.2). */
    public void onRetransmission() {
        byte[] bytes;
        synchronized (this) {
            bytes = lastBytes;
        }
        layer.counters().retransmissionReceived();
        if (bytes != null) {
            path.send(bytes);
        }
    }

    /** Sends a response and keeps it for retransmissions. Caller holds this transaction's lock. */
    public void send(SipResponse response) {
        send(response.encode(), response.statusCode());
    }

    /** Sends an encoded response with this status and keeps it. Caller holds this transaction's lock. */
    public void send(byte[] bytes, int status) {
        layer.counters().responseSent(status);
        lastBytes = bytes;
        lastStatus = status;
        path.send(bytes);
    }

    /** Retransmits the last response at T1, 2*T1, ... capped at T2 (Timer G). Caller holds the lock. */
    void startRetransmitting() {
        scheduleRetransmit(layer.t1Millis());
    }

    private void scheduleRetransmit(long delay) {
        retransmitTimer = layer.schedule(() -> {
            byte[] bytes;
            synchronized (this) {
                if (terminated || !retransmitWanted()) {
                    return;
                }
                bytes = lastBytes;
                scheduleRetransmit(Math.min(delay * 2, layer.t2Millis()));
            }
            layer.counters().retransmissionSent();
            path.send(bytes);
        }, delay);
    }

    boolean retransmitWanted() {
        return false;
    }

    /** Caller holds the lock. */
    void stopRetransmitting() {
        if (retransmitTimer != null) {
            retransmitTimer.cancel();
            retransmitTimer = null;
        }
    }

    /** Removes the transaction after {@code delayMillis} (0 = now). Caller holds the lock. */
    public void terminateAfter(long delayMillis) {
        if (endTimer != null) {
            endTimer.cancel();
        }
        if (delayMillis <= 0) {
            terminateLocked();
        } else {
            endTimer = layer.schedule(this::terminate, delayMillis);
        }
    }

    /** Ends the transaction: stops its timers and forgets it. Idempotent. */
    public void terminate() {
        synchronized (this) {
            terminateLocked();
        }
    }

    private void terminateLocked() {
        if (!terminated) {
            terminated = true;
            stopRetransmitting();
            if (endTimer != null) {
                endTimer.cancel();
                endTimer = null;
            }
            layer.remove(this);
        }
    }
}
