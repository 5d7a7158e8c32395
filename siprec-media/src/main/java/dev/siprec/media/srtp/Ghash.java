package dev.siprec.media.srtp;

/**
 * GHASH, the authentication function of GCM (NIST SP 800-38D §6.4): multiplication by the
 * hash subkey H in GF(2^128), with the 4-bit table method of Shoup (sixteen multiples of H,
 * one reduction constant per nibble), so a block costs 32 table steps instead of 128 bit
 * steps. Blocks are two longs, big-endian, in GCM's reflected bit order: "multiply by x" is a
 * shift right, and the bit that falls off the end folds back as 0xE1 in the top octet
 * (x^128 = x^7 + x^2 + x + 1). Not thread-safe: one per stream direction.
 */
final class Ghash {

    // the reduction of the four bits shifted out by a multiplication by x^4, in the top 16 bits
    private static final long[] REDUCE4 = {
        0x0000, 0x1C20, 0x3840, 0x2460, 0x7080, 0x6CA0, 0x48C0, 0x54E0,
        0xE100, 0xFD20, 0xD940, 0xC560, 0x9180, 0x8DA0, 0xA9C0, 0xB5E0,
    };

    private final long[] tableHi = new long[16];
    private final long[] tableLo = new long[16];
    private long yHi;
    private long yLo;

    /** GHASH under {@code h} (16 octets: the AES encryption of the zero block under the key). */
    Ghash(byte[] h) {
        long vh = readLong(h, 0);
        long vl = readLong(h, 8);
        tableHi[8] = vh;
        tableLo[8] = vl;
        for (int i = 4; i > 0; i >>= 1) { // H * x, H * x^2, H * x^3 at 4, 2, 1
            long carry = (vl & 1) != 0 ? 0xE100000000000000L : 0;
            vl = (vh << 63) | (vl >>> 1);
            vh = (vh >>> 1) ^ carry;
            tableHi[i] = vh;
            tableLo[i] = vl;
        }
        for (int i = 2; i <= 8; i <<= 1) {
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

    /** Y = Y * H, nibble by nibble from the last octet's low nibble. */
    private void multiply() {
        long zh = 0;
        long zl = 0;
        for (int i = 15; i >= 0; i--) {
            int b = (int) ((i < 8 ? yHi >>> (56 - 8 * i) : yLo >>> (56 - 8 * (i - 8))) & 0xFF);
            for (int half = 0; half < 2; half++) {
                int nibble = half == 0 ? b & 0x0F : b >>> 4;
                if (i != 15 || half != 0) { // Z = Z * x^4 (nothing to shift before the first step)
                    int rem = (int) (zl & 0x0F);
                    zl = (zh << 60) | (zl >>> 4);
                    zh = (zh >>> 4) ^ (REDUCE4[rem] << 48);
                }
                zh ^= tableHi[nibble];
                zl ^= tableLo[nibble];
            }
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
