package dev.siprec.sip.dialog;

import dev.siprec.sip.message.HeaderValues;
import dev.siprec.sip.message.SipHeaders;
import dev.siprec.sip.message.SipRequest;

import java.util.Locale;
import java.util.Map;

/**
 * Session timer negotiation for a UAS (RFC 4028 §9): what to answer to the Session-Expires,
 * Min-SE and Supported: timer of an INVITE or UPDATE.
 */
final class SessionTimer {

    /**
     * The outcome.
     *
     * @param interval the session interval in seconds
     * @param weRefresh whether we are the refresher (the SRC asked for refresher=uas)
     * @param requireTimer whether the 2xx carries Require: timer (the SRC supports timer)
     */
    record Negotiated(int interval, boolean weRefresh, boolean requireTimer) {
    }

    private SessionTimer() {
    }

    /** False when the request's Session-Expires is below our minimum: 422 (§9). */
    static boolean acceptable(SipRequest request, int minSe) {
        int se = sessionExpires(request);
        return se < 0 || se >= minSe;
    }

    /**
     * Null when no session timer applies: the request has no Session-Expires and does not
     * support timer. When the SRC supports timer and names no refresher, it refreshes (§9:
     * the UAS chooses, and an SRS that only records should not have to).
     */
    static Negotiated negotiate(SipRequest request, int minSe) {
        int se = sessionExpires(request);
        boolean supports = request.hasOptionTag(SipHeaders.SUPPORTED, "timer")
                || request.hasOptionTag(SipHeaders.REQUIRE, "timer");
        if (se < 0 && !supports) {
            return null;
        }
        int interval = se < 0 ? Math.max(minSe, 1800) : se;
        Integer minFromRequest = parseSeconds(request.header("Min-SE"));
        if (minFromRequest != null && interval < minFromRequest) {
            interval = minFromRequest;
        }
        String refresher = refresher(request);
        boolean weRefresh = "uas".equals(refresher) || (refresher == null && !supports);
        return new Negotiated(interval, weRefresh, supports);
    }

    /** The Session-Expires delta-seconds (compact form x), or -1. */
    static int sessionExpires(SipRequest request) {
        String v = request.header("Session-Expires");
        if (v == null) {
            return -1;
        }
        int semi = v.indexOf(';');
        Integer seconds = parseSeconds(semi < 0 ? v : v.substring(0, semi));
        return seconds == null ? -1 : seconds;
    }

    private static String refresher(SipRequest request) {
        String v = request.header("Session-Expires");
        if (v == null) {
            return null;
        }
        int semi = v.indexOf(';');
        if (semi < 0) {
            return null;
        }
        Map<String, String> params = HeaderValues.parameters(v, semi);
        String r = params.get("refresher");
        return r == null ? null : r.toLowerCase(Locale.ROOT);
    }

    private static Integer parseSeconds(String v) {
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.trim());
            return n < 0 ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
