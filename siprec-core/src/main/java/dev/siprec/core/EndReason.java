package dev.siprec.core;

/** Why a recording session ended. Every started session ends exactly once, with one of these. */
public enum EndReason {
    /** The SRC sent BYE. */
    BYE,
    /** The SRC cancelled the INVITE before it was answered. */
    CANCELLED,
    /** The SRC never acknowledged our 200 OK (RFC 3261 §13.3.1.4). */
    ACK_TIMEOUT,
    /** The server was closed while the session was active. */
    SERVER_SHUTDOWN,
    /** The session could not be set up (for example no RTP port was free); the INVITE was rejected. */
    SETUP_FAILED
}
