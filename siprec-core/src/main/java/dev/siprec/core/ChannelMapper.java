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
     * A configured preference: which stream goes on channel 0 (the left one), or -1 when
     * this rule does not decide. See {@link #byLabel} and {@link #byAor}.
     */
    @FunctionalInterface
    interface LeftRule {
        /** The index into {@code streams} of the stream for channel 0, or -1. */
        int left(RecordingMetadata metadata, List<Stream> streams);
    }

    /** Channel 0 is the first stream whose label is in {@code labels} (in that order of preference). */
    static LeftRule byLabel(String... labels) {
        return (metadata, streams) -> {
            for (String label : labels) {
                for (int i = 0; i < streams.size(); i++) {
                    if (label.equals(streams.get(i).label())) {
                        return i;
                    }
                }
            }
            return -1;
        };
    }

    /** Channel 0 is the stream sent by the first participant whose AoR matches {@code aor}. */
    static LeftRule byAor(java.util.regex.Pattern aor) {
        return (metadata, streams) -> {
            for (RecordingMetadata.Participant p : metadata.participants()) {
                String a = p.aor();
                if (p.id() != null && a != null && aor.matcher(a).find()) {
                    int i = streamOf(metadata, p.id(), streams);
                    if (i >= 0) {
                        return i;
                    }
                }
            }
            return -1;
        };
    }

    /**
     * The standard mapping, first rule that decides wins for channel 0:
     * <ol>
     *   <li>a vendor's caller hint in the metadata ({@link dev.siprec.core.metadata.CallerHint}):
     *       the caller's stream is channel 0;</li>
     *   <li>the configured rules, in order;</li>
     *   <li>the stream sent by the first participant in metadata document order;</li>
     *   <li>m-line order.</li>
     * </ol>
     * The other streams follow by participant order, then m-line order. Each channel records
     * the rule that placed it.
     */
    static ChannelMapper standard(LeftRule... rules) {
        return (metadata, streams) -> {
            List<Integer> order = new ArrayList<>();
            List<String> why = new ArrayList<>();
            dev.siprec.core.metadata.CallerHint hint = dev.siprec.core.metadata.CallerHint.of(metadata);
            if (hint != null) {
                int i = streamOf(metadata, hint.participantId(), streams);
                if (i >= 0) {
                    order.add(i);
                    why.add("vendor-hint:" + hint.source());
                }
            }
            for (int r = 0; r < rules.length && order.isEmpty(); r++) {
                int i = rules[r].left(metadata, streams);
                if (i >= 0 && i < streams.size()) {
                    order.add(i);
                    why.add("configured-rule-" + (r + 1));
                }
            }
            for (RecordingMetadata.Participant p : metadata.participants()) {
                if (p.id() == null) {
                    continue;
                }
                for (String streamId : metadata.streamsSentBy(p.id())) {
                    String label = labelOf(metadata, streamId);
                    for (int i = 0; i < streams.size(); i++) {
                        if (label != null && label.equals(streams.get(i).label()) && !order.contains(i)) {
                            order.add(i);
                            why.add("participant-order");
                        }
                    }
                }
            }
            for (int i = 0; i < streams.size(); i++) {
                if (!order.contains(i)) {
                    order.add(i);
                    why.add("m-line-order");
                }
            }
            return new Mapping(order, why);
        };
    }

    /** Index of the stream a participant sends (matched by label), or -1. */
    private static int streamOf(RecordingMetadata metadata, String participantId, List<Stream> streams) {
        for (String streamId : metadata.streamsSentBy(participantId)) {
            String label = labelOf(metadata, streamId);
            for (int i = 0; i < streams.size(); i++) {
                if (label != null && label.equals(streams.get(i).label())) {
                    return i;
                }
            }
        }
        return -1;
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
