package dev.siprec.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SIP messages (RFC 3261 §7). Tolerant where real peers differ (bare LF line ends,
 * header folding, compact names, spaces before the colon); strict where a wrong guess would
 * be harmful (Content-Length, CSeq, mandatory headers), answering with the reason.
 */
public final class SipMessageParser {

    /** Largest header section accepted, in bytes. */
    public static final int MAX_HEADER_BYTES = 32 * 1024;

    private SipMessageParser() {
    }

    /**
     * Parses a message that arrived in one datagram. The body is what follows the headers,
     * cut to Content-Length when it is shorter; a Content-Length beyond the datagram is an
     * error (RFC 3261 §18.3).
     */
    public static SipMessage parseDatagram(byte[] data, int offset, int length) throws SipParseException {
        return parse(data, offset, length, true);
    }

    /** Parses a message framed by a stream transport: exactly one message, body included. */
    public static SipMessage parseFramed(byte[] data, int offset, int length) throws SipParseException {
        return parse(data, offset, length, false);
    }

    private static SipMessage parse(byte[] data, int offset, int length, boolean datagram)
            throws SipParseException {
        int end = offset + length;
        int start = offset;
        // RFC 3261 §7.5: ignore CRLFs before the start line
        while (start < end && (data[start] == '\r' || data[start] == '\n')) {
            start++;
        }
        if (start == end) {
            throw new SipParseException(400, "Empty message");
        }
        int headerEnd = headerEnd(data, start, end);
        int bodyStart;
        if (headerEnd < 0) {
            headerEnd = end; // tolerate a missing blank line: all headers, no body
            bodyStart = end;
        } else {
            bodyStart = headerEnd;
        }
        if (headerEnd - start > MAX_HEADER_BYTES) {
            throw new SipParseException(400, "Header section too large");
        }
        List<String> lines = unfold(new String(data, start, headerEnd - start, StandardCharsets.UTF_8));
        if (lines.isEmpty()) {
            throw new SipParseException(400, "Missing start line");
        }
        String[] startParts = lines.get(0).trim().split("[ \t]+", 3);
        SipMessage message = startLine(startParts);
        SipParseException headerError = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                if (headerError == null) {
                    headerError = new SipParseException(400, "Malformed header line: " + abbreviate(line));
                }
                continue;
            }
            String name = line.substring(0, colon).trim();
            if (name.isEmpty() || containsWhitespace(name)) {
                if (headerError == null) {
                    headerError = new SipParseException(400, "Malformed header name: " + abbreviate(name));
                }
                continue;
            }
            message.addHeader(name, line.substring(colon + 1).trim());
        }
        SipRequest answerable = message instanceof SipRequest r && canAnswer(r) ? r : null;
        if (message instanceof SipRequest && !startParts[2].equals("SIP/2.0")) {
            throw new SipParseException(505, "Version Not Supported: " + abbreviate(startParts[2]))
                    .withRequest(answerable);
        }
        if (headerError != null) {
            throw headerError.withRequest(answerable);
        }
        int available = end - bodyStart;
        int bodyLength = available;
        String contentLength = message.header(SipHeaders.CONTENT_LENGTH);
        if (contentLength != null) {
            int declared;
            try {
                declared = Integer.parseInt(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new SipParseException(400, "Malformed Content-Length").withRequest(answerable);
            }
            if (declared < 0) {
                throw new SipParseException(400, "Malformed Content-Length").withRequest(answerable);
            }
            if (declared > available) {
                throw new SipParseException(400, datagram
                        ? "Content-Length " + declared + " exceeds the " + available + " body bytes in the datagram"
                        : "Content-Length larger than the framed body").withRequest(answerable);
            }
            bodyLength = declared; // bytes beyond Content-Length are discarded (§18.3)
        } else if (!datagram) {
            bodyLength = 0;
        }
        if (bodyLength > 0) {
            byte[] body = new byte[bodyLength];
            System.arraycopy(data, bodyStart, body, 0, bodyLength);
            message.body(body);
        }
        if (message instanceof SipRequest request) {
            validateRequest(request, answerable);
        }
        return message;
    }

    private static void validateRequest(SipRequest request, SipRequest answerable) throws SipParseException {
        // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory;
        // Max-Forwards is tolerated when absent, as many implementations do.
        String[] mandatory = {SipHeaders.VIA, SipHeaders.FROM, SipHeaders.TO, SipHeaders.CALL_ID, SipHeaders.CSEQ};
        for (String h : mandatory) {
            String v = request.header(h);
            if (v == null || v.isEmpty()) {
                throw new SipParseException(400, "Missing " + h + " header").withRequest(answerable);
            }
        }
        if (request.topVia() == null) {
            throw new SipParseException(400, "Malformed Via header");
        }
        CSeq cseq = request.cseq();
        if (cseq == null) {
            throw new SipParseException(400, "Malformed CSeq header").withRequest(answerable);
        }
        if (cseq.number() >= 1L << 31) {
            // RFC 3261 §8.1.1.5: less than 2^31, so that a dialog's later requests can count up
            throw new SipParseException(400, "CSeq number must be less than 2^31").withRequest(answerable);
        }
        if (!cseq.method().equals(request.method())) {
            throw new SipParseException(400, "CSeq method " + cseq.method() + " does not match request method "
                    + request.method()).withRequest(answerable);
        }
        String maxForwards = request.header(SipHeaders.MAX_FORWARDS);
        if (maxForwards != null) {
            try {
                int mf = Integer.parseInt(maxForwards.trim());
                if (mf < 0 || mf > 255) {
                    throw new SipParseException(400, "Malformed Max-Forwards").withRequest(answerable);
                }
            } catch (NumberFormatException e) {
                throw new SipParseException(400, "Malformed Max-Forwards").withRequest(answerable);
            }
        }
    }

    /** A request can be answered when its response can be routed and matched (§8.2.6, §18.2.2). */
    private static boolean canAnswer(SipRequest r) {
        return r.topVia() != null && r.header(SipHeaders.CALL_ID) != null && r.header(SipHeaders.CSEQ) != null
                && r.header(SipHeaders.FROM) != null && r.header(SipHeaders.TO) != null;
    }

    private static SipMessage startLine(String[] parts) throws SipParseException {
        if (parts.length >= 2 && parts[0].startsWith("SIP/")) {
            if (!parts[0].equals("SIP/2.0")) {
                throw new SipParseException(400, "Unsupported SIP version in status line");
            }
            try {
                int code = Integer.parseInt(parts[1]);
                if (code < 100 || code > 699) {
                    throw new SipParseException(400, "Status code out of range");
                }
                return new SipResponse(code, parts.length == 3 ? parts[2] : "");
            } catch (NumberFormatException e) {
                throw new SipParseException(400, "Malformed status line");
            }
        }
        if (parts.length != 3 || !isToken(parts[0])) {
            throw new SipParseException(400, "Malformed request line");
        }
        // a version other than SIP/2.0 is answered with 505 once the headers show where to send it
        return new SipRequest(parts[0], parts[1]);
    }

    /** Offset just past the blank line that ends the headers, or -1. Accepts CRLF and bare LF. */
    static int headerEnd(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == '\n') {
                int j = i + 1;
                if (j < to && data[j] == '\r') {
                    j++;
                }
                if (j < to && data[j] == '\n') {
                    return j + 1;
                }
            }
        }
        return -1;
    }

    /** Splits into lines (CRLF or LF) and joins folded continuation lines (RFC 3261 §7.3.1). */
    private static List<String> unfold(String block) {
        List<String> lines = new ArrayList<>(24);
        int i = 0;
        int n = block.length();
        while (i < n) {
            int nl = block.indexOf('\n', i);
            int lineEnd = nl < 0 ? n : nl;
            int contentEnd = lineEnd > i && block.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            String line = block.substring(i, contentEnd);
            i = nl < 0 ? n : nl + 1;
            if (line.isEmpty()) {
                continue;
            }
            char first = line.charAt(0);
            if ((first == ' ' || first == '\t') && !lines.isEmpty()) {
                int last = lines.size() - 1;
                lines.set(last, lines.get(last) + " " + line.trim());
            } else {
                lines.add(line);
            }
        }
        return lines;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
