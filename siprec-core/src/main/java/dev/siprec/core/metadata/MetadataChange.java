package dev.siprec.core.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a metadata update changed (RFC 7865 §6.1: {@code partial} documents carry only
 * changes; {@code complete} ones replace everything).
 *
 * @param partial whether the update was a partial document merged into the stored model
 * @param participantsAdded ids of participants not known before
 * @param participantsChanged ids of known participants whose description changed
 * @param participantsLeft ids of participants whose session association got a disassociate-time
 * @param streamsAdded ids of streams not known before
 */
public record MetadataChange(boolean partial, List<String> participantsAdded, List<String> participantsChanged,
                             List<String> participantsLeft, List<String> streamsAdded) {

    /** What changed from {@code before} to {@code after}, {@code update} being what the SRC sent. */
    public static MetadataChange between(RecordingMetadata before, RecordingMetadata update,
                                         RecordingMetadata after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (RecordingMetadata.Participant p : after.participants()) {
            RecordingMetadata.Participant old = p.id() == null ? null : before.participant(p.id());
            if (old == null) {
                added.add(p.id());
            } else if (!old.equals(p)) {
                changed.add(p.id());
            }
        }
        List<String> left = new ArrayList<>();
        for (RecordingMetadata.ParticipantSessionAssoc a : update.participantSessionAssocs()) {
            if (a.disassociateTime() != null && a.participantId() != null && !left.contains(a.participantId())) {
                left.add(a.participantId());
            }
        }
        List<String> streams = new ArrayList<>();
        for (RecordingMetadata.Stream s : after.streams()) {
            boolean known = before.streams().stream().anyMatch(o -> Objects.equals(o.id(), s.id()));
            if (!known) {
                streams.add(s.id());
            }
        }
        return new MetadataChange("partial".equalsIgnoreCase(update.dataMode()), List.copyOf(added),
                List.copyOf(changed), List.copyOf(left), List.copyOf(streams));
    }
}
