package dev.siprec.sip.transaction;

import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.ReplyPath;

import java.util.concurrent.CompletableFuture;

/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2), for the requests we send in a dialog
 * (BYE, UPDATE): retransmitted at T1 doubling to T2 on UDP (Timer E) until a response, given
 * up after 64*T1 (Timer F). Guarded by its own monitor; its future completes with no lock
 * held, since what depends on it is the transaction user's code.
 */
final class ClientTransaction {

    private final TransactionLayer layer;
    final String branch;
    private final SipRequest request;
    private final ReplyPath path;
    private final CompletableFuture<SipResponse> result = new CompletableFuture<>();
    private byte[] encoded;
    private SipTimers.Timer retransmit;
    private SipTimers.Timer timeout;
    private boolean provisional;
    private boolean finished;

    ClientTransaction(TransactionLayer layer, String branch, SipRequest request, ReplyPath path) {
        this.layer = layer;
        this.branch = branch;
        this.request = request;
        this.path = path;
    }

    /** Sends the request; completes with the final response, or a local 408 when none came (§8.1.3.1). */
    CompletableFuture<SipResponse> start() {
        synchronized (this) {
            encoded = request.encode();
            if (!path.transport().reliable()) {
                scheduleRetransmit(layer.t1Millis());
            }
            timeout = layer.schedule(() -> finish(SipResponse.to(request, 408, "Request Timeout", null)),
                    64 * layer.t1Millis()); // Timer F
        }
        path.send(encoded);
        return result;
    }

    /** Caller holds the lock. */
    private void scheduleRetransmit(long delay) {
        retransmit = layer.schedule(() -> {
            synchronized (this) {
                if (finished) {
                    return;
                }
                // Timer E: doubling to T2; once a provisional came, every T2 (§17.1.2.2)
                scheduleRetransmit(provisional ? layer.t2Millis() : Math.min(2 * delay, layer.t2Millis()));
            }
            layer.counters().retransmissionSent();
            path.send(encoded);
        }, delay);
    }

    /** A response matched this transaction's branch. */
    void onResponse(SipResponse response) {
        if (response.statusCode() < 200) {
            synchronized (this) {
                provisional = true;
            }
        } else {
            finish(response);
        }
    }

    private void finish(SipResponse response) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            if (retransmit != null) {
                retransmit.cancel();
            }
            if (timeout != null) {
                timeout.cancel();
            }
        }
        layer.remove(this);
        result.complete(response); // no lock held: dependants run here
    }
}
