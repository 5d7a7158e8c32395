package dev.siprec.media.srtp;

import java.util.Arrays;

/**
 * The keying of one direction of an SRTP stream, as an SDES {@code a=crypto} line gives it
 * (RFC 4568 §6.1): suite, master key and salt, optional master key identifier, key lifetime,
 * and the session parameters that switch encryption or authentication off.
 *
 * <p>{@link #toString()} never shows the key or the salt.
 *
 * @param suite the crypto suite
 * @param masterKey the master key ({@link SrtpSuite#keyLength()} octets)
 * @param masterSalt the master salt ({@link SrtpSuite#saltLength()} octets)
 * @param mki the master key identifier the packets carry, or null for none
 * @param lifetime packets the key may protect (RFC 4568 §6.1: 2^48 for SRTP by default)
 * @param encryptSrtp false for {@code UNENCRYPTED_SRTP}
 * @param encryptSrtcp false for {@code UNENCRYPTED_SRTCP}
 * @param authenticateSrtp false for {@code UNAUTHENTICATED_SRTP}
 */
public record SrtpParameters(SrtpSuite suite, byte[] masterKey, byte[] masterSalt, byte[] mki, long lifetime,
                             boolean encryptSrtp, boolean encryptSrtcp, boolean authenticateSrtp) {

    /** The default key lifetime, 2^48 packets (RFC 3711 §9.2). */
    public static final long MAX_LIFETIME = 1L << 48;

    /** Validates the lengths. */
    public SrtpParameters {
        if (masterKey.length != suite.keyLength() || masterSalt.length != suite.saltLength()) {
            throw new IllegalArgumentException(suite + " takes a " + suite.keyLength() + "-octet key and a "
                    + suite.saltLength() + "-octet salt");
        }
        if (mki != null && (mki.length == 0 || mki.length > 128)) {
            throw new IllegalArgumentException("MKI length must be 1 to 128 octets");
        }
        masterKey = masterKey.clone();
        masterSalt = masterSalt.clone();
        mki = mki == null ? null : mki.clone();
    }

    /** Plain SRTP: encrypted and authenticated, no MKI, the longest lifetime. */
    public static SrtpParameters of(SrtpSuite suite, byte[] masterKey, byte[] masterSalt) {
        return new SrtpParameters(suite, masterKey, masterSalt, null, MAX_LIFETIME, true, true, true);
    }

    /** MKI length in octets (0 without one). */
    public int mkiLength() {
        return mki == null ? 0 : mki.length;
    }

    @Override
    public byte[] masterKey() {
        return masterKey.clone();
    }

    @Override
    public byte[] masterSalt() {
        return masterSalt.clone();
    }

    @Override
    public byte[] mki() {
        return mki == null ? null : mki.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpParameters p && p.suite == suite && Arrays.equals(p.masterKey, masterKey)
                && Arrays.equals(p.masterSalt, masterSalt) && Arrays.equals(p.mki, mki) && p.lifetime == lifetime
                && p.encryptSrtp == encryptSrtp && p.encryptSrtcp == encryptSrtcp
                && p.authenticateSrtp == authenticateSrtp;
    }

    @Override
    public int hashCode() {
        return suite.hashCode() * 31 + Arrays.hashCode(masterKey);
    }

    /** The suite and switches only: keys are never logged. */
    @Override
    public String toString() {
        return suite + (mki != null ? " mki:" + mki.length : "") + (encryptSrtp ? "" : " UNENCRYPTED_SRTP")
                + (encryptSrtcp ? "" : " UNENCRYPTED_SRTCP") + (authenticateSrtp ? "" : " UNAUTHENTICATED_SRTP");
    }
}
