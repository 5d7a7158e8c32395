package dev.siprec.sip.message;

import java.util.Map;

/**
 * A parsed From, To or Contact value (RFC 3261 §20.10, §20.20, §20.39):
 * {@code "Display" <uri>;params} or a bare {@code uri;params}. For a bare URI, parameters
 * after it belong to the header, not the URI.
 *
 * @param displayName the display name without quotes, or {@code null}
 * @param uri the URI, without angle brackets
 * @param params header parameters, names lower-cased
 */
public record NameAddress(String displayName, String uri, Map<String, String> params) {

    /** Parses a name-addr or addr-spec; tolerant of missing brackets and spacing. */
    public static NameAddress parse(String value) {
        String v = value.trim();
        int lt = -1;
        boolean quoted = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                int close = HeaderValues.closingQuote(v, i);
                if (close < 0) {
                    break;
                }
                quoted = true;
                i = close;
            } else if (c == '<') {
                lt = i;
                break;
            }
        }
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            String display = v.substring(0, lt).trim();
            String uri = gt < 0 ? v.substring(lt + 1) : v.substring(lt + 1, gt);
            Map<String, String> params = gt < 0 ? Map.of() : HeaderValues.parameters(v, gt + 1);
            display = display.isEmpty() ? null : (quoted ? HeaderValues.unquote(display) : display);
            return new NameAddress(display, uri.trim(), params);
        }
        int semi = v.indexOf(';');
        String uri = semi < 0 ? v : v.substring(0, semi);
        return new NameAddress(null, uri.trim(), semi < 0 ? Map.of() : HeaderValues.parameters(v, semi));
    }

    /** The tag parameter, or {@code null}. */
    public String tag() {
        String t = params.get("tag");
        return t == null || t.isEmpty() ? null : t;
    }

    /** Whether a header parameter (for example a feature tag like {@code +sip.src}) is present. */
    public boolean hasParam(String name) {
        return params.containsKey(name.toLowerCase(java.util.Locale.ROOT));
    }
}
