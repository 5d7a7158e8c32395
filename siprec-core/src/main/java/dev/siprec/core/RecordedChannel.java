package dev.siprec.core;

import dev.siprec.core.metadata.RecordingMetadata;
import java.util.List;

/**
 * One channel of a recording session's audio and where it comes from.
 *
 * @param index channel index in {@link AudioFrame}s
 * @param mLineIndex index of the SDP m-line that carries it
 * @param label the SDP {@code a=label} of the stream, or null
 * @param streamId the metadata stream id matched by label, or null
 * @param participant the participant that sends the stream per the metadata (the first of
 *     {@code participants}), or null
 * @param codec the negotiated codec, e.g. {@code PCMU/8000}
 * @param rule which rule of the {@link ChannelMapper} placed the stream on this channel
 * @param participants everyone whose voice is on the channel: one participant for a stream of
 *     one party; for a mixed stream (one m-line carrying the whole call, a mono recording) all
 *     the participants the metadata associates with it, the caller first when a vendor's
 *     metadata says who called, else in document order
 * @param stereoRight whether this is the right half of a stereo stream recorded on two
 *     channels ({@link SiprecServer.Builder#keepStereo}): the channel before it, of the same
 *     m-line, is the left half
 */
public record RecordedChannel(int index, int mLineIndex, String label, String streamId,
                              RecordingMetadata.Participant participant, String codec, String rule,
                              List<RecordingMetadata.Participant> participants, boolean stereoRight) {

    /** Keeps the list immutable and {@code participant} its first entry. */
    public RecordedChannel {
        participants = participants == null ? (participant == null ? List.of() : List.of(participant))
                : List.copyOf(participants);
        if (participant == null && !participants.isEmpty()) {
            participant = participants.get(0);
        }
    }

    /** A channel that is not the right half of a stereo stream. */
    public RecordedChannel(int index, int mLineIndex, String label, String streamId,
                           RecordingMetadata.Participant participant, String codec, String rule,
                           List<RecordingMetadata.Participant> participants) {
        this(index, mLineIndex, label, streamId, participant, codec, rule, participants, false);
    }

    /** A channel of one sender (or none). */
    public RecordedChannel(int index, int mLineIndex, String label, String streamId,
                           RecordingMetadata.Participant participant, String codec, String rule) {
        this(index, mLineIndex, label, streamId, participant, codec, rule, null, false);
    }
}
