package dev.siprec.sip.sdp;

/** Media direction attributes (RFC 3264 §5.1, RFC 8866 §6.7). */
public enum Direction {
    /** {@code a=sendrecv} (the default when none is given). */
    SENDRECV,
    /** {@code a=sendonly}: what an SRC offers for a recorded stream (RFC 7866 §8.1.1). */
    SENDONLY,
    /** {@code a=recvonly}: what the SRS answers to it. */
    RECVONLY,
    /** {@code a=inactive}: paused or held. */
    INACTIVE;

    /** The attribute name. */
    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Direction fromAttribute(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "sendrecv": return SENDRECV;
            case "sendonly": return SENDONLY;
            case "recvonly": return RECVONLY;
            case "inactive": return INACTIVE;
            default: return null;
        }
    }
}
