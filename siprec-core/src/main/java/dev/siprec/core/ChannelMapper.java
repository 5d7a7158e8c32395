package dev.siprec.core;

import dev.siprec.core.metadata.RecordingMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which recorded stream goes on which output channel. Pluggable through
 * {@link SiprecServer.Builder#channelMapper}.
 */
@FunctionalInterface
public interface ChannelMapper {

    /**
     * A received stream offered by the SRC.
     *
     * @param mLineIndex its m-line index in the offer
     * @param label its {@code a=label}, or null
     */
    record Stream(int mLineIndex, String label) {
    }

    /**
     * The decision.
     *
     * @param order indices into the stream list: {@code order.get(c)} is the stream on channel c;
     *     every stream appears exactly once
     * @param rules for each channel, the name of the rule that placed it
     */
    record Mapping(List<Integer> order, List<String> rules) {
    }

    /** Maps {@code streams} (in m-line order) onto channels. */
    Mapping map(RecordingMetadata metadata, List<Stream> streams);

    /** Streams in m-line order. */
    static ChannelMapper mLineOrder() {
        return (metadata, streams) -> {
            List<Integer> order = new ArrayList<>();
            List<String> rules = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                order.add(i);
                rules.add("m-line-order");
            }
            return new Mapping(order, rules);
        };
    }

    /**
     * The default: the stream sent by the first participant in metadata document order is
     * channel 0, the next participant's is channel 1, and so on (streams matched to metadata by
     * label); streams the metadata does not place follow in m-line order.
     */
    static ChannelMapper participantOrder() {
        return (metadata, streams) -> {
            List<Integer> order = new ArrayList<>();
            List<String> rules = new ArrayList<>();
            for (RecordingMetadata.Participant p : metadata.participants()) {
                if (p.id() == null) {
                    continue;
                }
                for (String streamId : metadata.streamsSentBy(p.id())) {
                    String label = labelOf(metadata, streamId);
                    for (int i = 0; i < streams.size(); i++) {
                        if (label != null && label.equals(streams.get(i).label()) && !order.contains(i)) {
                            order.add(i);
                            rules.add("participant-order");
                        }
                    }
                }
            }
            for (int i = 0; i < streams.size(); i++) {
                if (!order.contains(i)) {
                    order.add(i);
                    rules.add("m-line-order");
                }
            }
            return new Mapping(order, rules);
        };
    }

    private static String labelOf(RecordingMetadata metadata, String streamId) {
        for (RecordingMetadata.Stream s : metadata.streams()) {
            if (streamId.equals(s.id())) {
                return s.label();
            }
        }
        return null;
    }
}
