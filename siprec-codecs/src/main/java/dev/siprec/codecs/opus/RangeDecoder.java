package dev.siprec.codecs.opus;

/**
 * The range decoder of RFC 6716 §4.1, bit-exact: symbols from static contexts, binary symbols,
 * inverse-CDF tables, uniformly distributed integers, and raw bits read backwards from the
 * end of the frame. One instance is reset per frame with {@link #init}; nothing is allocated.
 *
 * <p>{@code val} and {@code rng} are 32-bit unsigned in the RFC; they are kept in longs here, so
 * that 2^31 (reachable by {@code rng} after renormalisation) needs no special care.
 */
final class RangeDecoder {

    private static final long CODE_BOT = 1L << 23; // renormalise until rng > 2^23 (§4.1.2.1)

    private byte[] buf;
    private int start;
    private int end;
    private int pos; // next byte for the range coder
    private int endBytes; // bytes taken from the end for raw bits
    private int window; // raw bits not yet returned
    private int windowBits;
    private long rng;
    private long val;
    private long ext; // rng / ft of the last ec_decode, for the update
    private int rem; // the last byte read: its low bit is used by the next renormalisation
    private int nbitsTotal;
    private boolean error;

    /** Starts decoding the frame {@code data[offset, offset + length)} (§4.1: rng 128, val 127 - top 7 bits). */
    void init(byte[] data, int offset, int length) {
        buf = data;
        start = offset;
        end = offset + length;
        pos = offset;
        endBytes = 0;
        window = 0;
        windowBits = 0;
        error = false;
        nbitsTotal = 9; // 33 once the first renormalisation below has run (§4.1.6)
        rem = readByte();
        rng = 128;
        val = 127 - (rem >> 1);
        normalize();
    }

    private int readByte() {
        return pos < end ? buf[pos++] & 0xFF : 0; // past the frame: zeros (§4.1.2.1)
    }

    private int readByteFromEnd() {
        return endBytes < end - start ? buf[end - ++endBytes] & 0xFF : 0;
    }

    /** §4.1.2.1: until rng > 2^23, shift in one more octet (the buffered bit and 7 new ones). */
    private void normalize() {
        while (rng <= CODE_BOT) {
            nbitsTotal += 8;
            rng <<= 8;
            int sym = rem;
            rem = readByte();
            sym = (sym << 8 | rem) >> 1;
            val = ((val << 8) + (255 - (sym & 0xFF))) & 0x7FFFFFFFL;
        }
    }

    /** ec_decode (§4.1.2): a value in [0, ft) that falls in the decoded symbol's [fl, fh). */
    int decode(int ft) {
        if (rng < 1L << 31) {
            // 32-bit divisions where they fit (all but rng = 2^31): much cheaper than 64-bit ones
            int e = (int) rng / ft;
            ext = e;
            int s = (int) val / e;
            return ft - Math.min(s + 1, ft);
        }
        ext = rng / ft;
        long s = val / ext;
        return (int) (ft - Math.min(s + 1, ft));
    }

    /** ec_decode_bin: {@link #decode} with ft = 2^bits. */
    int decodeBin(int bits) {
        ext = rng >> bits;
        long s = val / ext;
        long ft = 1L << bits;
        return (int) (ft - Math.min(s + 1, ft));
    }

    /** ec_dec_update (§4.1.2): takes the symbol [fl, fh) of ft decoded by the last {@link #decode}. */
    void update(int fl, int fh, int ft) {
        long s = ext * (ft - fh);
        val -= s;
        rng = fl > 0 ? ext * (fh - fl) : rng - s;
        normalize();
    }

    /**
     * A Laplace-distributed integer (RFC 6716 §4.3.2.1, CELT's coarse energy): 0 has
     * probability {@code fs}/32768; each further magnitude, split evenly between the two signs,
     * has its probability scaled by {@code decay}/16384, down to a floor of 1/32768 each.
     */
    int decodeLaplace(int fs, int decay) {
        int val = 0;
        int fm = decodeBin(15);
        int fl = 0;
        if (fm >= fs) {
            val++;
            fl = fs;
            // the probability of +-1, each: what 0 leaves once every value keeps its floor
            fs = (((32768 - 2 * LAPLACE_NMIN - fs) * (16384 - decay)) >> 15) + 1;
            while (fs > 1 && fm >= fl + 2 * fs) {
                fs *= 2;
                fl += fs;
                fs = (((fs - 2) * decay) >> 15) + 1;
                val++;
            }
            if (fs <= 1) {
                // beyond the decaying part every magnitude has the floor probability
                int di = (fm - fl) >> 1;
                val += di;
                fl += 2 * di;
            }
            if (fm < fl + fs) {
                val = -val;
            } else {
                fl += fs;
            }
        }
        update(fl, Math.min(fl + fs, 32768), 32768);
        return val;
    }

    private static final int LAPLACE_NMIN = 16; // values kept above the floor on each side

    /** ec_dec_bit_logp (§4.1.3.2): a binary symbol whose "1" has probability 2^-logp. */
    int decodeBitLogp(int logp) {
        long s = rng >> logp;
        int bit;
        if (val < s) {
            bit = 1;
            rng = s;
        } else {
            bit = 0;
            val -= s;
            rng -= s;
        }
        normalize();
        return bit;
    }

    /**
     * ec_dec_icdf (§4.1.3.3): a symbol of a table context; {@code icdf[k]} is 2^ftb - fh[k],
     * ending with 0.
     */
    int decodeIcdf(int[] icdf, int ftb) {
        long r = rng >> ftb;
        long t;
        long s = rng;
        int k = -1;
        do {
            t = s;
            s = r * icdf[++k];
        } while (val < s);
        val -= s;
        rng = t - s;
        normalize();
        return k;
    }

    /** ec_dec_bits (§4.1.4): raw bits, least significant first, from the end of the frame. */
    int decodeBits(int bits) {
        while (windowBits < bits) {
            window |= readByteFromEnd() << windowBits;
            windowBits += 8;
        }
        int v = window & (int) ((1L << bits) - 1);
        window >>>= bits;
        windowBits -= bits;
        nbitsTotal += bits;
        return v;
    }

    /**
     * ec_dec_uint (§4.1.5): one of {@code ft} equiprobable values (up to 2^32 - 1): up to 8 high
     * bits range coded, the rest raw. A value out of range marks the frame corrupt
     * ({@link #error()}) and is clamped.
     */
    long decodeUint(long ft) {
        long top = ft - 1;
        int ftb = 64 - Long.numberOfLeadingZeros(top); // ilog(ft - 1)
        if (ftb > 8) {
            int rawBits = ftb - 8;
            int ft1 = (int) (top >>> rawBits) + 1;
            int s = decode(ft1);
            update(s, s + 1, ft1);
            long t = (long) s << rawBits | (decodeBits(rawBits) & 0xFFFFFFFFL);
            if (t <= top) {
                return t;
            }
            error = true;
            return top;
        }
        int s = decode((int) ft);
        update(s, s + 1, (int) ft);
        return s;
    }

    /** ec_tell (§4.1.6.1): whole bits used so far, an upper bound. */
    int tell() {
        return nbitsTotal - ilog(rng);
    }

    /** ec_tell_frac (§4.1.6.2): the same in 1/8 bits. */
    int tellFrac() {
        int l = ilog(rng);
        long r = rng >> (l - 16);
        for (int i = 0; i < 3; i++) {
            r = r * r >> 15;
            int bit = (int) (r >> 16);
            l = 2 * l + bit;
            if (bit != 0) {
                r >>= 1;
            }
        }
        return nbitsTotal * 8 - l;
    }

    /** The frame's size in bits (ec_dec's storage), as CELT's budget checks see it. */
    int storageBits() {
        return (end - start) * 8;
    }

    /**
     * Ends the frame {@code bytes} earlier: a hybrid frame's redundant CELT frame sits at its end
     * (RFC 6716 §4.5.1), and raw bits are read from the new end.
     */
    void shrink(int bytes) {
        end -= bytes;
    }

    /** Counts the frame as read up to {@code totalBits} (a CELT silence frame, §4.3). */
    void skipToEnd(int totalBits) {
        nbitsTotal += totalBits - tell();
    }

    /** The range after the last symbol: what encoder and decoder must agree on. */
    long finalRange() {
        return rng;
    }

    /** Whether a uniformly coded integer came out of its range (the frame is corrupt). */
    boolean error() {
        return error;
    }

    private static int ilog(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }
}
