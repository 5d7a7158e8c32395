package dev.siprec.sip.message;

/** A host with an optional port; IPv6 references in brackets (RFC 3261 §25.1 hostport). */
record HostPort(String host, int port) {

    static HostPort parse(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        String host;
        String rest;
        if (t.charAt(0) == '[') {
            int close = t.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = t.substring(1, close);
            rest = t.substring(close + 1);
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0 && t.indexOf(':', colon + 1) >= 0) {
                return new HostPort(t, -1); // bare IPv6 literal, tolerated
            }
            host = colon < 0 ? t : t.substring(0, colon);
            rest = colon < 0 ? "" : t.substring(colon);
        }
        int port = -1;
        if (!rest.isEmpty()) {
            if (rest.charAt(0) != ':') {
                return null;
            }
            try {
                port = Integer.parseInt(rest.substring(1).trim());
            } catch (NumberFormatException e) {
                return null;
            }
            if (port <= 0 || port > 65535) {
                return null;
            }
        }
        return host.isEmpty() ? null : new HostPort(host, port);
    }
}
