package dev.siprec.core;

import dev.siprec.core.metadata.RecordingMetadata;

/**
 * One channel of a recording session's audio and where it comes from.
 *
 * @param index channel index in {@link AudioFrame}s
 * @param mLineIndex index of the SDP m-line that carries it
 * @param label the SDP {@code a=label} of the stream, or null
 * @param streamId the metadata stream id matched by label, or null
 * @param participant the participant that sends the stream per the metadata, or null
 * @param codec the negotiated codec, e.g. {@code PCMU/8000}
 * @param rule which rule of the {@link ChannelMapper} placed the stream on this channel
 */
public record RecordedChannel(int index, int mLineIndex, String label, String streamId,
                              RecordingMetadata.Participant participant, String codec, String rule) {
}
