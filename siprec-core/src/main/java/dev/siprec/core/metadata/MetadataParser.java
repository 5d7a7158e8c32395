package dev.siprec.core.metadata;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.codehaus.stax2.io.Stax2ByteArraySource;

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

    private final WstxInputFactory factory;
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
        // text is joined by the reader itself, so Woodstox need not coalesce adjacent events
        f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
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
            r = factory.createXMLStreamReader(new Stax2ByteArraySource(xml, 0, xml.length));
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

    /**
     * As {@link #parse(byte[])}, salvaging a document that is not well-formed only because of
     * ampersands that are not escaped (seen in a Cisco capture: {@code <name>AT&T</name>}):
     * each {@code &} that does not start an entity or character reference is read as
     * {@code &amp;}. What was repaired is added to {@code repairs}, in words.
     *
     * @throws MetadataException when the document cannot be read even so
     */
    public RecordingMetadata parse(byte[] xml, java.util.List<String> repairs) throws MetadataException {
        try {
            return parse(xml);
        } catch (MetadataException e) {
            byte[] escaped = escapeBareAmpersands(xml);
            if (escaped == null) {
                throw e;
            }
            RecordingMetadata m = parse(escaped); // (throws the repaired document's own problem)
            repairs.add((escaped.length - xml.length) / 4 + " unescaped '&' in the metadata read as '&amp;' ("
                    + e.getMessage() + ")");
            return m;
        }
    }

    /** The document with every bare {@code &} escaped, or null when it has none. */
    static byte[] escapeBareAmpersands(byte[] xml) {
        java.io.ByteArrayOutputStream out = null;
        for (int i = 0; i < xml.length; i++) {
            if (xml[i] == '&' && !startsReference(xml, i)) {
                if (out == null) {
                    out = new java.io.ByteArrayOutputStream(xml.length + 16);
                    out.write(xml, 0, i);
                }
                out.write('&');
                out.write('a');
                out.write('m');
                out.write('p');
                out.write(';');
            } else if (out != null) {
                out.write(xml[i]);
            }
        }
        return out == null ? null : out.toByteArray();
    }

    /** Whether the {@code &} at {@code at} starts {@code &name;}, {@code &#digits;} or {@code &#xhex;}. */
    private static boolean startsReference(byte[] xml, int at) {
        int i = at + 1;
        if (i < xml.length && xml[i] == '#') {
            i++;
            boolean hex = i < xml.length && (xml[i] == 'x' || xml[i] == 'X');
            if (hex) {
                i++;
            }
            int start = i;
            while (i < xml.length && (Character.isDigit(xml[i])
                    || (hex && "abcdefABCDEF".indexOf(xml[i]) >= 0))) {
                i++;
            }
            return i > start && i < xml.length && xml[i] == ';';
        }
        int start = i;
        while (i < xml.length && i - start < 32 && (Character.isLetterOrDigit(xml[i]) || xml[i] == '_'
                || xml[i] == '-' || xml[i] == '.')) {
            i++;
        }
        return i > start && i < xml.length && xml[i] == ';' && Character.isLetter(xml[start]);
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
                    case "extensiondata": {
                        // the pre-RFC schema (BroadWorks) names the parent: <extensiondata id parent>
                        String parent = attr("parent");
                        extensions.add(new RecordingMetadata.Extension(parent != null ? "element" : root, parent,
                                raw()));
                        break;
                    }
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
            String groupRef = attr("group_ref", "group-ref", "group");
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
                if (sendOrRecv(send, recv)) {
                    continue; // draft style: <send>/<recv> directly inside <participant>
                }
                switch (r.getLocalName()) {
                    case "nameID":
                    case "nameId":
                        names.add(nameId());
                        break;
                    case "aor": // draft style: <aor> directly inside <participant>
                        names.add(new RecordingMetadata.NameId(text(), null, null));
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
                if (!sendOrRecv(send, recv)) {
                    extensions.add(new RecordingMetadata.Extension("participantstreamassoc", participant, raw()));
                }
            }
            pstra.add(new RecordingMetadata.ParticipantStreamAssoc(participant, List.copyOf(send), List.copyOf(recv)));
        }

        /** Reads a {@code <send>} or {@code <recv>} at the cursor into its list; false for any other element. */
        private boolean sendOrRecv(List<String> send, List<String> recv) throws XMLStreamException {
            switch (r.getLocalName()) {
                case "send":
                    streamRefs(send);
                    return true;
                case "recv":
                    streamRefs(recv);
                    return true;
                default:
                    return false;
            }
        }

        /**
         * The stream ids of a {@code <send>} or {@code <recv>}: its text (RFC 7865), or the text of
         * each {@code <id>} inside it (the pre-RFC schema BroadWorks sends).
         */
        private void streamRefs(List<String> out) throws XMLStreamException {
            StringBuilder direct = new StringBuilder();
            while (true) {
                int e = r.next();
                if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA) {
                    direct.append(r.getText());
                } else if (e == XMLStreamConstants.START_ELEMENT) {
                    addNonEmpty(out, text());
                } else if (e == XMLStreamConstants.END_ELEMENT) {
                    addNonEmpty(out, direct.toString().trim());
                    return;
                }
            }
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
            StringBuilder sb = new StringBuilder(160);
            // prefixes declared inside the copy, with the depth that declared them (usually none)
            List<String> scopePrefixes = new ArrayList<>(2);
            List<Integer> scopeDepths = new ArrayList<>(2);
            List<String> inherited = new ArrayList<>(2); // prefix, uri pairs
            int nameEnd = -1;
            int depth = 0;
            do {
                int e = depth == 0 ? XMLStreamConstants.START_ELEMENT : r.next();
                if (e == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String prefix = r.getPrefix();
                    sb.append('<');
                    qname(sb, prefix, r.getLocalName());
                    if (depth == 1) {
                        nameEnd = sb.length(); // inherited declarations go right after the name
                    }
                    for (int i = 0; i < r.getNamespaceCount(); i++) {
                        String p = r.getNamespacePrefix(i);
                        p = p == null ? "" : p;
                        scopePrefixes.add(p);
                        scopeDepths.add(depth);
                        declaration(sb, p, r.getNamespaceURI(i));
                    }
                    need(inherited, scopePrefixes, prefix, r.getNamespaceURI());
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        String p = r.getAttributePrefix(i);
                        if (p != null && !p.isEmpty() && !p.equals("xml")) {
                            need(inherited, scopePrefixes, p, r.getAttributeNamespace(i));
                        }
                        sb.append(' ');
                        qname(sb, p, r.getAttributeLocalName(i));
                        sb.append("=\"");
                        String v = r.getAttributeValue(i);
                        escape(sb, v, 0, v.length(), true);
                        sb.append('"');
                    }
                    sb.append('>');
                } else if (e == XMLStreamConstants.END_ELEMENT) {
                    sb.append("</");
                    qname(sb, r.getPrefix(), r.getLocalName());
                    sb.append('>');
                    for (int i = scopeDepths.size() - 1; i >= 0 && scopeDepths.get(i) == depth; i--) {
                        scopeDepths.remove(i);
                        scopePrefixes.remove(i);
                    }
                    depth--;
                } else if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA
                        || e == XMLStreamConstants.SPACE) {
                    escape(sb, r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                }
                // comments and processing instructions are not kept
            } while (depth > 0);
            if (!inherited.isEmpty()) {
                StringBuilder decl = new StringBuilder();
                for (int i = 0; i < inherited.size(); i += 2) {
                    declaration(decl, inherited.get(i), inherited.get(i + 1));
                }
                sb.insert(nameEnd, decl);
            }
            return sb.toString();
        }

        private static void declaration(StringBuilder sb, String prefix, String uri) {
            sb.append(prefix.isEmpty() ? " xmlns" : " xmlns:").append(prefix).append("=\"");
            escape(sb, uri, 0, uri.length(), true);
            sb.append('"');
        }

        /** Records that a prefix used in the copy is declared outside it. */
        private static void need(List<String> inherited, List<String> scope, String prefix, String uri) {
            String p = prefix == null ? "" : prefix;
            if (uri == null || uri.isEmpty() || scope.contains(p)) {
                return;
            }
            for (int i = 0; i < inherited.size(); i += 2) {
                if (inherited.get(i).equals(p)) {
                    return;
                }
            }
            inherited.add(p);
            inherited.add(uri);
        }

        private static void qname(StringBuilder sb, String prefix, String local) {
            if (prefix != null && !prefix.isEmpty()) {
                sb.append(prefix).append(':');
            }
            sb.append(local);
        }

        private static void escape(StringBuilder sb, CharSequence s, int from, int to, boolean attribute) {
            for (int i = from; i < to; i++) {
                escapeChar(sb, s.charAt(i), attribute);
            }
        }

        private static void escape(StringBuilder sb, char[] text, int start, int length) {
            for (int i = start; i < start + length; i++) {
                escapeChar(sb, text[i], false);
            }
        }

        private static void escapeChar(StringBuilder sb, char c, boolean attribute) {
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
