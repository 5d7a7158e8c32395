package dev.siprec.core;

import org.slf4j.MDC;

/**
 * Puts a session's SIP Call-ID and session id in the SLF4J MDC ({@value #CALL_ID} and
 * {@value #SESSION_ID}) while a task runs, for the lines it logs, ours and those of the
 * application's listener, and takes them out again: threads are shared by many sessions.
 */
final class SessionMdc {

    /** The MDC key of the SIP Call-ID. */
    static final String CALL_ID = "siprec.callId";
    /** The MDC key of the recording session's id. */
    static final String SESSION_ID = "siprec.sessionId";

    private SessionMdc() {
    }

    /** Runs {@code task} with the keys of this call (a null session id: not yet created). */
    static void run(String callId, String sessionId, Runnable task) {
        if (callId != null) {
            MDC.put(CALL_ID, callId);
        }
        if (sessionId != null) {
            MDC.put(SESSION_ID, sessionId);
        }
        try {
            task.run();
        } finally {
            MDC.remove(CALL_ID);
            MDC.remove(SESSION_ID);
        }
    }
}
