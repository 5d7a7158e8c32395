package dev.siprec.sip;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;

/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2), for the requests we send in a dialog
 * (BYE): retransmitted at T1 doubling to T2 on UDP (Timer E) until a response, given up after
 * 64*T1 (Timer F). Guarded by the stack lock.
 */
final class ClientTransaction {

    private final SipStack stack;
    final String branch;
    private final SipRequest request;
    private final ReplyPath path;
    private final CompletableFuture<SipResponse> result = new CompletableFuture<>();
    private ScheduledFuture<?> retransmit;
    private ScheduledFuture<?> timeout;
    private boolean provisional;

    ClientTransaction(SipStack stack, String branch, SipRequest request, ReplyPath path) {
        this.stack = stack;
        this.branch = branch;
        this.request = request;
        this.path = path;
    }

    /** Sends the request; completes with the final response, or a local 408 when none came (§8.1.3.1). */
    CompletableFuture<SipResponse> start() {
        path.send(request);
        if (!path.transport().reliable()) {
            scheduleRetransmit(stack.t1Millis());
        }
        timeout = stack.schedule(() -> finish(SipResponse.to(request, 408, "Request Timeout", null)),
                64 * stack.t1Millis()); // Timer F
        return result;
    }

    private void scheduleRetransmit(long delay) {
        retransmit = stack.schedule(() -> {
            if (result.isDone()) {
                return;
            }
            path.send(request);
            // Timer E: doubling to T2; once a provisional came, every T2 (§17.1.2.2)
            scheduleRetransmit(provisional ? stack.t2Millis() : Math.min(2 * delay, stack.t2Millis()));
        }, delay);
    }

    void onResponse(SipResponse response) {
        if (response.statusCode() < 200) {
            provisional = true;
        } else {
            finish(response);
        }
    }

    private void finish(SipResponse response) {
        if (result.isDone()) {
            return;
        }
        if (retransmit != null) {
            retransmit.cancel(false);
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        stack.removeClientTransaction(this);
        result.complete(response);
    }
}
