package dev.siprec.codecs.g729;

/**
 * The 16/32-bit saturating fixed-point operators in which ITU-T G.729 is specified (G.729 §5,
 * "bit-exact fixed-point description"; the same operator set as the ITU-T STL basic operators).
 * Every result is what a 16-bit DSP with a 32-bit saturating accumulator produces: products are
 * doubled (fractional multiply), sums clip to the 16- or 32-bit range, right shifts are
 * arithmetic. Bit-exactness with the Recommendation's test vectors depends on these exact
 * semantics, including where a value saturates in the middle of a sum.
 *
 * <p>Values travel as {@code int}: a "16-bit" value is always in [-32768, 32767].
 */
final class FixedPoint {

    static final int MAX_16 = 32767;
    static final int MIN_16 = -32768;
    static final int MAX_32 = Integer.MAX_VALUE;
    static final int MIN_32 = Integer.MIN_VALUE;

    private FixedPoint() {
    }

    static int sat16(int x) {
        return x > MAX_16 ? MAX_16 : (x < MIN_16 ? MIN_16 : x);
    }

    static int sat32(long x) {
        return x > MAX_32 ? MAX_32 : (x < MIN_32 ? MIN_32 : (int) x);
    }

    static int add(int a, int b) {
        return sat16(a + b);
    }

    static int sub(int a, int b) {
        return sat16(a - b);
    }

    static int negate(int a) {
        return a == MIN_16 ? MAX_16 : -a;
    }

    static int abs(int a) {
        return a == MIN_16 ? MAX_16 : (a < 0 ? -a : a);
    }

    /** Fractional multiply, truncated: (a*b) >> 15, saturated (only -1 * -1 saturates). */
    static int mult(int a, int b) {
        return sat16((a * b) >> 15);
    }

    /** Fractional multiply with rounding. */
    static int multR(int a, int b) {
        return sat16((a * b + 0x4000) >> 15);
    }

    /** 32-bit fractional product a*b*2; -1 * -1 saturates to MAX_32. */
    static int lMult(int a, int b) {
        int p = a * b;
        return p == 0x40000000 ? MAX_32 : p << 1;
    }

    static int lAdd(int a, int b) {
        return sat32((long) a + b);
    }

    static int lSub(int a, int b) {
        return sat32((long) a - b);
    }

    static int lMac(int acc, int a, int b) {
        return sat32((long) acc + lMult(a, b));
    }

    static int lMsu(int acc, int a, int b) {
        return sat32((long) acc - lMult(a, b));
    }

    static int lNegate(int a) {
        return a == MIN_32 ? MAX_32 : -a;
    }

    /** Left shift with saturation; a negative count shifts right. */
    static int shl(int a, int n) {
        if (n < 0) {
            return shr(a, -n);
        }
        if (n > 15) {
            return a == 0 ? 0 : (a > 0 ? MAX_16 : MIN_16);
        }
        return sat16(a << n);
    }

    /** Arithmetic right shift; a negative count shifts left with saturation. */
    static int shr(int a, int n) {
        if (n < 0) {
            return shl(a, -n);
        }
        return n >= 15 ? (a < 0 ? -1 : 0) : a >> n;
    }

    /** Right shift with rounding (the last bit shifted out is added back). */
    static int shrR(int a, int n) {
        if (n > 15) {
            return 0;
        }
        int r = shr(a, n);
        if (n > 0 && (a & (1 << (n - 1))) != 0) {
            r++;
        }
        return r;
    }

    static int lShl(int a, int n) {
        if (n <= 0) {
            return lShr(a, -n);
        }
        if (n >= 31) {
            return a == 0 ? 0 : (a > 0 ? MAX_32 : MIN_32);
        }
        return sat32((long) a << n);
    }

    static int lShr(int a, int n) {
        if (n < 0) {
            return lShl(a, -n);
        }
        return n >= 31 ? (a < 0 ? -1 : 0) : a >> n;
    }

    static int lShrR(int a, int n) {
        if (n > 31) {
            return 0;
        }
        int r = lShr(a, n);
        if (n > 0 && (a & (1 << (n - 1))) != 0) {
            r++;
        }
        return r;
    }

    /** The upper 16 bits of a 32-bit value. */
    static int extractH(int a) {
        return a >> 16;
    }

    /** The lower 16 bits, as a signed 16-bit value. */
    static int extractL(int a) {
        return (short) a;
    }

    /** Rounds a 32-bit value to its upper 16 bits (adds 2^15 with saturation first). */
    static int round(int a) {
        return sat32((long) a + 0x8000) >> 16;
    }

    /** Left shifts that normalise a 32-bit value (0 for 0). */
    static int normL(int a) {
        if (a == 0) {
            return 0;
        }
        return Integer.numberOfLeadingZeros(a ^ (a >> 31)) - 1;
    }

    /** Left shifts that normalise a 16-bit value (0 for 0). */
    static int normS(int a) {
        if (a == 0) {
            return 0;
        }
        return Integer.numberOfLeadingZeros(a ^ (a >> 31)) - 17;
    }

    /** Fractional division a/b for 0 <= a <= b, b > 0, in Q15 (truncated; 32767 when a == b). */
    static int divS(int a, int b) {
        if (a == 0) {
            return 0;
        }
        if (a >= b) {
            return MAX_16;
        }
        return (a << 15) / b;
    }

    /**
     * The "double precision format" product of G.729: a 32-bit value split as hi·2^16 + lo·2
     * times a 16-bit value, divided by 2^15.
     */
    static int mpy32x16(int x, int n) {
        return mpyDpf(x >> 16, (x & 0xFFFF) >>> 1, n);
    }

    /** The same product with the split given: (hi·n + (lo·n)>>15) · 2. */
    static int mpyDpf(int hi, int lo, int n) {
        return lMac(lMult(hi, n), mult(lo, n), 1);
    }

    /** The 32 x 32 variant: (hi1·hi2 + (hi1·lo2)>>15 + (lo1·hi2)>>15) · 2. */
    static int mpy32(int x, int y) {
        int hi1 = x >> 16;
        int lo1 = (x & 0xFFFF) >>> 1;
        int hi2 = y >> 16;
        int lo2 = (y & 0xFFFF) >>> 1;
        return lMac(lMac(lMult(hi1, hi2), mult(hi1, lo2), 1), mult(lo1, hi2), 1);
    }

    /** Recombines a split value: hi·2^16 + lo·2. */
    static int lComp(int hi, int lo) {
        return lMac(hi << 16, lo, 1);
    }

    /** The lower half of the split (hi is {@code x >> 16}). */
    static int lo(int x) {
        return (x & 0xFFFF) >>> 1;
    }

    /** 2^(exponent + fraction/2^15), by table and linear interpolation (G.729 §3.9 note). */
    static int pow2(int exponent, int fraction) {
        int x = lMult(fraction, 32);
        int i = x >> 16;
        int a = (x >> 1) & 0x7FFF;
        int t = G729Tables.POW2[i];
        int y = lMsu(t << 16, sub(t, G729Tables.POW2[i + 1]), a);
        return lShrR(y, 30 - exponent);
    }

    /**
     * log2(x) for x > 0 as exponent (integer part, returned in the upper 16 bits) and
     * fraction (Q15, lower 16 bits); 0 for x <= 0.
     */
    static int log2(int x) {
        if (x <= 0) {
            return 0;
        }
        int exp = normL(x);
        x <<= exp;
        int i = (x >> 25) - 32;
        int a = (x >> 10) & 0x7FFF;
        int t = G729Tables.LOG2[i];
        int y = lMsu(t << 16, sub(t, G729Tables.LOG2[i + 1]), a);
        return ((30 - exp) << 16) | ((y >> 16) & 0xFFFF);
    }

    /** 1/sqrt(x) in Q30 for x > 0 (0x3fffffff for x <= 0), by table and interpolation. */
    static int invSqrt(int x) {
        if (x <= 0) {
            return 0x3FFFFFFF;
        }
        int exp = normL(x);
        x <<= exp;
        exp = 30 - exp;
        if ((exp & 1) == 0) {
            x >>= 1;
        }
        exp = (exp >> 1) + 1;
        int i = (x >> 25) - 16;
        int a = (x >> 10) & 0x7FFF;
        int t = G729Tables.INV_SQRT[i];
        int y = lMsu(t << 16, sub(t, G729Tables.INV_SQRT[i + 1]), a);
        return y >> exp;
    }

    /** The G.729 pseudo-random generator: seed = seed * 31821 + 13849 (16-bit wrap). */
    static int random(int seed) {
        return (short) (seed * 31821 + 13849);
    }

    /**
     * An upper bound of |v| over {@code v[from, to)}, under twice the largest: the OR of the
     * values' one's-complement magnitudes, plus one (an OR reduction vectorises well).
     */
    static int absBound(int[] v, int from, int to) {
        int m = 0;
        for (int i = from; i < to; i++) {
            int x = v[i];
            m |= x ^ (x >> 31);
        }
        return m + 1;
    }

    /**
     * The L_mac chain acc + x[0]y[0]·2 + ... in the Recommendation's order and saturation.
     * When {@code bound} is at least every |x| and |y| so that no partial sum can leave the 32-bit
     * range, in any order, the sum is computed plainly (and vectorised by the JIT).
     */
    static int macSum(int acc, int[] x, int xOff, int[] y, int yOff, int n, int bound) {
        if ((long) bound * bound * 2 * n + Math.abs((long) acc) < 0x80000000L) {
            int s = 0;
            for (int i = 0; i < n; i++) {
                s += x[xOff + i] * y[yOff + i];
            }
            return acc + 2 * s;
        }
        for (int i = 0; i < n; i++) {
            acc = lMac(acc, x[xOff + i], y[yOff + i]);
        }
        return acc;
    }

    /**
     * The L_mac chain of squares acc + x[0]^2·2 + ... for acc >= 0: its partial sums only grow,
     * so it saturates exactly when the whole sum passes 2^31 - 1, and ends there.
     */
    static int energy(int acc, int[] x, int off, int n, int shift) {
        long s = 0;
        for (int i = off; i < off + n; i++) {
            int v = x[i] >> shift;
            s += v * v;
        }
        return sat32(acc + 2 * s);
    }
}
