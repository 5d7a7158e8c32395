package dev.siprec.sip.message;

/**
 * A SIP message that cannot be processed, with the status code and reason phrase that the
 * request deserves (RFC 3261 §8.2, §21.4). When enough of a request was read to answer it,
 * {@link #partialRequest()} holds it, so that the transport can send the error response.
 */
public final class SipParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final transient SipRequest partialRequest;

    /** A parse failure with the response status and reason phrase it deserves. */
    public SipParseException(int statusCode, String reason) {
        this(statusCode, reason, null);
    }

    SipParseException(int statusCode, String reason, SipRequest partialRequest) {
        super(reason, null, false, false);
        this.statusCode = statusCode;
        this.partialRequest = partialRequest;
    }

    /** The status code of the error response (400, 505, ...). */
    public int statusCode() {
        return statusCode;
    }

    /** The reason phrase for the error response: says what is wrong. */
    public String reason() {
        return getMessage();
    }

    /** The request as far as it was read, or {@code null} when it cannot be answered. */
    public SipRequest partialRequest() {
        return partialRequest;
    }

    SipParseException withRequest(SipRequest request) {
        return new SipParseException(statusCode, getMessage(), request);
    }
}
