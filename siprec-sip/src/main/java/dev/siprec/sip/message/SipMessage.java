package dev.siprec.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A SIP request or response (RFC 3261 §7): start line, ordered headers, body. Header names
 * are matched case-insensitively and compact forms are expanded when the message is read.
 * Not thread-safe.
 */
public abstract class SipMessage {

    private final List<String[]> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    SipMessage() {
    }

    /** The first value of a header, or {@code null}. Names are case-insensitive, compact forms allowed. */
    public final String header(String name) {
        String canonical = SipHeaders.canonical(name);
        for (String[] h : headers) {
            if (SipHeaders.sameName(h[0], canonical)) {
                return h[1];
            }
        }
        return null;
    }

    /** Every value of a header, in order: each header line, not split at commas. */
    public final List<String> headers(String name) {
        String canonical = SipHeaders.canonical(name);
        List<String> values = new ArrayList<>(2);
        for (String[] h : headers) {
            if (SipHeaders.sameName(h[0], canonical)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    /**
     * Every element of a comma-separated header (RFC 3261 §7.3.1), across repeated header
     * lines, trimmed; commas inside quoted strings and angle brackets do not split.
     */
    public final List<String> headerElements(String name) {
        List<String> elements = new ArrayList<>(4);
        for (String value : headers(name)) {
            HeaderValues.splitCommas(value, elements);
        }
        return elements;
    }

    /** Whether a comma-separated header (Supported, Require, ...) lists an option tag. */
    public final boolean hasOptionTag(String headerName, String tag) {
        for (String element : headerElements(headerName)) {
            if (element.equalsIgnoreCase(tag)) {
                return true;
            }
        }
        return false;
    }

    /** All header lines as name/value pairs, in order. */
    public final List<String[]> allHeaders() {
        return Collections.unmodifiableList(headers);
    }

    /** Appends a header line. */
    public final SipMessage addHeader(String name, String value) {
        headers.add(new String[] {SipHeaders.canonical(name), value});
        return this;
    }

    /** Replaces every line of a header by one line with this value (appended when absent). */
    public final SipMessage setHeader(String name, String value) {
        String canonical = SipHeaders.canonical(name);
        for (int i = 0; i < headers.size(); i++) {
            if (SipHeaders.sameName(headers.get(i)[0], canonical)) {
                headers.set(i, new String[] {canonical, value});
                for (int j = headers.size() - 1; j > i; j--) {
                    if (SipHeaders.sameName(headers.get(j)[0], canonical)) {
                        headers.remove(j);
                    }
                }
                return this;
            }
        }
        return addHeader(canonical, value);
    }

    /** Removes every line of a header. */
    public final SipMessage removeHeader(String name) {
        String canonical = SipHeaders.canonical(name);
        headers.removeIf(h -> SipHeaders.sameName(h[0], canonical));
        return this;
    }

    /** The body bytes (never null; empty when there is none). */
    public final byte[] body() {
        return body;
    }

    /** Sets the body; {@code Content-Length} is written from it when the message is encoded. */
    public final SipMessage setBody(String contentType, byte[] body) {
        this.body = body == null ? new byte[0] : body;
        if (contentType != null) {
            setHeader(SipHeaders.CONTENT_TYPE, contentType);
        } else {
            removeHeader(SipHeaders.CONTENT_TYPE);
        }
        return this;
    }

    final void body(byte[] body) {
        this.body = body;
    }

    /** The Call-ID. */
    public final String callId() {
        return header(SipHeaders.CALL_ID);
    }

    /** The parsed CSeq header, or {@code null} when absent or malformed. */
    public final CSeq cseq() {
        String v = header(SipHeaders.CSEQ);
        return v == null ? null : CSeq.parse(v);
    }

    /** The topmost Via, parsed, or {@code null}. */
    public final Via topVia() {
        List<String> vias = headerElements(SipHeaders.VIA);
        return vias.isEmpty() ? null : Via.parse(vias.get(0));
    }

    /** The From header, parsed, or {@code null}. */
    public final NameAddress from() {
        String v = header(SipHeaders.FROM);
        return v == null ? null : NameAddress.parse(v);
    }

    /** The To header, parsed, or {@code null}. */
    public final NameAddress to() {
        String v = header(SipHeaders.TO);
        return v == null ? null : NameAddress.parse(v);
    }

    /** The Content-Type, parsed, or {@code null} when there is none. */
    public final MediaType contentType() {
        String v = header(SipHeaders.CONTENT_TYPE);
        return v == null ? null : MediaType.parse(v);
    }

    abstract void writeStartLine(StringBuilder out);

    /** The wire form: start line, headers, a {@code Content-Length} matching the body, body. */
    public final byte[] encode() {
        StringBuilder sb = new StringBuilder(512);
        writeStartLine(sb);
        sb.append("\r\n");
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase(SipHeaders.CONTENT_LENGTH)) {
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }
}
