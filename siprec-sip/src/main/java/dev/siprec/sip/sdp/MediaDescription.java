package dev.siprec.sip.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code m=} section (RFC 8866 §5.14) with its connection and attributes.
 * Attributes are kept in order as name/value pairs (value {@code null} for flags).
 */
public final class MediaDescription {

    private final String media;
    private final int port;
    private final String proto;
    private final List<String> formats;
    private Connection connection;
    private final List<String[]> attributes = new ArrayList<>();

    /** An m-line; attributes and connection are added afterwards. */
    public MediaDescription(String media, int port, String proto, List<String> formats) {
        this.media = media;
        this.port = port;
        this.proto = proto;
        this.formats = List.copyOf(formats);
    }

    /** The media type: {@code audio}, {@code video}, ... */
    public String media() {
        return media;
    }

    /** The transport port (0 = declined or disabled). */
    public int port() {
        return port;
    }

    /** The transport protocol, e.g. {@code RTP/AVP}. */
    public String proto() {
        return proto;
    }

    /** The format list (payload type numbers for RTP). */
    public List<String> formats() {
        return formats;
    }

    /** The media-level connection, or {@code null}. */
    public Connection connection() {
        return connection;
    }

    /** Sets the media-level connection. */
    public MediaDescription connection(Connection c) {
        this.connection = c;
        return this;
    }

    /** Appends an attribute ({@code value} null for a property attribute). */
    public MediaDescription attribute(String name, String value) {
        attributes.add(new String[] {name, value});
        return this;
    }

    /** All attributes in order. */
    public List<String[]> attributes() {
        return attributes;
    }

    /** The value of the first attribute with this name, {@code ""} for a flag, or {@code null}. */
    public String attributeValue(String name) {
        for (String[] a : attributes) {
            if (a[0].equalsIgnoreCase(name)) {
                return a[1] == null ? "" : a[1];
            }
        }
        return null;
    }

    /** The values of every attribute with this name, in order ({@code ""} for a flag). */
    public List<String> attributeValues(String name) {
        List<String> out = new java.util.ArrayList<>(2);
        for (String[] a : attributes) {
            if (a[0].equalsIgnoreCase(name)) {
                out.add(a[1] == null ? "" : a[1]);
            }
        }
        return out;
    }

    /** The {@code a=label} (RFC 4574), or {@code null}. */
    public String label() {
        String l = attributeValue("label");
        return l == null ? null : l.trim();
    }

    /** The direction attribute of this section, or {@code null} when it has none. */
    public Direction direction() {
        for (String[] a : attributes) {
            Direction d = Direction.fromAttribute(a[0]);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /** The payload format of one of this section's payload types: its rtpmap or the static type. */
    public RtpMap rtpMap(int payloadType) {
        for (String[] a : attributes) {
            // only the line of this payload type is parsed (an offer lists a dozen formats)
            if (a[0].equalsIgnoreCase("rtpmap") && a[1] != null && RtpMap.isOf(a[1], payloadType)) {
                RtpMap m = RtpMap.parse(a[1]);
                if (m != null && m.payloadType() == payloadType) {
                    return m;
                }
            }
        }
        return RtpMap.staticType(payloadType);
    }

    /** The {@code a=fmtp} parameters of a payload type, or {@code null}. */
    public String fmtp(int payloadType) {
        String prefix = payloadType + " ";
        for (String[] a : attributes) {
            if (a[0].equalsIgnoreCase("fmtp") && a[1] != null && a[1].startsWith(prefix)) {
                return a[1].substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /** Whether this is an RTP audio section. */
    public boolean isRtpAudio() {
        return media.equalsIgnoreCase("audio") && proto.toUpperCase(Locale.ROOT).startsWith("RTP/");
    }

    void write(StringBuilder sb) {
        sb.append("m=").append(media).append(' ').append(port).append(' ').append(proto);
        for (String f : formats) {
            sb.append(' ').append(f);
        }
        sb.append("\r\n");
        if (connection != null) {
            sb.append("c=").append(connection).append("\r\n");
        }
        for (String[] a : attributes) {
            sb.append("a=").append(a[0]);
            if (a[1] != null) {
                sb.append(':').append(a[1]);
            }
            sb.append("\r\n");
        }
    }
}
