package dev.siprec.core;

import dev.siprec.core.metadata.RecordingMetadata;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One recording session (RFC 7866 §5): a SIP dialog from an SRC, its recorded streams and
 * their metadata. The server creates it; the application receives it in every
 * {@link RecordingListener} callback and from {@link SiprecServer#activeSessions()}.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, at any time, also after the
 * session ended. The identity ({@link #id()}, {@link #sipCallId()}, the INVITE's headers,
 * {@link #transport()}, {@link #remoteAddress()}, {@link #startTime()}, {@link #sampleRate()})
 * never changes. {@link #metadata()} and {@link #channels()} return immutable snapshots that a
 * re-INVITE or UPDATE may replace (the listener hears of it in
 * {@link RecordingListener#onMetadataUpdated}); {@link #endTime()} and {@link #endReason()} are
 * set once, before {@link RecordingListener#onSessionEnded}. {@link #stats} is a snapshot
 * taken on the session's event loop, where the counters are written (the calling thread
 * waits for it, normally microseconds); {@link #latency} and {@link #deliveryStats()} are
 * read while the delivery threads update them, each value current to within a frame. Once
 * the session ended all counters are final. The
 * listener's callbacks for one session never overlap and come in order (started, audio,
 * metadata and DTMF, ended), on the server's delivery threads.
 *
 * <p>The application does not implement this interface.
 */
public interface RecordingSession {

    /** Our unique id of this session (safe in file names). */
    String id();

    /** The Call-ID of the recording session's SIP dialog. */
    String sipCallId();

    /** A header of the INVITE that opened the session (first value), or null. */
    String inviteHeader(String name);

    /**
     * Every value of a header of the INVITE that opened the session, in order (e.g. Cisco's
     * repeated {@code X-Cisco-Recording-Participant}); empty when it has none.
     */
    List<String> inviteHeaders(String name);

    /**
     * Headers of the INVITE that vendors use to correlate the recording with the recorded call:
     * {@code User-to-User} (Avaya UCID), {@code Session-ID}, and every {@code X-*} header,
     * first value each, in order.
     */
    java.util.Map<String, String> correlationHeaders();

    /** The transport the SRC used. */
    Transport transport();

    /** The SRC's address. */
    InetSocketAddress remoteAddress();

    /** When the INVITE arrived. */
    Instant startTime();

    /** When the session ended, or null while active. */
    Instant endTime();

    /** Why it ended, or null while active. */
    EndReason endReason();

    /** The current metadata ({@link RecordingMetadata#EMPTY} when the SRC sent none or it was unreadable). */
    RecordingMetadata metadata();

    /**
     * Why the SRC's metadata could not be read, or what had to be repaired to read it (then it
     * starts with {@code "repaired: "}: a body part without its close delimiter, unescaped
     * ampersands); null when it was read as sent (or absent).
     */
    String metadataProblem();

    /** The output channels in order: which stream and participant is on each. */
    List<RecordedChannel> channels();

    /**
     * Whether the INVITE was recognised as a SIPREC recording session; false for a plain call
     * recorded under {@link SiprecServer.NonRecording#RECORD}.
     */
    boolean siprec();

    /** Whether the SRC sent a single mixed stream (the audio is mono). */
    boolean mixed();

    /** Output sample rate. */
    int sampleRate();

    /**
     * Counters of the stream on a channel: while the session runs, a snapshot taken on its
     * event loop (a callback sees them a playout delay or more ahead of its frame); final once
     * it ended.
     */
    StreamStats stats(int channel);

    /**
     * The SRTP crypto suite that protects a channel's stream (RFC 4568 name, e.g.
     * {@code AES_CM_128_HMAC_SHA1_80}), or null when it arrives as plain RTP. Keys are never
     * exposed.
     */
    String srtpSuite(int channel);

    /**
     * Latency from packet arrival to {@link RecordingListener#onAudio} on a channel, measured
     * over the frames delivered so far.
     */
    LatencyStats latency(int channel);

    /** How the audio reached the application so far: frames delivered, dropped, latency. */
    DeliveryStats deliveryStats();

    /**
     * Ends the recording now: sends BYE to the SRC, delivers the audio that is due, and calls
     * {@link RecordingListener#onSessionEnded} with {@link EndReason#STOPPED}. Idempotent.
     */
    void stop();

    /**
     * Asks the SRC for a complete metadata snapshot (RFC 7866): an UPDATE with an
     * {@code application/rs-metadata-request} body. Completes with the merged metadata once a
     * complete document arrives (in the answer or in a later request from the SRC), and
     * {@link RecordingListener#onMetadataUpdated} is called as for any update; completes
     * exceptionally when the SRC refuses (an SRC that does not take UPDATE answers 405).
     */
    CompletableFuture<RecordingMetadata> requestMetadataSnapshot();

    /** Completes with the end reason once {@link RecordingListener#onSessionEnded} has returned. */
    CompletableFuture<EndReason> ended();
}
