package dev.siprec.sip.sdp;

/**
 * A payload format: {@code a=rtpmap:PT encoding/clock[/channels]} (RFC 8866 §6.6), or the
 * static assignment of RFC 3551 Table 4 when the offer has no rtpmap for a static type.
 */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {

    /** The RFC 3551 static audio payload types this library knows, or {@code null}. */
    public static RtpMap staticType(int pt) {
        switch (pt) {
            case 0: return new RtpMap(0, "PCMU", 8000, 1);
            case 2: return new RtpMap(2, "G721", 8000, 1); // RFC 1890's; RFC 3551 §4.5.4 reads it as G726-32
            case 3: return new RtpMap(3, "GSM", 8000, 1);
            case 4: return new RtpMap(4, "G723", 8000, 1);
            case 8: return new RtpMap(8, "PCMA", 8000, 1);
            case 9: return new RtpMap(9, "G722", 8000, 1);
            case 13: return new RtpMap(13, "CN", 8000, 1);
            case 18: return new RtpMap(18, "G729", 8000, 1);
            default: return null;
        }
    }

    /** Parses the value after {@code rtpmap:}; {@code null} when malformed. */
    static RtpMap parse(String value) {
        String v = value.trim();
        int sp = v.indexOf(' ');
        if (sp <= 0) {
            return null;
        }
        try {
            int pt = Integer.parseInt(v.substring(0, sp));
            String rest = v.substring(sp + 1).trim();
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                return null;
            }
            int slash2 = rest.indexOf('/', slash + 1);
            String clockText = (slash2 < 0 ? rest.substring(slash + 1) : rest.substring(slash + 1, slash2)).trim();
            int slash3 = slash2 < 0 ? -1 : rest.indexOf('/', slash2 + 1);
            String channelText = slash2 < 0 ? ""
                    : (slash3 < 0 ? rest.substring(slash2 + 1) : rest.substring(slash2 + 1, slash3)).trim();
            int clock = Integer.parseInt(clockText);
            int channels = channelText.isEmpty() ? 1 : Integer.parseInt(channelText);
            String encoding = rest.substring(0, slash).trim();
            if (encoding.isEmpty()) {
                return null;
            }
            return new RtpMap(pt, encoding, clock, channels);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether {@code value} (after {@code rtpmap:}) describes {@code payloadType}, without parsing it. */
    static boolean isOf(String value, int payloadType) {
        int i = 0;
        int n = value.length();
        while (i < n && value.charAt(i) == ' ') {
            i++;
        }
        int pt = 0;
        int digits = 0;
        while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9' && digits < 4) {
            pt = pt * 10 + value.charAt(i++) - '0';
            digits++;
        }
        return digits > 0 && pt == payloadType && (i == n || value.charAt(i) == ' ');
    }

    /** Whether this is RFC 4733 {@code telephone-event}. */
    public boolean isTelephoneEvent() {
        return encoding.equalsIgnoreCase("telephone-event");
    }

    /** Whether this is RFC 3389 comfort noise ({@code CN}). */
    public boolean isComfortNoise() {
        return encoding.equalsIgnoreCase("CN");
    }

    /** The value after {@code rtpmap:}. */
    public String format() {
        return payloadType + " " + encoding + "/" + clockRate + (channels != 1 ? "/" + channels : "");
    }
}
