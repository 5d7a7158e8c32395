package dev.siprec.core;

import dev.siprec.media.srtp.SrtpParameters;
import dev.siprec.media.srtp.SrtpSuite;
import dev.siprec.sip.sdp.MediaDescription;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * SDP Security Descriptions (RFC 4568): reading the SRC's {@code a=crypto} lines, choosing one,
 * and the line of our answer with a key of our own. Keys never leave this class in text form
 * except in the answer's SDP; {@link Choice#toString()} shows the suite only.
 */
final class Sdes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Sdes() {
    }

    /**
     * The offered line we take and our answer to it.
     *
     * @param tag the offer's tag, echoed (RFC 4568 §5.1.2)
     * @param inbound the SRC's keying: what it sends is protected with it
     * @param outbound our keying: the RTCP we send is protected with it
     * @param answerLine the value of our {@code a=crypto} attribute
     */
    record Choice(String tag, SrtpParameters inbound, SrtpParameters outbound, String answerLine) {
        @Override
        public String toString() {
            return "crypto " + tag + " " + inbound; // no keys
        }

        /** The same choice answered with our existing key (a re-offer that keeps the suite). */
        Choice withOutbound(SrtpParameters ours) {
            return new Choice(tag, inbound, ours, Sdes.answerLine(tag, ours));
        }
    }

    /** What came of an m-line's crypto lines: a choice, or why none was taken. */
    record Outcome(Choice choice, String reason) {
    }

    /**
     * The strongest offered line we can take (RFC 4568 §7.1.1: one line answered, with its tag),
     * or the reason none was.
     */
    static Outcome choose(MediaDescription m) {
        List<String> reasons = new ArrayList<>();
        Choice best = null;
        for (String value : m.attributeValues("crypto")) {
            Parsed p = parse(value);
            if (p.reason != null) {
                reasons.add(p.reason);
                continue;
            }
            if (best == null || p.params.suite().ordinal() < best.inbound().suite().ordinal()) {
                SrtpParameters ours = ourKey(p.params);
                best = new Choice(p.tag, p.params, ours, answerLine(p.tag, ours));
            }
        }
        if (best != null) {
            return new Outcome(best, null);
        }
        return new Outcome(null, reasons.isEmpty() ? "RTP/SAVP without a=crypto (DTLS-SRTP is not supported)"
                : String.join("; ", reasons));
    }

    private record Parsed(String tag, SrtpParameters params, String reason) {
    }

    /** One {@code a=crypto} value: {@code tag suite inline:KEY[|lifetime][|MKI:len] [params]}. */
    static Parsed parse(String value) {
        String[] f = value.trim().split("\\s+");
        if (f.length < 3) {
            return new Parsed(null, null, "malformed crypto line");
        }
        String tag = f[0];
        SrtpSuite suite = SrtpSuite.fromSdp(f[1]);
        if (suite == null || !tag.matches("\\d{1,9}")) {
            return new Parsed(tag, null, "crypto suite " + f[1] + " not supported");
        }
        if (f[2].indexOf(';') >= 0) {
            return new Parsed(tag, null, "several master keys in one crypto line are not supported");
        }
        if (!f[2].regionMatches(true, 0, "inline:", 0, 7)) {
            return new Parsed(tag, null, "key method other than inline");
        }
        String[] keyParts = f[2].substring(7).split("\\|");
        byte[] material;
        try {
            material = Base64.getDecoder().decode(keyParts[0]);
        } catch (IllegalArgumentException e) {
            return new Parsed(tag, null, "key is not base64");
        }
        if (material.length != suite.keyLength() + suite.saltLength()) {
            return new Parsed(tag, null, suite + " needs " + (suite.keyLength() + suite.saltLength())
                    + " octets of key and salt, not " + material.length);
        }
        long lifetime = SrtpParameters.MAX_LIFETIME;
        byte[] mki = null;
        for (int i = 1; i < keyParts.length; i++) {
            String part = keyParts[i];
            int colon = part.indexOf(':');
            if (colon > 0) { // MKI:length (RFC 4568 §6.1)
                try {
                    BigInteger v = new BigInteger(part.substring(0, colon));
                    int length = Integer.parseInt(part.substring(colon + 1));
                    if (length < 1 || length > 128 || v.signum() < 0 || v.bitLength() > 8 * length) {
                        return new Parsed(tag, null, "MKI out of range");
                    }
                    if (suite.aead()) {
                        return new Parsed(tag, null, "an MKI with an AEAD suite is not supported");
                    }
                    mki = new byte[length];
                    byte[] b = v.toByteArray();
                    for (int k = 0; k < Math.min(b.length, length); k++) {
                        mki[length - 1 - k] = b[b.length - 1 - k];
                    }
                } catch (NumberFormatException e) {
                    return new Parsed(tag, null, "malformed MKI");
                }
            } else { // lifetime: 2^n or a number
                try {
                    lifetime = part.startsWith("2^") ? 1L << Math.min(48, Integer.parseInt(part.substring(2)))
                            : Long.parseLong(part);
                } catch (NumberFormatException e) {
                    return new Parsed(tag, null, "malformed key lifetime");
                }
                if (lifetime <= 0) {
                    return new Parsed(tag, null, "key lifetime out of range");
                }
            }
        }
        boolean encryptSrtp = true;
        boolean encryptSrtcp = true;
        boolean authenticate = true;
        for (int i = 3; i < f.length; i++) {
            String p = f[i].toUpperCase(Locale.ROOT);
            if (p.equals("UNENCRYPTED_SRTP")) {
                encryptSrtp = false;
            } else if (p.equals("UNENCRYPTED_SRTCP")) {
                encryptSrtcp = false;
            } else if (p.equals("UNAUTHENTICATED_SRTP")) {
                if (suite.aead()) {
                    return new Parsed(tag, null, "UNAUTHENTICATED_SRTP with an AEAD suite");
                }
                authenticate = false;
            } else if (p.startsWith("WSH=") || p.equals("FEC_ORDER=FEC_SRTP")) {
                // a window size hint (ours is 64, RFC 4568 §6.3.6's minimum) / the default order
            } else if (p.equals("KDR=0")) {
                // the default: keys derived once
            } else {
                // RFC 4568 §6.3.7: a session parameter we do not know rules the line out
                return new Parsed(tag, null, "session parameter " + f[i] + " not supported");
            }
        }
        byte[] key = java.util.Arrays.copyOfRange(material, 0, suite.keyLength());
        byte[] salt = java.util.Arrays.copyOfRange(material, suite.keyLength(), material.length);
        return new Parsed(tag, new SrtpParameters(suite, key, salt, mki, lifetime, encryptSrtp, encryptSrtcp,
                authenticate), null);
    }

    /** A fresh master key and salt of ours for the suite and switches the SRC chose (RFC 4568 §7.1.2). */
    static SrtpParameters ourKey(SrtpParameters theirs) {
        SrtpSuite suite = theirs.suite();
        byte[] key = new byte[suite.keyLength()];
        byte[] salt = new byte[suite.saltLength()];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(salt);
        return new SrtpParameters(suite, key, salt, null, SrtpParameters.MAX_LIFETIME, theirs.encryptSrtp(),
                theirs.encryptSrtcp(), theirs.authenticateSrtp());
    }

    static String answerLine(String tag, SrtpParameters ours) {
        byte[] material = new byte[ours.suite().keyLength() + ours.suite().saltLength()];
        System.arraycopy(ours.masterKey(), 0, material, 0, ours.suite().keyLength());
        System.arraycopy(ours.masterSalt(), 0, material, ours.suite().keyLength(), ours.suite().saltLength());
        StringBuilder line = new StringBuilder().append(tag).append(' ').append(ours.suite().name()).append(" inline:")
                .append(Base64.getEncoder().encodeToString(material));
        if (!ours.encryptSrtp()) {
            line.append(" UNENCRYPTED_SRTP");
        }
        if (!ours.encryptSrtcp()) {
            line.append(" UNENCRYPTED_SRTCP");
        }
        if (!ours.authenticateSrtp()) {
            line.append(" UNAUTHENTICATED_SRTP");
        }
        return line.toString();
    }
}
