package dev.siprec.sip.transport;

/** SIP transports (RFC 3261 §18). */
public enum Transport {
    /** SIP over UDP: unreliable, so transactions retransmit responses (§17.2). */
    UDP,
    /** SIP over TCP: reliable, Content-Length framed (§18.3). */
    TCP,
    /** SIP over TLS (RFC 3261 §26.2.1): TCP framing inside a TLS connection. */
    TLS;

    /** Whether the transport delivers reliably (no retransmissions needed). */
    public boolean reliable() {
        return this != UDP;
    }
}
