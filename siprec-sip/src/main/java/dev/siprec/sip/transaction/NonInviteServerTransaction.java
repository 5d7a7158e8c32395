package dev.siprec.sip.transaction;

import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.ReplyPath;

/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2): the final response is kept for Timer J
 * (64*T1 on UDP, 0 on reliable transports) to answer request retransmissions.
 */
public final class NonInviteServerTransaction extends ServerTransaction {

    /** A transaction for {@code request} under {@code key} (see {@link TransactionLayer#key}); register it. */
    public NonInviteServerTransaction(TransactionLayer layer, String key, SipRequest request, ReplyPath path,
                                      String localTag) {
        super(layer, key, request, path, localTag);
    }

    /** Sends a response; a second final response is ignored. */
    public synchronized void respond(SipResponse response) {
        if (hasFinalResponse()) {
            return;
        }
        send(response);
        if (response.statusCode() >= 200) {
            terminateAfter(path.transport().reliable() ? 0 : 64 * layer.t1Millis());
        }
    }
}
