package dev.siprec.sip.sdp;

/**
 * An SDP {@code c=} line (RFC 8866 §5.7).
 *
 * @param addressType {@code IP4} or {@code IP6}
 * @param address the connection address (a TTL or count suffix is removed)
 */
public record Connection(String addressType, String address) {

    /** Whether this is the RFC 3264 §8.4 hold address {@code 0.0.0.0} (or {@code ::}). */
    public boolean isHold() {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    @Override
    public String toString() {
        return "IN " + addressType + " " + address;
    }
}
