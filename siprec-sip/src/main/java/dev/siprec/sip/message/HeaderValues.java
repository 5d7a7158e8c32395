package dev.siprec.sip.message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Lexical helpers for header values: comma lists, parameters, quoted strings (RFC 3261 §25.1). */
public final class HeaderValues {

    private HeaderValues() {
    }

    /** Splits at commas that are outside quoted strings and angle brackets. */
    static void splitCommas(String value, List<String> out) {
        int start = 0;
        boolean quoted = false;
        int angle = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle++;
            } else if (c == '>') {
                angle = Math.max(0, angle - 1);
            } else if (c == ',' && angle == 0) {
                addTrimmed(value, start, i, out);
                start = i + 1;
            }
        }
        addTrimmed(value, start, value.length(), out);
    }

    private static void addTrimmed(String value, int from, int to, List<String> out) {
        String s = value.substring(from, to).trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }

    /**
     * Parses {@code ;name=value;flag;name="quoted"} parameters starting at {@code from}.
     * Names are lower-cased; a flag has the value {@code ""}; quotes are removed.
     */
    public static Map<String, String> parameters(String s, int from) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = from;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ';' || Character.isWhitespace(s.charAt(i)))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int nameStart = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ';' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String value = "";
            if (i < n && s.charAt(i) == '=') {
                i++;
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i < n && s.charAt(i) == '"') {
                    int end = closingQuote(s, i);
                    value = unquote(s.substring(i, end < 0 ? n : end + 1));
                    i = end < 0 ? n : end + 1;
                } else {
                    int valueStart = i;
                    while (i < n && s.charAt(i) != ';') {
                        i++;
                    }
                    value = s.substring(valueStart, i).trim();
                }
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, value);
            }
            while (i < n && s.charAt(i) != ';') {
                i++;
            }
        }
        return params;
    }

    /** Index of the quote closing the one at {@code open}, honouring backslash escapes; -1 if none. */
    static int closingQuote(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    /** Removes surrounding quotes and backslash escapes; unquoted strings are returned trimmed. */
    static String unquote(String s) {
        String t = s.trim();
        if (t.length() < 2 || t.charAt(0) != '"' || t.charAt(t.length() - 1) != '"') {
            return t;
        }
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 1; i < t.length() - 1; i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length() - 1) {
                c = t.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** Index of the first {@code ;} outside quotes and angle brackets at or after {@code from}, or -1. */
    static int firstParamSeparator(String s, int from) {
        boolean quoted = false;
        int angle = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle++;
            } else if (c == '>') {
                angle--;
            } else if (c == ';' && angle <= 0) {
                return i;
            }
        }
        return -1;
    }
}
