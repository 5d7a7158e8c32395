package dev.siprec.sip;

import io.netty.util.concurrent.ScheduledFuture;

/** State shared by INVITE and non-INVITE server transactions (RFC 3261 §17.2). Guarded by the stack lock. */
abstract class ServerTransaction {

    final SipStack stack;
    final String key;
    final SipRequest request;
    final ReplyPath path;
    final String localTag;
    SipResponse lastResponse;
    boolean terminated;
    private ScheduledFuture<?> retransmitTimer;
    private ScheduledFuture<?> endTimer;

    ServerTransaction(SipStack stack, String key, SipRequest request, ReplyPath path, String localTag) {
        this.stack = stack;
        this.key = key;
        this.request = request;
        this.path = path;
        this.localTag = localTag;
    }

    boolean hasFinalResponse() {
        return lastResponse != null && lastResponse.statusCode() >= 200;
    }

    /** A retransmitted request: answer with the last response, if there is one (§17.2.1, §17.2.2). */
    void onRetransmission() {
        if (lastResponse != null) {
            path.send(lastResponse);
        }
    }

    void send(SipResponse response) {
        lastResponse = response;
        path.send(response);
    }

    /** Retransmits the last response at T1, 2*T1, ... capped at T2 while {@code keepGoing} holds. */
    void startRetransmitting() {
        scheduleRetransmit(stack.t1Millis());
    }

    private void scheduleRetransmit(long delay) {
        retransmitTimer = stack.schedule(() -> {
            if (terminated || !retransmitWanted()) {
                return;
            }
            path.send(lastResponse);
            scheduleRetransmit(Math.min(delay * 2, stack.t2Millis()));
        }, delay);
    }

    boolean retransmitWanted() {
        return false;
    }

    void stopRetransmitting() {
        if (retransmitTimer != null) {
            retransmitTimer.cancel(false);
            retransmitTimer = null;
        }
    }

    /** Removes the transaction after {@code delayMillis} (0 = now). */
    void terminateAfter(long delayMillis) {
        if (endTimer != null) {
            endTimer.cancel(false);
        }
        if (delayMillis <= 0) {
            terminate();
        } else {
            endTimer = stack.schedule(this::terminate, delayMillis);
        }
    }

    void terminate() {
        if (!terminated) {
            terminated = true;
            stopRetransmitting();
            stack.removeTransaction(this);
        }
    }
}
