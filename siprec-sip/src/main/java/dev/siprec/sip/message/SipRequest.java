package dev.siprec.sip.message;

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

    /**
     * The host of the Request-URI ({@code sip:user@host:port;params}), IPv6 without brackets;
     * for a request without a usable URI, {@code 127.0.0.1}.
     */
    public String requestUriHost() {
        String uri = requestUri;
        int colon = uri.indexOf(':');
        String rest = colon < 0 ? uri : uri.substring(colon + 1);
        int at = rest.indexOf('@');
        if (at >= 0) {
            rest = rest.substring(at + 1);
        }
        int end = rest.length();
        for (char c : new char[] {';', '?', '>'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        HostPort hp = HostPort.parse(rest.substring(0, end));
        return hp == null ? "127.0.0.1" : hp.host();
    }

    @Override
    void writeStartLine(StringBuilder out) {
        out.append(method).append(' ').append(requestUri).append(" SIP/2.0");
    }
}
