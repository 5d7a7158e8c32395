package dev.siprec.media.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES block encryption with one key, on the JDK's provider (which uses the CPU's AES
 * instructions where HotSpot has them), for counter-mode keystreams: whole blocks, in place,
 * no allocation per call. Not thread-safe: one per stream direction.
 */
final class AesBlocks {

    private final Cipher cipher;
    // the cipher's output: a separate array, since given the same one for input and output the
    // JDK's cipher copies the input first (an allocation per call)
    private byte[] out = new byte[256];

    AesBlocks(byte[] key) {
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/ECB: " + e, e);
        }
    }

    /** Encrypts {@code length} octets (a multiple of 16) of {@code buf} at {@code offset}, in place. */
    void encrypt(byte[] buf, int offset, int length) {
        byte[] o = output(length);
        run(buf, offset, length, o);
        System.arraycopy(o, 0, buf, offset, length);
    }

    private byte[] output(int length) {
        if (out.length < length) {
            out = new byte[Math.max(length, 2 * out.length)];
        }
        return out;
    }

    private void run(byte[] in, int offset, int length, byte[] o) {
        try {
            cipher.update(in, offset, length, o, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * XORs the counter-mode keystream that starts at the 16-octet counter block {@code counter}
     * (its last 32 bits counting up, RFC 3711 §4.1.1 and SP 800-38D's inc32 alike) into
     * {@code data[offset, offset + length)}. {@code blocks} is scratch of at least
     * {@code length} rounded up to 16 octets; {@code counter} is left unchanged.
     */
    void xorKeystream(byte[] counter, byte[] data, int offset, int length, byte[] blocks) {
        int n = (length + 15) & ~15;
        int c = ((counter[12] & 0xFF) << 24) | ((counter[13] & 0xFF) << 16) | ((counter[14] & 0xFF) << 8)
                | (counter[15] & 0xFF);
        for (int at = 0; at < n; at += 16, c++) {
            System.arraycopy(counter, 0, blocks, at, 12);
            blocks[at + 12] = (byte) (c >>> 24);
            blocks[at + 13] = (byte) (c >>> 16);
            blocks[at + 14] = (byte) (c >>> 8);
            blocks[at + 15] = (byte) c;
        }
        byte[] o = output(n);
        run(blocks, 0, n, o);
        for (int i = 0; i < length; i++) {
            data[offset + i] ^= o[i];
        }
    }
}
