package dev.siprec.media.srtp;

/**
 * GHASH, the authentication function of GCM (NIST SP 800-38D §6.4): multiplication by the
 * hash subkey H in GF(2^128), with the 8-bit table method of Shoup: the 256 multiples of H by
 * one octet, and the reduction of the octet a multiplication by x^8 shifts out, so a block
 * costs 16 table steps instead of 128 bit steps. Blocks are two longs, big-endian, in GCM's
 * reflected bit order: "multiply by x" is a shift right, and the bit that falls off the end
 * folds back as 0xE1 in the top octet (x^128 = x^7 + x^2 + x + 1). Not thread-safe: one per
 * stream direction (the tables are 4 KB, made once per key).
 */
final class Ghash {

    private static final long R = 0xE100000000000000L;
    // the reduction of an octet shifted out by a multiplication by x^8 (top 16 bits of the high half)
    private static final long[] REDUCE8 = new long[256];

    static {
        for (int r = 0; r < 256; r++) {
            long hi = 0;
            long lo = r;
            for (int k = 0; k < 8; k++) {
                boolean carry = (lo & 1) != 0;
                lo = (hi << 63) | (lo >>> 1);
                hi = (hi >>> 1) ^ (carry ? R : 0);
            }
            REDUCE8[r] = hi;
        }
    }

    private final long[] tableHi = new long[256];
    private final long[] tableLo = new long[256];
    private long yHi;
    private long yLo;

    /** GHASH under {@code h} (16 octets: the AES encryption of the zero block under the key). */
    Ghash(byte[] h) {
        long vh = readLong(h, 0);
        long vl = readLong(h, 8);
        // octet bit 7 (0x80) is x^0, bit 0 (0x01) is x^7: 0x80 -> H, 0x40 -> H*x, ... 0x01 -> H*x^7
        for (int bit = 0x80; bit > 0; bit >>= 1) {
            tableHi[bit] = vh;
            tableLo[bit] = vl;
            boolean carry = (vl & 1) != 0;
            vl = (vh << 63) | (vl >>> 1);
            vh = (vh >>> 1) ^ (carry ? R : 0);
        }
        for (int i = 2; i < 256; i <<= 1) {
            for (int j = 1; j < i; j++) {
                tableHi[i + j] = tableHi[i] ^ tableHi[j];
                tableLo[i + j] = tableLo[i] ^ tableLo[j];
            }
        }
    }

    /** Starts a new hash (Y = 0). */
    void reset() {
        yHi = 0;
        yLo = 0;
    }

    /** Absorbs {@code length} octets, zero-padded to whole blocks (as GCM pads A and C). */
    void update(byte[] data, int offset, int length) {
        int end = offset + length;
        int at = offset;
        for (; at + 16 <= end; at += 16) {
            yHi ^= readLong(data, at);
            yLo ^= readLong(data, at + 8);
            multiply();
        }
        if (at < end) {
            long hi = 0;
            long lo = 0;
            for (int i = 0; at + i < end; i++) {
                long b = data[at + i] & 0xFFL;
                if (i < 8) {
                    hi |= b << (56 - 8 * i);
                } else {
                    lo |= b << (56 - 8 * (i - 8));
                }
            }
            yHi ^= hi;
            yLo ^= lo;
            multiply();
        }
    }

    /** Absorbs the length block (bit lengths of A and C) and writes the hash to {@code out[offset, +16)}. */
    void finish(long aadLength, long textLength, byte[] out, int offset) {
        yHi ^= aadLength * 8;
        yLo ^= textLength * 8;
        multiply();
        writeLong(out, offset, yHi);
        writeLong(out, offset + 8, yLo);
    }

    /** Y = Y * H, octet by octet from the last: Z = Z * x^8 + (octet * H). */
    private void multiply() {
        long zh = 0;
        long zl = 0;
        for (int i = 15; i >= 0; i--) {
            int b = (int) ((i < 8 ? yHi >>> (56 - 8 * i) : yLo >>> (56 - 8 * (i - 8))) & 0xFF);
            if (i != 15) {
                int rem = (int) (zl & 0xFF);
                zl = (zh << 56) | (zl >>> 8);
                zh = (zh >>> 8) ^ REDUCE8[rem];
            }
            zh ^= tableHi[b];
            zl ^= tableLo[b];
        }
        yHi = zh;
        yLo = zl;
    }

    static long readLong(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 56) | ((b[at + 1] & 0xFFL) << 48) | ((b[at + 2] & 0xFFL) << 40)
                | ((b[at + 3] & 0xFFL) << 32) | ((b[at + 4] & 0xFFL) << 24) | ((b[at + 5] & 0xFFL) << 16)
                | ((b[at + 6] & 0xFFL) << 8) | (b[at + 7] & 0xFFL);
    }

    static void writeLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
