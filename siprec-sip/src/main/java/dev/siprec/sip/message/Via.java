package dev.siprec.sip.message;

import java.util.Locale;
import java.util.Map;

/**
 * One parsed Via element (RFC 3261 §20.42): {@code SIP/2.0/UDP host:port;branch=...}.
 *
 * @param transport the transport token, upper-cased
 * @param host the sent-by host (IPv6 without brackets)
 * @param port the sent-by port, or -1 when absent
 * @param params the parameters, names lower-cased
 */
public record Via(String transport, String host, int port, Map<String, String> params) {

    /** The RFC 3261 branch prefix that marks a transaction id (§8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    /** Parses one Via element; returns {@code null} when it is malformed. */
    public static Via parse(String value) {
        String v = value.trim();
        int slash1 = v.indexOf('/');
        int slash2 = slash1 < 0 ? -1 : v.indexOf('/', slash1 + 1);
        if (slash2 < 0) {
            return null;
        }
        int i = slash2 + 1;
        while (i < v.length() && !Character.isWhitespace(v.charAt(i))) {
            i++;
        }
        String transport = v.substring(slash2 + 1, i).trim().toUpperCase(Locale.ROOT);
        int semi = v.indexOf(';', i);
        String sentBy = (semi < 0 ? v.substring(i) : v.substring(i, semi)).trim();
        if (transport.isEmpty() || sentBy.isEmpty()) {
            return null;
        }
        HostPort hp = HostPort.parse(sentBy);
        if (hp == null) {
            return null;
        }
        Map<String, String> params = semi < 0 ? Map.of() : HeaderValues.parameters(v, semi);
        return new Via(transport, hp.host(), hp.port(), params);
    }

    /** The branch parameter, or {@code null}. */
    public String branch() {
        return params.get("branch");
    }

    /** The sent-by as {@code host:port} (port 5060 when absent), for transaction matching. */
    public String sentBy() {
        return host + ":" + (port < 0 ? 5060 : port);
    }
}
