package dev.siprec.sip.message;

import java.util.Locale;
import java.util.Map;

/**
 * A parsed Content-Type (RFC 2045 §5.1): {@code type/subtype} lower-cased, and parameters
 * (names lower-cased, quotes removed). Spaces around {@code ;} and {@code =} are tolerated.
 */
public record MediaType(String type, String subtype, Map<String, String> params) {

    /** Parses a Content-Type value; malformed values give type and subtype as far as present. */
    public static MediaType parse(String value) {
        String v = value.trim();
        int semi = HeaderValues.firstParamSeparator(v, 0);
        String full = (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        int slash = full.indexOf('/');
        String type = slash < 0 ? full : full.substring(0, slash).trim();
        String subtype = slash < 0 ? "" : full.substring(slash + 1).trim();
        Map<String, String> params = semi < 0 ? Map.of() : HeaderValues.parameters(v, semi);
        return new MediaType(type, subtype, params);
    }

    /** {@code type/subtype}. */
    public String essence() {
        return type + "/" + subtype;
    }

    /** Whether this is {@code type/subtype} (case-insensitive). */
    public boolean is(String essence) {
        return essence().equalsIgnoreCase(essence);
    }

    /** A parameter value, or {@code null}. */
    public String param(String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }
}
