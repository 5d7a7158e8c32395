package dev.siprec.sip.message;

/** A parsed CSeq header: sequence number and method (RFC 3261 §20.16). */
public record CSeq(long number, String method) {

    /** Parses a CSeq value; returns {@code null} when it is malformed. */
    public static CSeq parse(String value) {
        String v = value.trim();
        int sp = indexOfWhitespace(v);
        if (sp <= 0) {
            return null;
        }
        try {
            long n = Long.parseLong(v.substring(0, sp));
            String method = v.substring(sp).trim();
            // RFC 3261 §8.1.1.5: the sequence number is a 32-bit unsigned integer
            if (n < 0 || n > 0xFFFFFFFFL || method.isEmpty() || indexOfWhitespace(method) >= 0) {
                return null;
            }
            return new CSeq(n, method);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return number + " " + method;
    }
}
