package dev.siprec.sip.sdp;

/** An SDP body that cannot be read (answered with 400 and this message as the reason). */
public final class SdpParseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An SDP error with a message that says what is wrong. */
    public SdpParseException(String message) {
        super(message, null, false, false);
    }
}
