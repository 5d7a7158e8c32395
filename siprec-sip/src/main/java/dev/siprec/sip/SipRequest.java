package dev.siprec.sip;

/** A SIP request (RFC 3261 §7.1). */
public final class SipRequest extends SipMessage {

    private final String method;
    private final String requestUri;

    /** A request with this method and Request-URI and no headers yet. */
    public SipRequest(String method, String requestUri) {
        this.method = method;
        this.requestUri = requestUri;
    }

    /** The method, as sent (methods are case-sensitive, RFC 3261 §7.1). */
    public String method() {
        return method;
    }

    /** The Request-URI, as sent. */
    public String requestUri() {
        return requestUri;
    }

    @Override
    void writeStartLine(StringBuilder out) {
        out.append(method).append(' ').append(requestUri).append(" SIP/2.0");
    }
}
