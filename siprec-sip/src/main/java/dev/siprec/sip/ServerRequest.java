package dev.siprec.sip;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transaction.NonInviteServerTransaction;

/**
 * A non-INVITE request inside a dialog (UPDATE) as the transaction user sees it: the request,
 * and one final answer. Thread-safe.
 */
public final class ServerRequest {

    private final SipStack stack;
    private final NonInviteServerTransaction tx;
    private final Dialog dialog;

    ServerRequest(SipStack stack, NonInviteServerTransaction tx, Dialog dialog) {
        this.stack = stack;
        this.tx = tx;
        this.dialog = dialog;
    }

    /** The request. */
    public SipRequest request() {
        return tx.request();
    }

    /**
     * Answers 200 OK, with a body (an SDP answer) when {@code contentType} is given, our
     * Contact (RFC 3311 §5.2 asks for it in a 2xx to UPDATE) and extra headers.
     */
    public void accept(String contentType, byte[] body, String... extraHeaders) {
        SipRequest request = tx.request();
        SipResponse ok = stack.decorate(SipResponse.to(request, 200, "OK", tx.localTag()), tx.path(), request);
        addHeaders(ok, extraHeaders);
        stack.dialogs().applySessionTimer(request, ok, dialog); // an UPDATE is a session refresh (RFC 4028 §7.4)
        if (contentType != null) {
            ok.setBody(contentType, body);
        }
        tx.respond(ok); // (the transaction sends one final response; a second is ignored)
    }

    /** Answers with an error response and extra headers (name/value pairs). */
    public void reject(int statusCode, String reason, String... extraHeaders) {
        SipResponse r = stack.decorate(SipResponse.to(tx.request(), statusCode, reason, tx.localTag()), tx.path(),
                null);
        addHeaders(r, extraHeaders);
        tx.respond(r);
    }

    static void addHeaders(SipResponse r, String... extraHeaders) {
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            r.addHeader(extraHeaders[i], extraHeaders[i + 1]);
        }
    }
}
