package dev.siprec.media.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over the JDK's SHA-1, written out because {@code javax.crypto.Mac}
 * allocates its result (and its inner digest) on every call, and an SRTP stream authenticates
 * fifty packets a second. H((K xor opad) || H((K xor ipad) || m)), with the two padded key
 * blocks computed once. Not thread-safe: one per stream direction.
 */
final class HmacSha1 {

    private static final int BLOCK = 64;
    static final int LENGTH = 20;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];
    private final byte[] innerHash = new byte[LENGTH];
    private boolean started;

    HmacSha1(byte[] key) {
        try {
            inner = MessageDigest.getInstance("SHA-1");
            outer = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1: " + e, e);
        }
        byte[] k = key.length > BLOCK ? inner.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (b ^ 0x36);
            opad[i] = (byte) (b ^ 0x5C);
        }
    }

    /** Adds message bytes. */
    void update(byte[] data, int offset, int length) {
        if (!started) {
            inner.update(ipad, 0, BLOCK);
            started = true;
        }
        inner.update(data, offset, length);
    }

    /** Writes the 20-octet MAC of what was added to {@code out[offset, +20)} and starts over. */
    void finish(byte[] out, int offset) {
        if (!started) {
            inner.update(ipad, 0, BLOCK);
        }
        started = false;
        try {
            inner.digest(innerHash, 0, LENGTH);
            outer.update(opad, 0, BLOCK);
            outer.update(innerHash, 0, LENGTH);
            outer.digest(out, offset, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
