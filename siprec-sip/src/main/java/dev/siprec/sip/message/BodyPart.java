package dev.siprec.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One part of a {@code multipart/mixed} body (RFC 2046 §5.1), or a whole single-part body.
 *
 * @param contentType the part's Content-Type; {@code text/plain} when absent (RFC 2046 §5.1.1)
 * @param headers the part's header lines as name/value pairs, names canonical
 * @param content the part's content bytes
 */
public record BodyPart(MediaType contentType, List<String[]> headers, byte[] content) {

    /** The first value of a part header, or {@code null}. */
    public String header(String name) {
        String canonical = SipHeaders.canonical(name);
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(canonical)) {
                return h[1];
            }
        }
        return null;
    }

    /** The disposition type of Content-Disposition (e.g. {@code recording-session}), or {@code null}. */
    public String disposition() {
        String d = header(SipHeaders.CONTENT_DISPOSITION);
        if (d == null) {
            return null;
        }
        int semi = d.indexOf(';');
        return (semi < 0 ? d : d.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** The content as UTF-8 text. */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
