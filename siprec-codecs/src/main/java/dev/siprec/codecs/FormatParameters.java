package dev.siprec.codecs;

/** Reading {@code a=fmtp} parameter lists ({@code name=value;name=value}, RFC 8866 §6.15), for codecs. */
public final class FormatParameters {

    private FormatParameters() {
    }

    /** A parameter's value (its name compared case-insensitively), or {@code null}. */
    public static String parameter(String fmtp, String name) {
        if (fmtp == null) {
            return null;
        }
        for (String param : fmtp.split(";")) {
            String[] kv = param.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase(name)) {
                return kv[1].trim();
            }
        }
        return null;
    }
}
