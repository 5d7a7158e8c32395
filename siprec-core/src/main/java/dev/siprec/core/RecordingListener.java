package dev.siprec.core;

import dev.siprec.core.metadata.MetadataChange;
import dev.siprec.core.metadata.RecordingMetadata;

/**
 * What the application implements to receive recordings.
 *
 * <p>Per session the calls come in order, one at a time: {@code onSessionStarted}, then
 * {@code onAudio} for every frame (and {@code onMetadataUpdated} or {@code onDtmf} as they
 * happen), then exactly one {@code onSessionEnded}. They run on the server's delivery threads,
 * never on the network threads: each session has a bounded queue of frames
 * ({@link SiprecServer.Builder#deliveryQueue}), so a callback that takes long delays only its
 * own session's audio. A listener that stays slower than real time loses frames once the queue
 * is full; they are counted in {@link RecordingSession#deliveryStats()} and the next frame's
 * {@link AudioFrame#position()} shows the gap. Other calls are never dropped.
 *
 * <p>While no stream of a session sends (before its first packet, or once all have gone quiet)
 * its frames are silence, handed over a few at a time (every 100 ms) rather than every 20 ms.
 * An exception thrown by a callback is logged and does not affect the recording.
 */
public interface RecordingListener {

    /**
     * A recording session was answered (our 200 OK is on its way); metadata and channels are
     * known. An INVITE that is rejected, cancelled or cannot be set up before that gets no
     * callback at all, so it leaves nothing behind in the application.
     */
    default void onSessionStarted(RecordingSession session) {
    }

    /** One frame of time-aligned audio; valid only during the call (see {@link AudioFrame#copy()}). */
    void onAudio(RecordingSession session, AudioFrame frame);

    /**
     * The SRC sent new metadata (re-INVITE or UPDATE). {@code metadata} is the merged result
     * (partial updates applied, RFC 7865 §6.1), now also {@link RecordingSession#metadata()};
     * {@code change} says what changed.
     */
    default void onMetadataUpdated(RecordingSession session, RecordingMetadata metadata, MetadataChange change) {
    }

    /**
     * A DTMF digit ended (RFC 4733 telephone-event). Reported once per digit; usually before
     * the audio frames of its time, which carry silence where the digit was.
     */
    default void onDtmf(RecordingSession session, DtmfEvent event) {
    }

    /** The session ended; no more calls for it follow. Counters on the session are final. */
    void onSessionEnded(RecordingSession session, EndReason reason);
}
