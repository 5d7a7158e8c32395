package dev.siprec.sip.sdp;

import java.util.Locale;

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
            String[] enc = v.substring(sp + 1).trim().split("/");
            if (enc.length < 2 || enc[0].isEmpty()) {
                return null;
            }
            int clock = Integer.parseInt(enc[1].trim());
            int channels = enc.length > 2 && !enc[2].isBlank() ? Integer.parseInt(enc[2].trim()) : 1;
            return new RtpMap(pt, enc[0], clock, channels);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether this is RFC 4733 {@code telephone-event}. */
    public boolean isTelephoneEvent() {
        return encoding.toLowerCase(Locale.ROOT).equals("telephone-event");
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
