package dev.siprec.core;

/** Why a recording session ended. Every started session ends exactly once, with one of these. */
public enum EndReason {
    /** The SRC sent BYE. */
    BYE,
    /**
     * The SRC cancelled the INVITE before it was answered ({@link RecordingSession#endReason()}
     * of a session the listener never heard of).
     */
    CANCELLED,
    /** The SRC never acknowledged our 200 OK (RFC 3261 §13.3.1.4); we sent BYE. */
    ACK_TIMEOUT,
    /** No session refresh came in time (RFC 4028), or our refresh failed; we sent BYE. */
    SESSION_EXPIRED,
    /** The application stopped it ({@link RecordingSession#stop()}); we sent BYE. */
    STOPPED,
    /** The server was closed while the session was active; we sent BYE. */
    SERVER_SHUTDOWN,
    /**
     * The session could not be set up (for example no RTP port was free); the INVITE was
     * rejected (as for {@link #CANCELLED}, the listener never heard of it).
     */
    SETUP_FAILED,
    /**
     * No RTP or RTCP arrived on any stream for the media timeout (the longer hold timeout while
     * the SRC has every stream on hold): the SRC vanished without a BYE; we sent BYE
     * ({@link SiprecServer.Builder#mediaTimeout}).
     */
    MEDIA_TIMEOUT,
    /** The session reached the maximum duration ({@link SiprecServer.Builder#maxSessionDuration}); we sent BYE. */
    MAX_DURATION,
    /**
     * The server stopped on an error it cannot recover from (out of memory on one of its
     * threads); we sent BYE where we still could (see {@link SiprecServer.Builder#onFatalError}).
     */
    SERVER_ERROR
}
