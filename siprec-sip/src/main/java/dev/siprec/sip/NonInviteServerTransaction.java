package dev.siprec.sip;

/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2): the final response is kept for Timer J
 * (64*T1 on UDP, 0 on reliable transports) to answer request retransmissions.
 */
final class NonInviteServerTransaction extends ServerTransaction {

    NonInviteServerTransaction(SipStack stack, String key, SipRequest request, ReplyPath path, String localTag) {
        super(stack, key, request, path, localTag);
    }

    /** Sends a response; a second final response is ignored. */
    synchronized void respond(SipResponse response) {
        if (hasFinalResponse()) {
            return;
        }
        send(response);
        if (response.statusCode() >= 200) {
            terminateAfter(path.transport().reliable() ? 0 : 64 * stack.t1Millis());
        }
    }
}
