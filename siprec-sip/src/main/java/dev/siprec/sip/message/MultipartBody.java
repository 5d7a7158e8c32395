package dev.siprec.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code multipart/*} bodies (RFC 2046 §5.1.1): preamble and epilogue ignored, parts
 * in any order, per-part headers with or without a space after the colon, CRLF or bare LF.
 */
public final class MultipartBody {

    private MultipartBody() {
    }

    /**
     * The body parts of a multipart body.
     *
     * @param boundary the {@code boundary} parameter of the Content-Type, without quotes
     * @throws SipParseException (400) when no delimiter or no closing part is found
     */
    public static List<BodyPart> parse(byte[] body, String boundary) throws SipParseException {
        return parse(body, boundary, new ArrayList<>());
    }

    /**
     * As {@link #parse(byte[], String)}, salvaging what damage leaves readable: a final part
     * whose close delimiter is missing (seen in Sonus and ProComm captures, and in bodies cut
     * short in transit) is taken as it stands. What was repaired is added to {@code repairs},
     * in words, so that the caller can report it.
     */
    public static List<BodyPart> parse(byte[] body, String boundary, List<String> repairs) throws SipParseException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new SipParseException(400, "multipart body without a valid boundary parameter");
        }
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<BodyPart> parts = new ArrayList<>(3);
        int pos = findDelimiter(body, dash, 0);
        if (pos < 0) {
            throw new SipParseException(400, "multipart body has no delimiter for its boundary");
        }
        while (true) {
            int afterDelimiter = pos + dash.length;
            if (startsWith(body, afterDelimiter, "--")) {
                return parts; // close-delimiter; the epilogue is ignored
            }
            int lineEnd = indexOf(body, (byte) '\n', afterDelimiter); // skip transport padding
            if (lineEnd < 0) {
                break;
            }
            int partStart = lineEnd + 1;
            int next = findDelimiter(body, dash, partStart);
            if (next < 0) {
                // no delimiter after this part: the body ends without its close delimiter
                int partEnd = body.length;
                while (partEnd > partStart && (body[partEnd - 1] == '\n' || body[partEnd - 1] == '\r')) {
                    partEnd--;
                }
                if (partEnd > partStart) {
                    BodyPart last = part(body, partStart, partEnd);
                    parts.add(last);
                    repairs.add("multipart body has no close delimiter; its last part ("
                            + (last.contentType() == null ? "no Content-Type" : last.contentType().essence())
                            + ", " + last.content().length + " bytes) was taken as it stands");
                }
                break;
            }
            // the line break before the delimiter belongs to the delimiter
            int partEnd = next;
            if (partEnd > partStart && body[partEnd - 1] == '\n') {
                partEnd--;
                if (partEnd > partStart && body[partEnd - 1] == '\r') {
                    partEnd--;
                }
            }
            parts.add(part(body, partStart, partEnd));
            pos = next;
        }
        if (parts.isEmpty()) {
            throw new SipParseException(400, "multipart body is not terminated by its close delimiter");
        }
        return parts; // tolerate a missing close delimiter after at least one whole part
    }

    private static BodyPart part(byte[] body, int start, int end) {
        List<String[]> headers = new ArrayList<>(3);
        int i = start;
        while (i < end) {
            int nl = indexOf(body, (byte) '\n', i);
            int lineEnd = nl < 0 || nl > end ? end : nl;
            int contentEnd = lineEnd > i && body[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == i) { // blank line: content follows
                i = lineEnd + 1;
                break;
            }
            String line = new String(body, i, contentEnd - i, StandardCharsets.UTF_8);
            int colon = line.indexOf(':');
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                String[] last = headers.get(headers.size() - 1);
                last[1] = last[1] + " " + line.trim();
            } else if (colon > 0) {
                headers.add(new String[] {SipHeaders.canonical(line.substring(0, colon).trim()),
                        line.substring(colon + 1).trim()});
            } else {
                // no header section: the part starts with its content
                i = start;
                headers.clear();
                break;
            }
            i = lineEnd + 1;
        }
        int contentStart = Math.min(i, end);
        byte[] content = new byte[end - contentStart];
        System.arraycopy(body, contentStart, content, 0, content.length);
        MediaType type = MediaType.parse("text/plain");
        for (String[] h : headers) {
            if (h[0].equals(SipHeaders.CONTENT_TYPE)) {
                type = MediaType.parse(h[1]);
                break;
            }
        }
        return new BodyPart(type, headers, content);
    }

    /** Index of a delimiter that starts a line (or the body), or -1. */
    private static int findDelimiter(byte[] body, byte[] dash, int from) {
        for (int i = from; i <= body.length - dash.length; i++) {
            if ((i == 0 || body[i - 1] == '\n') && regionEquals(body, i, dash)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(byte[] body, int at, byte[] pattern) {
        for (int k = 0; k < pattern.length; k++) {
            if (body[at + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] body, int at, String s) {
        if (at + s.length() > body.length) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (body[at + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte b, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
