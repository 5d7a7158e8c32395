package dev.siprec.sip;

import java.util.Locale;
import java.util.Map;

/** Canonical header names and the compact forms of RFC 3261 §7.3.3 and §20. */
final class SipHeaders {

    static final String VIA = "Via";
    static final String FROM = "From";
    static final String TO = "To";
    static final String CALL_ID = "Call-ID";
    static final String CSEQ = "CSeq";
    static final String CONTACT = "Contact";
    static final String MAX_FORWARDS = "Max-Forwards";
    static final String CONTENT_TYPE = "Content-Type";
    static final String CONTENT_LENGTH = "Content-Length";
    static final String CONTENT_DISPOSITION = "Content-Disposition";
    static final String SUPPORTED = "Supported";
    static final String REQUIRE = "Require";
    static final String ALLOW = "Allow";
    static final String ACCEPT = "Accept";
    static final String SERVER = "Server";
    static final String WARNING = "Warning";
    static final String UNSUPPORTED = "Unsupported";

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

    private SipHeaders() {
    }

    /** The canonical spelling of a header name; unknown names are returned as given. */
    static String canonical(String name) {
        String c = CANONICAL.get(name.toLowerCase(Locale.ROOT));
        return c != null ? c : name;
    }
}
