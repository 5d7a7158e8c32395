package dev.siprec.core.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Recording metadata as an SRC sent it (RFC 7865 §6): the communication session group,
 * sessions, participants, media streams and their associations, plus extension data kept
 * as raw XML. Immutable.
 *
 * @param dataMode {@code complete} or {@code partial} (RFC 7865 §6.1); null when not given
 * @param groups communication session groups
 * @param sessions communication sessions
 * @param participants participants, in document order
 * @param streams media streams, in document order
 * @param sessionRecordingAssocs when sessions joined/left the recording
 * @param participantSessionAssocs when participants joined/left sessions
 * @param participantStreamAssocs which participant sends/receives which streams
 * @param extensions {@code extensiondata} and unknown elements, raw, with their parent
 */
public record RecordingMetadata(String dataMode, List<Group> groups, List<Session> sessions,
                                List<Participant> participants, List<Stream> streams,
                                List<SessionRecordingAssoc> sessionRecordingAssocs,
                                List<ParticipantSessionAssoc> participantSessionAssocs,
                                List<ParticipantStreamAssoc> participantStreamAssocs,
                                List<Extension> extensions) {

    /** Metadata with nothing in it (an INVITE without metadata, or metadata that could not be read). */
    public static final RecordingMetadata EMPTY = new RecordingMetadata(null, List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of());

    /**
     * This model with an update applied (RFC 7865 §6.1). A {@code complete} (or unmarked)
     * update replaces everything. A {@code partial} one is merged: groups, sessions,
     * participants and streams by id (an element with a known id replaces the old one, new ids
     * are appended, so document order stays stable); associations by what they associate;
     * extension data of the elements the update mentions is replaced, the rest kept. The
     * result is marked complete.
     */
    public RecordingMetadata apply(RecordingMetadata update) {
        if (!"partial".equalsIgnoreCase(update.dataMode())) {
            return update;
        }
        return new RecordingMetadata("complete",
                mergeBy(groups, update.groups, Group::id),
                mergeBy(sessions, update.sessions, Session::id),
                mergeBy(participants, update.participants, Participant::id),
                mergeBy(streams, update.streams, Stream::id),
                mergeBy(sessionRecordingAssocs, update.sessionRecordingAssocs, SessionRecordingAssoc::sessionId),
                mergeBy(participantSessionAssocs, update.participantSessionAssocs,
                        a -> a.participantId() + "\u0000" + a.sessionId()),
                mergeBy(participantStreamAssocs, update.participantStreamAssocs, ParticipantStreamAssoc::participantId),
                mergeExtensions(extensions, update.extensions));
    }

    private static <T> List<T> mergeBy(List<T> old, List<T> update, java.util.function.Function<T, String> key) {
        List<T> out = new ArrayList<>(old);
        for (T u : update) {
            String k = key.apply(u);
            int at = -1;
            for (int i = 0; i < out.size() && k != null; i++) {
                if (k.equals(key.apply(out.get(i)))) {
                    at = i;
                    break;
                }
            }
            if (at >= 0) {
                out.set(at, u);
            } else {
                out.add(u);
            }
        }
        return List.copyOf(out);
    }

    private static List<Extension> mergeExtensions(List<Extension> old, List<Extension> update) {
        List<Extension> out = new ArrayList<>();
        for (Extension e : old) {
            boolean replaced = update.stream().anyMatch(u -> u.parentElement().equals(e.parentElement())
                    && java.util.Objects.equals(u.parentId(), e.parentId()));
            if (!replaced) {
                out.add(e);
            }
        }
        out.addAll(update);
        return List.copyOf(out);
    }

    /** Whether nothing is known. */
    public boolean isEmpty() {
        return participants.isEmpty() && streams.isEmpty() && sessions.isEmpty() && groups.isEmpty();
    }

    /** The communication session group id (RFC 7865 §6.2), or null: ties transferred calls together. */
    public String groupId() {
        if (!groups.isEmpty() && groups.get(0).id() != null) {
            return groups.get(0).id();
        }
        for (Session s : sessions) {
            if (s.groupRef() != null) {
                return s.groupRef();
            }
        }
        return null;
    }

    /** Every sipSessionID (RFC 7989 Session-ID of the recorded calls), in document order. */
    public List<String> sipSessionIds() {
        List<String> out = new ArrayList<>();
        for (Session s : sessions) {
            out.addAll(s.sipSessionIds());
        }
        return out;
    }

    /**
     * The text of the first element with this local name anywhere in the extension data, or
     * null: vendor values such as NetSapiens' {@code groupSeq} or Oracle's {@code ucid}.
     */
    public String extensionValue(String localName) {
        for (Extension e : extensions) {
            String v = ExtensionXml.first(ExtensionXml.elements(e.xml()), localName);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** A participant by id, or null. */
    public Participant participant(String id) {
        for (Participant p : participants) {
            if (p.id() != null && p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }

    /** The stream with this SDP label, or null. */
    public Stream streamByLabel(String label) {
        for (Stream s : streams) {
            if (s.label() != null && s.label().equals(label)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The ids of the streams a participant sends: from {@code participantstreamassoc}
     * (RFC 7865 §6.8) and from {@code <send>} directly inside {@code <participant>} (pre-RFC
     * drafts, Oracle/Acme), in that order, without repeats.
     */
    public List<String> streamsSentBy(String participantId) {
        List<String> out = new ArrayList<>();
        for (ParticipantStreamAssoc a : participantStreamAssocs) {
            if (participantId.equals(a.participantId())) {
                for (String s : a.send()) {
                    if (!out.contains(s)) {
                        out.add(s);
                    }
                }
            }
        }
        Participant p = participant(participantId);
        if (p != null) {
            for (String s : p.send()) {
                if (!out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * Every participant that sends a stream (by stream id), in document order; a mixed stream
     * (one m-line carrying the whole call) has several.
     */
    public List<Participant> sendersOf(String streamId) {
        List<Participant> out = new ArrayList<>(2);
        for (Participant p : participants) {
            if (p.id() != null && streamsSentBy(p.id()).contains(streamId)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The participant that sends a stream (by stream id), or null. */
    public Participant senderOf(String streamId) {
        for (Participant p : participants) {
            if (p.id() != null && streamsSentBy(p.id()).contains(streamId)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A communication session group (RFC 7865 §6.2).
     *
     * @param id group_id
     * @param associateTime associate-time as sent, or null
     */
    public record Group(String id, String associateTime) {
    }

    /**
     * A communication session (RFC 7865 §6.3).
     *
     * @param id session_id
     * @param sipSessionIds sipSessionID values (RFC 7989)
     * @param groupRef group-ref, or null
     * @param startTime start-time as sent, or null
     * @param stopTime stop-time as sent, or null
     */
    public record Session(String id, List<String> sipSessionIds, String groupRef, String startTime,
                          String stopTime) {
    }

    /**
     * A participant (RFC 7865 §6.5).
     *
     * @param id participant_id
     * @param nameIds its addresses and names
     * @param send stream ids from {@code <send>} inside {@code <participant>} (draft style)
     * @param recv stream ids from {@code <recv>} inside {@code <participant>} (draft style)
     */
    public record Participant(String id, List<NameId> nameIds, List<String> send, List<String> recv) {

        /** The first AoR, or null. */
        public String aor() {
            for (NameId n : nameIds) {
                if (n.aor() != null) {
                    return n.aor();
                }
            }
            return null;
        }

        /** The first display name, or null. */
        public String name() {
            for (NameId n : nameIds) {
                if (n.name() != null) {
                    return n.name();
                }
            }
            return null;
        }
    }

    /**
     * A {@code nameID}: an address of record and an optional display name.
     *
     * @param aor the aor attribute
     * @param name the name element's text, or null
     * @param lang the name's xml:lang, or null
     */
    public record NameId(String aor, String name, String lang) {
    }

    /**
     * A media stream (RFC 7865 §6.6).
     *
     * @param id stream_id
     * @param sessionId session_id of its communication session, or null
     * @param label the SDP label that links it to an m-line, or null
     * @param mode {@code separate} or {@code mixed} when given (pre-RFC drafts), or null
     */
    public record Stream(String id, String sessionId, String label, String mode) {
    }

    /**
     * A session's association with the recording (RFC 7865 §6.7).
     *
     * @param sessionId session_id
     * @param associateTime associate-time, or null
     * @param disassociateTime disassociate-time, or null
     */
    public record SessionRecordingAssoc(String sessionId, String associateTime, String disassociateTime) {
    }

    /**
     * A participant's association with a session (RFC 7865 §6.9).
     *
     * @param participantId participant_id
     * @param sessionId session_id
     * @param associateTime associate-time, or null
     * @param disassociateTime disassociate-time, or null
     */
    public record ParticipantSessionAssoc(String participantId, String sessionId, String associateTime,
                                          String disassociateTime) {
    }

    /**
     * Which streams a participant sends and receives (RFC 7865 §6.8).
     *
     * @param participantId participant_id
     * @param send stream ids sent
     * @param recv stream ids received
     */
    public record ParticipantStreamAssoc(String participantId, List<String> send, List<String> recv) {
    }

    /**
     * Extension data or an unknown element, kept as raw XML (RFC 7865 §6.10).
     *
     * @param parentElement local name of the element that contains it ({@code recording} at top level)
     * @param parentId the id attribute of that element, or null
     * @param xml the element, serialised with its namespace declarations
     */
    public record Extension(String parentElement, String parentId, String xml) {
    }
}
