package dev.siprec.core;

import dev.siprec.core.metadata.RecordingMetadata;
import dev.siprec.sip.message.NameAddress;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Cisco CUBE network-based recording (not SIPREC): a plain SDP offer without metadata, and the
 * recorded parties in {@code X-Cisco-Recording-Participant} headers, one per party, each with
 * the {@code media-index} of the m-line that carries its voice. When the metadata names no
 * participant, these headers stand in for it: a participant per header and a stream per
 * m-line it names (stream id {@value #STREAM_PREFIX}N for m-line N, labelled with the m-line's
 * {@code a=label} when it has one).
 */
final class CiscoNetworkRecording {

    static final String HEADER = "X-Cisco-Recording-Participant";
    static final String STREAM_PREFIX = "cisco-m-line-";

    private CiscoNetworkRecording() {
    }

    /** The participants of the headers as metadata, or null when the request has none. */
    static RecordingMetadata participants(SipRequest invite, SessionDescription offer) {
        List<String> values = new ArrayList<>();
        for (String[] h : invite.allHeaders()) {
            if (h[0].equalsIgnoreCase(HEADER)) {
                values.add(h[1]);
            }
        }
        if (values.isEmpty()) {
            return null;
        }
        List<RecordingMetadata.Participant> participants = new ArrayList<>();
        List<RecordingMetadata.Stream> streams = new ArrayList<>();
        List<RecordingMetadata.ParticipantStreamAssoc> assocs = new ArrayList<>();
        for (int p = 0; p < values.size(); p++) {
            NameAddress a = NameAddress.parse(values.get(p));
            String id = "cisco-participant-" + p;
            participants.add(new RecordingMetadata.Participant(id,
                    List.of(new RecordingMetadata.NameId(a.uri(), a.displayName(), null)), List.of(), List.of()));
            List<String> sends = new ArrayList<>();
            String index = a.params().get("media-index");
            if (index != null) {
                for (String i : index.split("[|,]")) {
                    try {
                        int mLine = Integer.parseInt(i.trim());
                        if (mLine >= 0 && mLine < offer.media().size()) {
                            String streamId = STREAM_PREFIX + mLine;
                            sends.add(streamId);
                            if (streams.stream().noneMatch(s -> s.id().equals(streamId))) {
                                streams.add(new RecordingMetadata.Stream(streamId, null,
                                        offer.media().get(mLine).label(), null));
                            }
                        }
                    } catch (NumberFormatException e) {
                        // a media-index we cannot read attributes no stream
                    }
                }
            }
            assocs.add(new RecordingMetadata.ParticipantStreamAssoc(id, sends, List.of()));
        }
        return new RecordingMetadata(null, List.of(), List.of(), participants, streams, List.of(), List.of(), assocs,
                List.of());
    }

    /** The sender of m-line {@code mLine} in metadata made by {@link #participants}, or null. */
    static RecordingMetadata.Participant senderOf(RecordingMetadata metadata, int mLine) {
        return metadata.senderOf(STREAM_PREFIX + mLine);
    }
}
