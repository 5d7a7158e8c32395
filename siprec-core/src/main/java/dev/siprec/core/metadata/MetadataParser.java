package dev.siprec.core.metadata;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streaming RS-Metadata parser (RFC 7865) over Woodstox StAX.
 *
 * <p>Accepts what real SRCs send: elements are matched by local name whatever their
 * namespace ({@code urn:ietf:params:xml:ns:recording:1}, the pre-RFC
 * {@code urn:ietf:params:xml:ns:recording}) or prefix; attribute spellings
 * {@code participant_id|id}, {@code session_id|session}, {@code stream_id|id},
 * {@code datamode|dataMode}; {@code <send>}/{@code <recv>} directly inside
 * {@code <participant>}. {@code extensiondata} and unknown elements are kept as raw XML.
 *
 * <p>Safe on hostile input: DTDs are refused (so no entity is ever resolved), and size, depth,
 * element count and text length are bounded. Thread-safe; reuse one instance.
 */
public final class MetadataParser {

    /** Default largest document accepted, in bytes. */
    public static final int DEFAULT_MAX_BYTES = 256 * 1024;
    /** Default deepest element nesting accepted. */
    public static final int DEFAULT_MAX_DEPTH = 32;

    private final XMLInputFactory factory;
    private final int maxBytes;

    /** A parser with the default limits. */
    public MetadataParser() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);
    }

    /** A parser with these limits. */
    public MetadataParser(int maxBytes, int maxDepth) {
        this.maxBytes = maxBytes;
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.TRUE);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, maxDepth);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, 100_000L);
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 64);
        f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, maxBytes);
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, 8192);
        this.factory = f;
    }

    /**
     * Parses one document.
     *
     * @throws MetadataException when it is not well-formed XML, has a DTD, or exceeds a limit
     */
    public RecordingMetadata parse(byte[] xml) throws MetadataException {
        if (xml.length > maxBytes) {
            throw new MetadataException("metadata document of " + xml.length + " bytes exceeds the limit of "
                    + maxBytes);
        }
        XMLStreamReader r = null;
        try {
            r = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
            return new Reader(r).document();
        } catch (XMLStreamException e) {
            Location loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNumber() + " column " + loc.getColumnNumber();
            throw new MetadataException("malformed metadata XML" + where + ": " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            throw new MetadataException("malformed metadata XML: " + firstLine(String.valueOf(e.getMessage())));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** One parse: walks the document once with the cursor API. */
    private static final class Reader {
        private final XMLStreamReader r;
        private String dataMode;
        private final List<RecordingMetadata.Group> groups = new ArrayList<>();
        private final List<RecordingMetadata.Session> sessions = new ArrayList<>();
        private final List<RecordingMetadata.Participant> participants = new ArrayList<>();
        private final List<RecordingMetadata.Stream> streams = new ArrayList<>();
        private final List<RecordingMetadata.SessionRecordingAssoc> sra = new ArrayList<>();
        private final List<RecordingMetadata.ParticipantSessionAssoc> psa = new ArrayList<>();
        private final List<RecordingMetadata.ParticipantStreamAssoc> pstra = new ArrayList<>();
        private final List<RecordingMetadata.Extension> extensions = new ArrayList<>();

        Reader(XMLStreamReader r) {
            this.r = r;
        }

        RecordingMetadata document() throws XMLStreamException, MetadataException {
            while (r.hasNext()) {
                int e = r.next();
                if (e == XMLStreamConstants.DTD) {
                    throw new MetadataException("metadata with a DOCTYPE is refused");
                }
                if (e == XMLStreamConstants.START_ELEMENT) {
                    break;
                }
            }
            if (!r.isStartElement()) {
                throw new MetadataException("metadata has no root element");
            }
            String root = r.getLocalName();
            while (next() == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "datamode":
                    case "dataMode":
                        dataMode = text();
                        break;
                    case "group":
                        group();
                        break;
                    case "session":
                        session();
                        break;
                    case "participant":
                        participant();
                        break;
                    case "stream":
                        stream();
                        break;
                    case "sessionrecordingassoc":
                        sessionRecordingAssoc();
                        break;
                    case "participantsessionassoc":
                        participantSessionAssoc();
                        break;
                    case "participantstreamassoc":
                        participantStreamAssoc();
                        break;
                    default:
                        extensions.add(new RecordingMetadata.Extension(root, null, raw()));
                }
            }
            // trailing content after the root is checked by draining the reader
            while (r.hasNext()) {
                r.next();
            }
            return new RecordingMetadata(dataMode, List.copyOf(groups), List.copyOf(sessions),
                    List.copyOf(participants), List.copyOf(streams), List.copyOf(sra), List.copyOf(psa),
                    List.copyOf(pstra), List.copyOf(extensions));
        }

        /** Advances to the next child START_ELEMENT or to the parent's END_ELEMENT. */
        private int next() throws XMLStreamException {
            while (true) {
                int e = r.next();
                if (e == XMLStreamConstants.START_ELEMENT || e == XMLStreamConstants.END_ELEMENT) {
                    return e;
                }
                if (e == XMLStreamConstants.END_DOCUMENT) {
                    return e;
                }
            }
        }

        private String attr(String... names) {
            for (String name : names) {
                for (int i = 0; i < r.getAttributeCount(); i++) {
                    if (r.getAttributeLocalName(i).equals(name)) {
                        return r.getAttributeValue(i).trim();
                    }
                }
            }
            return null;
        }

        /** Text content of a simple element; leaves the cursor on its END_ELEMENT. */
        private String text() throws XMLStreamException {
            StringBuilder sb = new StringBuilder();
            int depth = 1;
            while (depth > 0) {
                int e = r.next();
                if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA) {
                    if (depth == 1) {
                        sb.append(r.getText());
                    }
                } else if (e == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                } else if (e == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            return sb.toString().trim();
        }

        private void group() throws XMLStreamException {
            String id = attr("group_id", "id");
            String associate = null;
            while (next() == XMLStreamConstants.START_ELEMENT) {
                if (r.getLocalName().equals("associate-time")) {
                    associate = text();
                } else {
                    extensions.add(new RecordingMetadata.Extension("group", id, raw()));
                }
            }
            groups.add(new RecordingMetadata.Group(id, associate));
        }

        private void session() throws XMLStreamException {
            String id = attr("session_id", "id");
            List<String> sipIds = new ArrayList<>(1);
            String groupRef = attr("group_ref", "group-ref");
            String start = null;
            String stop = null;
            while (next() == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "sipSessionID":
                        sipIds.add(text());
                        break;
                    case "group-ref":
                        groupRef = text();
                        break;
                    case "start-time":
                        start = text();
                        break;
                    case "stop-time":
                        stop = text();
                        break;
                    default:
                        extensions.add(new RecordingMetadata.Extension("session", id, raw()));
                }
            }
            sessions.add(new RecordingMetadata.Session(id, List.copyOf(sipIds), groupRef, start, stop));
        }

        private void participant() throws XMLStreamException {
            String id = attr("participant_id", "id");
            List<RecordingMetadata.NameId> names = new ArrayList<>(1);
            List<String> send = new ArrayList<>(1);
            List<String> recv = new ArrayList<>(1);
            while (next() == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "nameID":
                    case "nameId":
                        names.add(nameId());
                        break;
                    case "aor": // draft style: <aor> directly inside <participant>
                        names.add(new RecordingMetadata.NameId(text(), null, null));
                        break;
                    case "send":
                        addNonEmpty(send, text());
                        break;
                    case "recv":
                        addNonEmpty(recv, text());
                        break;
                    default:
                        extensions.add(new RecordingMetadata.Extension("participant", id, raw()));
                }
            }
            participants.add(new RecordingMetadata.Participant(id, List.copyOf(names), List.copyOf(send),
                    List.copyOf(recv)));
        }

        private RecordingMetadata.NameId nameId() throws XMLStreamException {
            String aor = attr("aor");
            String name = null;
            String lang = null;
            while (next() == XMLStreamConstants.START_ELEMENT) {
                if (r.getLocalName().equals("name")) {
                    lang = r.getAttributeValue("http://www.w3.org/XML/1998/namespace", "lang");
                    name = text();
                } else {
                    text(); // unknown child of nameID: skipped
                }
            }
            return new RecordingMetadata.NameId(aor, name == null || name.isEmpty() ? null : name, lang);
        }

        private void stream() throws XMLStreamException {
            String id = attr("stream_id", "id");
            String session = attr("session_id", "session");
            String label = null;
            String mode = null;
            while (next() == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "label":
                        label = text();
                        break;
                    case "mode":
                        mode = text();
                        break;
                    default:
                        extensions.add(new RecordingMetadata.Extension("stream", id, raw()));
                }
            }
            streams.add(new RecordingMetadata.Stream(id, session, label, mode));
        }

        private void sessionRecordingAssoc() throws XMLStreamException {
            String session = attr("session_id", "session");
            String[] times = associationTimes("sessionrecordingassoc", session);
            sra.add(new RecordingMetadata.SessionRecordingAssoc(session, times[0], times[1]));
        }

        private void participantSessionAssoc() throws XMLStreamException {
            String participant = attr("participant_id", "participant");
            String session = attr("session_id", "session");
            String[] times = associationTimes("participantsessionassoc", participant);
            psa.add(new RecordingMetadata.ParticipantSessionAssoc(participant, session, times[0], times[1]));
        }

        private String[] associationTimes(String element, String id) throws XMLStreamException {
            String[] times = new String[2];
            while (next() == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "associate-time":
                        times[0] = text();
                        break;
                    case "disassociate-time":
                        times[1] = text();
                        break;
                    default:
                        extensions.add(new RecordingMetadata.Extension(element, id, raw()));
                }
            }
            return times;
        }

        private void participantStreamAssoc() throws XMLStreamException {
            String participant = attr("participant_id", "participant");
            List<String> send = new ArrayList<>(1);
            List<String> recv = new ArrayList<>(1);
            while (next() == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "send":
                        addNonEmpty(send, text());
                        break;
                    case "recv":
                        addNonEmpty(recv, text());
                        break;
                    default:
                        extensions.add(new RecordingMetadata.Extension("participantstreamassoc", participant, raw()));
                }
            }
            pstra.add(new RecordingMetadata.ParticipantStreamAssoc(participant, List.copyOf(send), List.copyOf(recv)));
        }

        private static void addNonEmpty(List<String> list, String value) {
            if (value != null && !value.isEmpty()) {
                list.add(value);
            }
        }

        /**
         * Serialises the element at the cursor and its subtree; namespace prefixes declared on
         * ancestors are declared on the copy so it stands alone. Leaves the cursor on its end.
         */
        private String raw() throws XMLStreamException {
            StringBuilder sb = new StringBuilder(128);
            Map<String, String> inherited = new LinkedHashMap<>();
            Deque<Set<String>> declared = new ArrayDeque<>();
            int rootTagEnd = -1;
            int depth = 0;
            do {
                int e = depth == 0 ? XMLStreamConstants.START_ELEMENT : r.next();
                switch (e) {
                    case XMLStreamConstants.START_ELEMENT: {
                        Set<String> scope = new HashSet<>(declared.isEmpty() ? Set.of() : declared.peek());
                        sb.append('<').append(qname(r.getPrefix(), r.getLocalName()));
                        if (depth == 0) {
                            rootTagEnd = sb.length(); // inherited declarations go right after the name
                        }
                        for (int i = 0; i < r.getNamespaceCount(); i++) {
                            String p = r.getNamespacePrefix(i);
                            scope.add(p == null ? "" : p);
                            sb.append(p == null || p.isEmpty() ? " xmlns" : " xmlns:" + p).append("=\"");
                            escape(sb, r.getNamespaceURI(i), true);
                            sb.append('"');
                        }
                        need(inherited, scope, r.getPrefix(), r.getNamespaceURI());
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            String p = r.getAttributePrefix(i);
                            if (p != null && !p.isEmpty() && !p.equals("xml")) {
                                need(inherited, scope, p, r.getAttributeNamespace(i));
                            }
                            sb.append(' ').append(qname(p, r.getAttributeLocalName(i))).append("=\"");
                            escape(sb, r.getAttributeValue(i), true);
                            sb.append('"');
                        }
                        sb.append('>');
                        declared.push(scope);
                        depth++;
                        break;
                    }
                    case XMLStreamConstants.END_ELEMENT:
                        sb.append("</").append(qname(r.getPrefix(), r.getLocalName())).append('>');
                        declared.pop();
                        depth--;
                        break;
                    case XMLStreamConstants.CHARACTERS:
                    case XMLStreamConstants.CDATA:
                    case XMLStreamConstants.SPACE:
                        escape(sb, r.getText(), false);
                        break;
                    default:
                        break; // comments and processing instructions are not kept
                }
            } while (depth > 0);
            if (!inherited.isEmpty()) {
                StringBuilder decl = new StringBuilder();
                for (Map.Entry<String, String> ns : inherited.entrySet()) {
                    decl.append(ns.getKey().isEmpty() ? " xmlns" : " xmlns:" + ns.getKey()).append("=\"");
                    escape(decl, ns.getValue(), true);
                    decl.append('"');
                }
                sb.insert(rootTagEnd, decl);
            }
            return sb.toString();
        }

        private static void need(Map<String, String> inherited, Set<String> scope, String prefix, String uri) {
            String p = prefix == null ? "" : prefix;
            if (!scope.contains(p) && uri != null && !uri.isEmpty()) {
                inherited.putIfAbsent(p, uri);
                scope.add(p);
            }
        }

        private static String qname(String prefix, String local) {
            return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
        }

        private static void escape(StringBuilder sb, String s, boolean attribute) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '&': sb.append("&amp;"); break;
                    case '<': sb.append("&lt;"); break;
                    case '>': sb.append("&gt;"); break;
                    case '"':
                        sb.append(attribute ? "&quot;" : "\"");
                        break;
                    default: sb.append(c);
                }
            }
        }
    }
}
