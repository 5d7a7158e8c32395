package dev.siprec.sip.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * An SDP session description (RFC 8866): origin, session-level connection and attributes,
 * and the media sections in order. {@link #parse} reads offers tolerantly (unknown lines and
 * attributes kept or skipped, CRLF or LF); {@link #format} writes strict CRLF SDP.
 */
public final class SessionDescription {

    private String origin = "- 0 0 IN IP4 0.0.0.0";
    private String sessionName = "-";
    private Connection connection;
    private final List<String[]> attributes = new ArrayList<>();
    private final List<MediaDescription> media = new ArrayList<>();

    /** The {@code o=} value. */
    public String origin() {
        return origin;
    }

    /** Sets the {@code o=} value. */
    public SessionDescription origin(String o) {
        this.origin = o;
        return this;
    }

    /** The {@code s=} value. */
    public String sessionName() {
        return sessionName;
    }

    /** Sets the {@code s=} value. */
    public SessionDescription sessionName(String s) {
        this.sessionName = s;
        return this;
    }

    /** The session-level connection, or {@code null}. */
    public Connection connection() {
        return connection;
    }

    /** Sets the session-level connection. */
    public SessionDescription connection(Connection c) {
        this.connection = c;
        return this;
    }

    /** Session-level attributes. */
    public List<String[]> attributes() {
        return attributes;
    }

    /** The media sections in order. */
    public List<MediaDescription> media() {
        return media;
    }

    /** The connection that applies to a media section: its own, else the session's (RFC 8866 §5.7). */
    public Connection effectiveConnection(MediaDescription m) {
        return m.connection() != null ? m.connection() : connection;
    }

    /** The direction that applies to a media section: its own, else the session's, else sendrecv. */
    public Direction effectiveDirection(MediaDescription m) {
        Direction d = m.direction();
        if (d != null) {
            return d;
        }
        for (String[] a : attributes) {
            Direction s = Direction.fromAttribute(a[0]);
            if (s != null) {
                return s;
            }
        }
        return Direction.SENDRECV;
    }

    /**
     * Reads an SDP body.
     *
     * @throws SdpParseException when it is not SDP (no {@code v=0}), or a line that matters
     *     ({@code m=}, {@code c=}) is malformed
     */
    public static SessionDescription parse(String text) throws SdpParseException {
        SessionDescription sd = new SessionDescription();
        MediaDescription current = null;
        boolean sawVersion = false;
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpParseException("SDP line " + lineNo + " is not of the form x=value");
            }
            char type = line.charAt(0);
            String value = line.substring(2).trim();
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    throw new SdpParseException("SDP must start with v=0");
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'o':
                    sd.origin = value;
                    break;
                case 's':
                    sd.sessionName = value;
                    break;
                case 'c':
                    Connection c = parseConnection(value, lineNo);
                    if (current == null) {
                        sd.connection = c;
                    } else {
                        current.connection(c);
                    }
                    break;
                case 'm':
                    current = parseMedia(value, lineNo);
                    sd.media.add(current);
                    break;
                case 'a':
                    int colon = value.indexOf(':');
                    String name = colon < 0 ? value : value.substring(0, colon);
                    String attrValue = colon < 0 ? null : value.substring(colon + 1);
                    if (current == null) {
                        sd.attributes.add(new String[] {name, attrValue});
                    } else {
                        current.attribute(name, attrValue);
                    }
                    break;
                default:
                    // t=, b=, i=, u=, e=, p=, z=, k=, r= and unknown types carry nothing we use
                    break;
            }
        }
        if (!sawVersion) {
            throw new SdpParseException("empty SDP");
        }
        return sd;
    }

    private static Connection parseConnection(String value, int lineNo) throws SdpParseException {
        String[] p = value.split("\\s+");
        if (p.length < 3 || !p[0].equals("IN") || !(p[1].equals("IP4") || p[1].equals("IP6"))) {
            throw new SdpParseException("malformed c= line " + lineNo);
        }
        String address = p[2];
        int slash = address.indexOf('/');
        if (slash >= 0) {
            address = address.substring(0, slash);
        }
        return new Connection(p[1], address);
    }

    private static MediaDescription parseMedia(String value, int lineNo) throws SdpParseException {
        String[] p = value.split("\\s+");
        if (p.length < 4) {
            throw new SdpParseException("malformed m= line " + lineNo + ": needs media, port, proto and formats");
        }
        String portPart = p[1];
        int slash = portPart.indexOf('/');
        int port;
        try {
            port = Integer.parseInt(slash < 0 ? portPart : portPart.substring(0, slash));
        } catch (NumberFormatException e) {
            throw new SdpParseException("malformed port in m= line " + lineNo);
        }
        if (port < 0 || port > 65535) {
            throw new SdpParseException("port out of range in m= line " + lineNo);
        }
        List<String> formats = new ArrayList<>();
        for (int i = 3; i < p.length; i++) {
            formats.add(p[i]);
        }
        return new MediaDescription(p[0], port, p[2], formats);
    }

    /** The SDP text, CRLF line ends. */
    public String format() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("v=0\r\n");
        sb.append("o=").append(origin).append("\r\n");
        sb.append("s=").append(sessionName).append("\r\n");
        if (connection != null) {
            sb.append("c=").append(connection).append("\r\n");
        }
        sb.append("t=0 0\r\n");
        for (String[] a : attributes) {
            sb.append("a=").append(a[0]);
            if (a[1] != null) {
                sb.append(':').append(a[1]);
            }
            sb.append("\r\n");
        }
        for (MediaDescription m : media) {
            m.write(sb);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
