package dev.siprec.sip.message;

/** A SIP response (RFC 3261 §7.2). */
public final class SipResponse extends SipMessage {

    private final int statusCode;
    private final String reasonPhrase;

    /** A response with this status line and no headers yet. */
    public SipResponse(int statusCode, String reasonPhrase) {
        this.statusCode = statusCode;
        this.reasonPhrase = reasonPhrase;
    }

    /** The status code. */
    public int statusCode() {
        return statusCode;
    }

    /** The reason phrase. */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    @Override
    void writeStartLine(StringBuilder out) {
        out.append("SIP/2.0 ").append(statusCode).append(' ').append(reasonPhrase);
    }

    /**
     * A response to {@code request} as RFC 3261 §8.2.6.2 builds it: Via, From, To, Call-ID
     * and CSeq copied; a To tag added when the request has none and {@code toTag} is given.
     */
    public static SipResponse to(SipRequest request, int statusCode, String reasonPhrase, String toTag) {
        SipResponse r = new SipResponse(statusCode, reasonPhrase);
        for (String via : request.headers(SipHeaders.VIA)) {
            r.addHeader(SipHeaders.VIA, via);
        }
        r.addHeader(SipHeaders.FROM, nullToEmpty(request.header(SipHeaders.FROM)));
        String to = nullToEmpty(request.header(SipHeaders.TO));
        if (toTag != null && statusCode > 100) {
            NameAddress parsed = NameAddress.parse(to);
            if (parsed.tag() == null) {
                to = to + ";tag=" + toTag;
            }
        }
        r.addHeader(SipHeaders.TO, to);
        r.addHeader(SipHeaders.CALL_ID, nullToEmpty(request.header(SipHeaders.CALL_ID)));
        r.addHeader(SipHeaders.CSEQ, nullToEmpty(request.header(SipHeaders.CSEQ)));
        if (statusCode > 100 && statusCode < 300 && request.method().equals("INVITE")) {
            // §12.1.1: a response that establishes (or, to a re-INVITE, refreshes) a dialog carries
            // the request's Record-Route, in order, so that the proxies stay on the dialog's path
            for (String rr : request.headers(SipHeaders.RECORD_ROUTE)) {
                r.addHeader(SipHeaders.RECORD_ROUTE, rr);
            }
        }
        return r;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The standard reason phrase for a status code (RFC 3261 §21 and extensions). */
    public static String defaultReason(int code) {
        switch (code) {
            case 100: return "Trying";
            case 180: return "Ringing";
            case 183: return "Session Progress";
            case 200: return "OK";
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Request Entity Too Large";
            case 415: return "Unsupported Media Type";
            case 420: return "Bad Extension";
            case 481: return "Call/Transaction Does Not Exist";
            case 483: return "Too Many Hops";
            case 486: return "Busy Here";
            case 487: return "Request Terminated";
            case 488: return "Not Acceptable Here";
            case 491: return "Request Pending";
            case 500: return "Server Internal Error";
            case 503: return "Service Unavailable";
            case 505: return "Version Not Supported";
            case 513: return "Message Too Large";
            default: return code < 200 ? "Progress" : code < 300 ? "OK" : "Error";
        }
    }
}
