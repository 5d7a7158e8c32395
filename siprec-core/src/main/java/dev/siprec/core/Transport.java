package dev.siprec.core;

/** The SIP transports a recorder listens on and a session arrived over (RFC 3261 §18, §26). */
public enum Transport {
    /** SIP over UDP. */
    UDP,
    /** SIP over TCP. */
    TCP,
    /** SIP over TLS (RFC 3261 §26.2.1). */
    TLS;

    /** The SIP stack's transport of the same name. */
    dev.siprec.sip.transport.Transport toSip() {
        return dev.siprec.sip.transport.Transport.valueOf(name());
    }

    /** The transport of the SIP stack's of the same name. */
    static Transport of(dev.siprec.sip.transport.Transport t) {
        return valueOf(t.name());
    }
}
