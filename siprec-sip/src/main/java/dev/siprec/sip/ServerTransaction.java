package dev.siprec.sip;

/**
 * State shared by INVITE and non-INVITE server transactions (RFC 3261 §17.2). Each
 * transaction guards its own state with its monitor; the stack holds no lock across
 * transactions. The last response is kept encoded, ready for retransmission.
 */
abstract class ServerTransaction {

    final SipStack stack;
    final String key;
    final SipRequest request;
    final ReplyPath path;
    final String localTag;
    private volatile int lastStatus; // 0 until a response was sent
    private byte[] lastBytes;
    private volatile boolean terminated;
    private SipTimers.Timer retransmitTimer;
    private SipTimers.Timer endTimer;

    ServerTransaction(SipStack stack, String key, SipRequest request, ReplyPath path, String localTag) {
        this.stack = stack;
        this.key = key;
        this.request = request;
        this.path = path;
        this.localTag = localTag;
    }

    /** Whether a final response has been sent (readable without the lock). */
    boolean hasFinalResponse() {
        return lastStatus >= 200;
    }

    /** The status of the last response sent, 0 when none. */
    int lastStatus() {
        return lastStatus;
    }

    boolean isTerminated() {
        return terminated;
    }

    /** A retransmitted request: answer with the last response, if there is one (§17.2.1, §17.2.2). */
    void onRetransmission() {
        byte[] bytes;
        synchronized (this) {
            bytes = lastBytes;
        }
        if (bytes != null) {
            path.send(bytes);
        }
    }

    /** Sends a response and keeps it for retransmissions. Caller holds this transaction's lock. */
    void send(SipResponse response) {
        send(response.encode(), response.statusCode());
    }

    /** Sends an encoded response with this status and keeps it. Caller holds this transaction's lock. */
    void send(byte[] bytes, int status) {
        lastBytes = bytes;
        lastStatus = status;
        path.send(bytes);
    }

    /** Retransmits the last response at T1, 2*T1, ... capped at T2 (Timer G). Caller holds the lock. */
    void startRetransmitting() {
        scheduleRetransmit(stack.t1Millis());
    }

    private void scheduleRetransmit(long delay) {
        retransmitTimer = stack.schedule(() -> {
            byte[] bytes;
            synchronized (this) {
                if (terminated || !retransmitWanted()) {
                    return;
                }
                bytes = lastBytes;
                scheduleRetransmit(Math.min(delay * 2, stack.t2Millis()));
            }
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
    void terminateAfter(long delayMillis) {
        if (endTimer != null) {
            endTimer.cancel();
        }
        if (delayMillis <= 0) {
            terminateLocked();
        } else {
            endTimer = stack.schedule(this::terminate, delayMillis);
        }
    }

    /** Ends the transaction: stops its timers and forgets it. Idempotent. */
    void terminate() {
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
            stack.removeTransaction(this);
        }
    }
}
