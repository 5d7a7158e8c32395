package dev.siprec.media.srtp;

import java.util.Locale;

/**
 * The SRTP crypto suites we take in SDES offers (RFC 4568 §6.2, RFC 7714 §14.2), strongest
 * first: an offer with several {@code a=crypto} lines is answered with the first of these it
 * carries.
 */
public enum SrtpSuite {
    /** AES-256 in Galois/Counter Mode, 16-octet tag (RFC 7714). */
    AEAD_AES_256_GCM(32, 12, 16, 16, true),
    /** AES-128 in Galois/Counter Mode, 16-octet tag (RFC 7714). */
    AEAD_AES_128_GCM(16, 12, 16, 16, true),
    /** AES-128 counter mode, HMAC-SHA1 tag of 80 bits (RFC 3711, RFC 4568 §6.2.1). */
    AES_CM_128_HMAC_SHA1_80(16, 14, 10, 10, false),
    /**
     * AES-128 counter mode, HMAC-SHA1 tag of 32 bits on SRTP; SRTCP keeps 80 bits (RFC 4568
     * §6.2.2).
     */
    AES_CM_128_HMAC_SHA1_32(16, 14, 4, 10, false);

    private final int keyLength;
    private final int saltLength;
    private final int srtpTagLength;
    private final int srtcpTagLength;
    private final boolean aead;

    SrtpSuite(int keyLength, int saltLength, int srtpTagLength, int srtcpTagLength, boolean aead) {
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.srtpTagLength = srtpTagLength;
        this.srtcpTagLength = srtcpTagLength;
        this.aead = aead;
    }

    /** Master key length in octets. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in octets. */
    public int saltLength() {
        return saltLength;
    }

    /** Authentication tag on SRTP packets, in octets. */
    public int srtpTagLength() {
        return srtpTagLength;
    }

    /** Authentication tag on SRTCP packets, in octets. */
    public int srtcpTagLength() {
        return srtcpTagLength;
    }

    /** Whether this is an AEAD (GCM) suite, which encrypts and authenticates in one pass. */
    public boolean aead() {
        return aead;
    }

    /** The suite an {@code a=crypto} line names (case-insensitive), or null for one we do not take. */
    public static SrtpSuite fromSdp(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
