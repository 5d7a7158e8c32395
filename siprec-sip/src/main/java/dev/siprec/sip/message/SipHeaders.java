package dev.siprec.sip.message;

import java.util.Locale;
import java.util.Map;

/** Canonical header names and the compact forms of RFC 3261 §7.3.3 and §20. */
public final class SipHeaders {

    /** {@code Via} */
    public static final String VIA = "Via";
    /** {@code From} */
    public static final String FROM = "From";
    /** {@code To} */
    public static final String TO = "To";
    /** {@code Call-ID} */
    public static final String CALL_ID = "Call-ID";
    /** {@code CSeq} */
    public static final String CSEQ = "CSeq";
    /** {@code Contact} */
    public static final String CONTACT = "Contact";
    /** {@code Max-Forwards} */
    public static final String MAX_FORWARDS = "Max-Forwards";
    /** {@code Content-Type} */
    public static final String CONTENT_TYPE = "Content-Type";
    /** {@code Content-Length} */
    public static final String CONTENT_LENGTH = "Content-Length";
    /** {@code Content-Disposition} */
    public static final String CONTENT_DISPOSITION = "Content-Disposition";
    /** {@code Supported} */
    public static final String SUPPORTED = "Supported";
    /** {@code Require} */
    public static final String REQUIRE = "Require";
    /** {@code Allow} */
    public static final String ALLOW = "Allow";
    /** {@code Accept} */
    public static final String ACCEPT = "Accept";
    /** {@code Server} */
    public static final String SERVER = "Server";
    /** {@code Warning} */
    public static final String WARNING = "Warning";
    /** {@code Unsupported} */
    public static final String UNSUPPORTED = "Unsupported";

    /** {@code User-Agent} */
    public static final String USER_AGENT = "User-Agent";
    /** {@code Route} */
    public static final String ROUTE = "Route";
    /** {@code Record-Route} */
    public static final String RECORD_ROUTE = "Record-Route";
    /** {@code Session-Expires} (RFC 4028) */
    public static final String SESSION_EXPIRES = "Session-Expires";
    /** {@code Min-SE} (RFC 4028) */
    public static final String MIN_SE = "Min-SE";
    /** {@code Retry-After} */
    public static final String RETRY_AFTER = "Retry-After";

    /** {@code X-Siprec-Load}: this recorder's load, in its answers to OPTIONS */
    public static final String X_SIPREC_LOAD = "X-Siprec-Load";

    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("v", VIA), Map.entry("via", VIA),
            Map.entry("f", FROM), Map.entry("from", FROM),
            Map.entry("t", TO), Map.entry("to", TO),
            Map.entry("i", CALL_ID), Map.entry("call-id", CALL_ID),
            Map.entry("cseq", CSEQ),
            Map.entry("m", CONTACT), Map.entry("contact", CONTACT),
            Map.entry("max-forwards", MAX_FORWARDS),
            Map.entry("c", CONTENT_TYPE), Map.entry("content-type", CONTENT_TYPE),
            Map.entry("l", CONTENT_LENGTH), Map.entry("content-length", CONTENT_LENGTH),
            Map.entry("e", "Content-Encoding"), Map.entry("content-encoding", "Content-Encoding"),
            Map.entry("content-disposition", CONTENT_DISPOSITION),
            Map.entry("k", SUPPORTED), Map.entry("supported", SUPPORTED),
            Map.entry("require", REQUIRE),
            Map.entry("allow", ALLOW),
            Map.entry("accept", ACCEPT),
            Map.entry("s", "Subject"), Map.entry("subject", "Subject"),
            Map.entry("r", "Refer-To"), Map.entry("refer-to", "Refer-To"),
            Map.entry("b", "Referred-By"),
            Map.entry("o", "Event"), Map.entry("u", "Allow-Events"),
            Map.entry("x", "Session-Expires"), Map.entry("session-expires", "Session-Expires"),
            Map.entry("min-se", "Min-SE"),
            Map.entry("mime-version", "MIME-Version"),
            Map.entry("server", SERVER), Map.entry("user-agent", "User-Agent"),
            Map.entry("unsupported", UNSUPPORTED), Map.entry("warning", WARNING),
            Map.entry("record-route", "Record-Route"), Map.entry("route", "Route"));

    /**
     * The canonical names themselves, looked up as given: the library and most SRCs spell
     * headers canonically, so the common lookup needs no lower-casing (a copy per call).
     */
    private static final Map<String, String> EXACT = exact();

    private static Map<String, String> exact() {
        Map<String, String> m = new java.util.HashMap<>();
        for (String c : CANONICAL.values()) {
            m.put(c, c);
        }
        return Map.copyOf(m);
    }

    private SipHeaders() {
    }

    /**
     * The canonical spelling of a header name; unknown names are returned as given. For a
     * known header the same {@code String} instance is returned each time.
     */
    public static String canonical(String name) {
        String c = EXACT.get(name);
        if (c == null) {
            c = CANONICAL.get(name.toLowerCase(Locale.ROOT));
        }
        return c != null ? c : name;
    }

    /** Whether a stored (canonical) header name is {@code canonical}: identity first, then case. */
    static boolean sameName(String stored, String canonical) {
        return stored == canonical || stored.equalsIgnoreCase(canonical);
    }
}
