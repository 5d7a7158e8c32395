package dev.siprec.codecs.g729;

import static dev.siprec.codecs.g729.FixedPoint.add;
import static dev.siprec.codecs.g729.FixedPoint.extractL;
import static dev.siprec.codecs.g729.FixedPoint.lAdd;
import static dev.siprec.codecs.g729.FixedPoint.lMac;
import static dev.siprec.codecs.g729.FixedPoint.lMsu;
import static dev.siprec.codecs.g729.FixedPoint.lMult;
import static dev.siprec.codecs.g729.FixedPoint.lShl;
import static dev.siprec.codecs.g729.FixedPoint.lShr;
import static dev.siprec.codecs.g729.FixedPoint.lShrR;
import static dev.siprec.codecs.g729.FixedPoint.lSub;
import static dev.siprec.codecs.g729.FixedPoint.mpy32x16;
import static dev.siprec.codecs.g729.FixedPoint.mult;
import static dev.siprec.codecs.g729.FixedPoint.round;
import static dev.siprec.codecs.g729.FixedPoint.shr;

/**
 * The LP filters of G.729, in the Recommendation's fixed point: LSF to LSP conversion, LSP to
 * LP coefficients (§3.2.6), interpolation between frames (§3.2.5), bandwidth expansion,
 * synthesis 1/A(z) and inverse filtering A(z) (§4.1.6, §4.2.1), and the fractional-delay
 * adaptive codebook (§3.7.1). LP coefficients are Q12, order 10, with a[0] = 1.
 */
final class Filters {

    static final int ORDER = 10;
    static final int COEFFS = ORDER + 1;

    private Filters() {
    }

    /** LSFs (Q13, radians) to LSPs (Q15 cosines) by table and linear interpolation. */
    static void lsfToLsp(int[] lsf, int[] lsp) {
        for (int i = 0; i < ORDER; i++) {
            int freq = mult(lsf[i], 20861); // 1/(2*pi) in Q17: radians to a 0..1 table position
            int ind = freq >> 8;
            int offset = freq & 0xFF;
            if (ind > 63) {
                ind = 63;
            }
            int t = lMult(G729Tables.COS_SLOPE[ind], offset);
            lsp[i] = add(G729Tables.COS[ind], extractL(lShr(t, 13)));
        }
    }

    /**
     * LP coefficients of the two subframes: the mean of the old and new LSPs, then the new.
     * {@code work} holds 22 values.
     */
    static void interpolate(int[] lspOld, int[] lspNew, int[] az, int[] work) {
        for (int i = 0; i < ORDER; i++) {
            work[12 + i] = add(shr(lspNew[i], 1), shr(lspOld[i], 1));
        }
        lspToLpc(work, 12, az, 0, work);
        lspToLpc(lspNew, 0, az, COEFFS, work);
    }

    /**
     * LSPs (Q15) at {@code lsp[lspOff]} to LP coefficients a[0..10] (Q12) at {@code az[azOff]},
     * through the symmetric and antisymmetric polynomials F1(z), F2(z). {@code work} holds 12
     * values (and is not read at 12 or above).
     */
    static void lspToLpc(int[] lsp, int lspOff, int[] az, int azOff, int[] work) {
        polynomial(lsp, lspOff, work, 0);
        polynomial(lsp, lspOff + 1, work, 6);
        for (int i = 5; i > 0; i--) {
            work[i] = lAdd(work[i], work[i - 1]);
            work[6 + i] = lSub(work[6 + i], work[6 + i - 1]);
        }
        az[azOff] = 4096;
        for (int i = 1, j = 10; i <= 5; i++, j--) {
            az[azOff + i] = extractL(lShrR(lAdd(work[i], work[6 + i]), 13));
            az[azOff + j] = extractL(lShrR(lSub(work[i], work[6 + i]), 13));
        }
    }

    /**
     * The coefficients (Q24) of the product over every other LSP q of (1 - 2 q z^-1 + z^-2),
     * into {@code f[off, off + 6)}.
     */
    private static void polynomial(int[] lsp, int first, int[] f, int off) {
        // in longs, with every intermediate checked against the 32-bit range; in the rare case
        // one leaves it, the polynomial is redone with saturation at each step. The recursion
        // f[k] += f[k-2] - 2 q f[k-1] (k from i down to 2), f[1] -= 2 q, unrolled for order 10.
        int q1 = lsp[first];
        int q2 = lsp[first + 2];
        int q3 = lsp[first + 4];
        int q4 = lsp[first + 6];
        int q5 = lsp[first + 8];
        if (q2 == FixedPoint.MIN_16 || q3 == FixedPoint.MIN_16 || q4 == FixedPoint.MIN_16 || q5 == FixedPoint.MIN_16) {
            polynomialSaturating(lsp, first, f, off);
            return;
        }
        long f0 = 1L << 24;
        long f1 = -1024L * q1;
        long t1;
        long t2;
        long t3;
        long t4;
        long range = 0;
        // i = 2
        t1 = 2 * product(f1, q2);
        long f2 = 2 * f0 - t1;
        f1 -= 1024L * q2;
        range |= (t1 + BIAS) | (2 * f0 + BIAS) | (f2 + BIAS) | (f1 + BIAS);
        // i = 3
        t2 = 2 * product(f2, q3);
        t1 = 2 * product(f1, q3);
        long f3 = 2 * f1 - t2;
        range |= (t2 + BIAS) | (2 * f1 + BIAS) | (f3 + BIAS) | (t1 + BIAS) | (f2 + f0 + BIAS);
        f2 = f2 + f0 - t1;
        f1 -= 1024L * q3;
        range |= (f2 + BIAS) | (f1 + BIAS);
        // i = 4
        t3 = 2 * product(f3, q4);
        t2 = 2 * product(f2, q4);
        t1 = 2 * product(f1, q4);
        long f4 = 2 * f2 - t3;
        range |= (t3 + BIAS) | (2 * f2 + BIAS) | (f4 + BIAS) | (t2 + BIAS) | (f3 + f1 + BIAS) | (t1 + BIAS)
                | (f2 + f0 + BIAS);
        f3 = f3 + f1 - t2;
        f2 = f2 + f0 - t1;
        f1 -= 1024L * q4;
        range |= (f3 + BIAS) | (f2 + BIAS) | (f1 + BIAS);
        // i = 5
        t4 = 2 * product(f4, q5);
        t3 = 2 * product(f3, q5);
        t2 = 2 * product(f2, q5);
        t1 = 2 * product(f1, q5);
        long f5 = 2 * f3 - t4;
        range |= (t4 + BIAS) | (2 * f3 + BIAS) | (f5 + BIAS) | (t3 + BIAS) | (f4 + f2 + BIAS) | (t2 + BIAS)
                | (f3 + f1 + BIAS) | (t1 + BIAS) | (f2 + f0 + BIAS);
        f4 = f4 + f2 - t3;
        f3 = f3 + f1 - t2;
        f2 = f2 + f0 - t1;
        f1 -= 1024L * q5;
        range |= (f4 + BIAS) | (f3 + BIAS) | (f2 + BIAS) | (f1 + BIAS);
        if ((range >>> 32) != 0) {
            polynomialSaturating(lsp, first, f, off);
            return;
        }
        f[off] = (int) f0;
        f[off + 1] = (int) f1;
        f[off + 2] = (int) f2;
        f[off + 3] = (int) f3;
        f[off + 4] = (int) f4;
        f[off + 5] = (int) f5;
    }

    private static final long BIAS = 0x80000000L;

    /** mpy32x16 of a value known to be in the 32-bit range, by a factor other than -32768. */
    private static long product(long x, int n) {
        int v = (int) x;
        return 2L * (v >> 16) * n + 2L * ((((v & 0xFFFF) >>> 1) * n) >> 15);
    }

    private static void polynomialSaturating(int[] lsp, int first, int[] f, int off) {
        f[off] = lMult(4096, 2048); // 1.0 in Q24
        f[off + 1] = lMsu(0, lsp[first], 512); // -2 q0 in Q24
        for (int i = 2; i <= 5; i++) {
            int q = lsp[first + 2 * (i - 1)];
            f[off + i] = f[off + i - 2];
            for (int k = i; k >= 2; k--) {
                int t = lShl(mpy32x16(f[off + k - 1], q), 1);
                f[off + k] = lSub(lAdd(f[off + k], f[off + k - 2]), t);
            }
            f[off + 1] = lMsu(f[off + 1], q, 512);
        }
    }

    /** ap[i] = a[i] * gamma^i (bandwidth expansion), a at {@code aOff}. */
    static void weight(int[] a, int aOff, int gamma, int[] ap) {
        ap[0] = a[aOff];
        int fac = gamma;
        for (int i = 1; i < ORDER; i++) {
            ap[i] = round(lMult(a[aOff + i], fac));
            fac = round(lMult(fac, gamma));
        }
        ap[ORDER] = round(lMult(a[aOff + ORDER], fac));
    }

    /**
     * The residual y = A(z) x over {@code length} samples; x needs 10 samples of history. When
     * the largest |x| and the coefficients bound every sum below the 32-bit range, the sums run
     * in plain int arithmetic; otherwise with the Recommendation's saturation at each step.
     * {@code acc} is scratch for {@code length} sums.
     */
    static void residual(int[] a, int[] x, int xOff, int[] y, int yOff, int length, int[] acc) {
        long bound = 2L * FixedPoint.absBound(x, xOff - ORDER, xOff + length) * absSum(a, 0, 0);
        if (hasMinCoefficient(a, 0) || bound >= 0x80000000L) {
            residualSaturating(a, x, xOff, y, yOff, length);
            return;
        }
        // no partial sum can saturate, in any order: plain int arithmetic, tap by tap across
        // the block so that the JIT vectorises it
        int a0 = a[0];
        for (int i = 0; i < length; i++) {
            acc[i] = x[xOff + i] * a0;
        }
        for (int j = 1; j <= ORDER; j++) {
            int aj = a[j];
            int from = xOff - j;
            for (int i = 0; i < length; i++) {
                acc[i] += aj * x[from + i];
            }
        }
        for (int i = 0; i < length; i++) {
            y[yOff + i] = round(lShl(2 * acc[i], 3));
        }
    }

    /** The sum of |a[j]| for j from {@code first} to 10. */
    private static int absSum(int[] a, int aOff, int first) {
        int sum = 0;
        for (int j = first; j <= ORDER; j++) {
            sum += Math.abs(a[aOff + j]);
        }
        return sum;
    }

    private static void residualSaturating(int[] a, int[] x, int xOff, int[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) {
            int n = xOff + i;
            int s = lMult(x[n], a[0]);
            for (int j = 1; j <= ORDER; j++) {
                s = lMac(s, a[j], x[n - j]);
            }
            y[yOff + i] = round(lShl(s, 3));
        }
    }

    // the synthesis sums t whose (2 t) << 3 neither saturates nor overflows when rounded
    private static final int T_MAX = (FixedPoint.MAX_32 - 0x8000) / 16;
    private static final int T_MIN = FixedPoint.MIN_32 / 16;

    /** A coefficient of -1.0 (-32768) is the one factor for which L_mult itself saturates. */
    private static boolean hasMinCoefficient(int[] a, int aOff) {
        for (int j = 0; j <= ORDER; j++) {
            if (a[aOff + j] == FixedPoint.MIN_16) {
                return true;
            }
        }
        return false;
    }

    /**
     * Synthesis y = x / A(z) over {@code length} (at most 40) samples, with the filter memory
     * {@code mem} (the last 10 outputs; left unchanged). {@code work} holds 10 + length values.
     *
     * @return whether any operation saturated (the decoder then rescales its excitation, §4.1.6)
     */
    static boolean synthesise(int[] a, int aOff, int[] x, int xOff, int[] y, int yOff, int length,
            int[] mem, int[] work) {
        return synthesise(a, aOff, x, xOff, -1, y, yOff, length, mem, work);
    }

    /**
     * As {@link #synthesise(int[], int, int[], int, int[], int, int, int[], int[])}, with
     * {@code xBound} an upper bound of |x| over the block already known to the caller (as
     * {@link FixedPoint#absBound} gives it), or negative to have it worked out here.
     */
    static boolean synthesise(int[] a, int aOff, int[] x, int xOff, int xBound, int[] y, int yOff, int length,
            int[] mem, int[] work) {
        System.arraycopy(mem, 0, work, 0, ORDER);
        boolean exact = !hasMinCoefficient(a, aOff);
        long feedback = absSum(a, aOff, 1);
        int c0 = a[aOff];
        int c1 = a[aOff + 1];
        int c2 = a[aOff + 2];
        int c3 = a[aOff + 3];
        int c4 = a[aOff + 4];
        int c5 = a[aOff + 5];
        int c6 = a[aOff + 6];
        int c7 = a[aOff + 7];
        int c8 = a[aOff + 8];
        int c9 = a[aOff + 9];
        int c10 = a[aOff + 10];
        // the last ten outputs, newest first, kept in registers
        int y1 = mem[9];
        int y2 = mem[8];
        int y3 = mem[7];
        int y4 = mem[6];
        int y5 = mem[5];
        int y6 = mem[4];
        int y7 = mem[3];
        int y8 = mem[2];
        int y9 = mem[1];
        int y10 = mem[0];
        // when max|x| a0 + max|y| sum|a_j| < 2^30 no partial sum can saturate, whatever the
        // order: the terms without the newest output are then summed first, off the critical
        // path. maxY grows with the outputs; past yLimit a sample is computed step by step.
        int maxX = xBound >= 0 ? xBound : FixedPoint.absBound(x, xOff, xOff + length);
        long limit = 0x40000000L - (long) maxX * Math.abs(c0);
        long yLimit = !exact || limit <= 0 ? -1 : feedback == 0 ? Integer.MAX_VALUE : (limit - 1) / feedback;
        boolean saturated = false;
        if (yLimit >= 32768) {
            // every output is at most 32768 in magnitude, so the bound holds for the whole block
            for (int i = 0; i < length; i++) {
                int t = x[xOff + i] * c0 - (c10 * y10 + c9 * y9 + c8 * y8 + c7 * y7 + c6 * y6 + c5 * y5 + c4 * y4
                        + c3 * y3 + c2 * y2) - c1 * y1;
                // round(sat((2 t) << 3)) is (t + 2048) >> 12 while 16 t + 0x8000 fits 32 bits:
                // int arithmetic on the recursion's critical path
                int out;
                if (t <= T_MAX && t >= T_MIN) {
                    out = (t + 2048) >> 12;
                } else {
                    saturated = true;
                    out = round(FixedPoint.sat32(16L * t));
                }
                y[yOff + i] = out;
                y10 = y9;
                y9 = y8;
                y8 = y7;
                y7 = y6;
                y6 = y5;
                y5 = y4;
                y4 = y3;
                y3 = y2;
                y2 = y1;
                y1 = out;
            }
            return saturated;
        }
        int maxY = FixedPoint.absBound(mem, 0, ORDER);
        for (int i = 0; i < length; i++) {
            int xi = x[xOff + i];
            int out;
            if (maxY <= yLimit) {
                int t = xi * c0 - (c10 * y10 + c9 * y9 + c8 * y8 + c7 * y7 + c6 * y6 + c5 * y5 + c4 * y4 + c3 * y3
                        + c2 * y2) - c1 * y1;
                if (t <= T_MAX && t >= T_MIN) {
                    out = (t + 2048) >> 12;
                } else {
                    saturated = true;
                    out = round(FixedPoint.sat32(16L * t));
                }
            } else {
                long r = synthesisSample(a, aOff, xi, work, ORDER + i);
                saturated |= r < 0;
                out = (short) r;
            }
            maxY = Math.max(maxY, Math.abs(out));
            work[ORDER + i] = out;
            y[yOff + i] = out;
            y10 = y9;
            y9 = y8;
            y8 = y7;
            y7 = y6;
            y6 = y5;
            y5 = y4;
            y4 = y3;
            y3 = y2;
            y2 = y1;
            y1 = out;
        }
        return saturated;
    }

    /**
     * One output of 1/A(z) with saturation at every step, as the Recommendation computes it.
     *
     * @return the sample in the low 16 bits; negative when anything saturated
     */
    private static long synthesisSample(int[] a, int aOff, int x, int[] work, int at) {
        boolean saturated = false;
        long s = 2L * x * a[aOff];
        if (x == FixedPoint.MIN_16 && a[aOff] == FixedPoint.MIN_16) {
            s = FixedPoint.MAX_32;
            saturated = true;
        }
        for (int j = 1; j <= ORDER; j++) {
            int p = a[aOff + j] * work[at - j];
            s -= p == 0x40000000 ? FixedPoint.MAX_32 : 2L * p;
            if (s > FixedPoint.MAX_32 || s < FixedPoint.MIN_32 || p == 0x40000000) {
                saturated = true;
                s = FixedPoint.sat32(s);
            }
        }
        long shifted = s << 3;
        if (shifted > FixedPoint.MAX_32 || shifted < FixedPoint.MIN_32) {
            saturated = true;
        }
        int t = FixedPoint.sat32(shifted);
        if (t > FixedPoint.MAX_32 - 0x8000) {
            saturated = true;
        }
        int out = round(t) & 0xFFFF;
        return saturated ? out | Long.MIN_VALUE : out;
    }

    /**
     * The adaptive codebook vector: past excitation at delay {@code t0} + {@code frac}/3,
     * interpolated with the 1/3-resolution filter, written over {@code exc[off, off+length)}.
     * For delays shorter than the subframe the vector reads its own first samples (§3.7.1).
     * {@code acc} is scratch for {@code length} sums.
     */
    static void adaptiveCodebook(int[] exc, int off, int t0, int frac, int length, int[] acc) {
        int x0 = off - t0;
        frac = -frac;
        if (frac < 0) {
            frac += 3;
            x0--;
        }
        int[] h = INTERP_KERNELS[frac];
        long taps = INTERP_ABS_SUM[frac];
        int first = x0 - 9; // output j reads exc[first + j, first + j + 20)
        // the samples read before this call's own outputs (those are bounded as they are made)
        int maxX = FixedPoint.absBound(exc, first, Math.min(off, first + length + 19));
        // outputs are made in blocks short enough that a block reads none of its own outputs
        // (a delay under the subframe reads earlier outputs of this call): within a block the
        // sums run tap by tap across it, which the JIT vectorises
        int block = off - first - 19;
        for (int j0 = 0; j0 < length; j0 += block) {
            int j1 = Math.min(length, j0 + block);
            if (maxX * taps < 0x40000000L) { // no partial sum can saturate: plain sums
                int n = j1 - j0;
                // four taps per pass: a fifth of the passes over acc
                for (int m = 0; m < 20; m += 4) {
                    int ha = h[m];
                    int hb = h[m + 1];
                    int hc = h[m + 2];
                    int hd = h[m + 3];
                    int from = first + m + j0;
                    if (m == 0) {
                        for (int j = 0; j < n; j++) {
                            acc[j] = ha * exc[from + j] + hb * exc[from + 1 + j] + hc * exc[from + 2 + j]
                                    + hd * exc[from + 3 + j];
                        }
                    } else {
                        for (int j = 0; j < n; j++) {
                            acc[j] += ha * exc[from + j] + hb * exc[from + 1 + j] + hc * exc[from + 2 + j]
                                    + hd * exc[from + 3 + j];
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    int out = round(2 * acc[j]);
                    exc[off + j0 + j] = out;
                    maxX = Math.max(maxX, Math.abs(out));
                }
            } else { // the Recommendation's order: older and newer tap alternately, saturating
                for (int j = j0; j < j1; j++) {
                    int at = first + j;
                    int t = 0;
                    for (int i = 0; i < 10; i++) {
                        t = lMac(t, exc[at + 9 - i], h[9 - i]);
                        t = lMac(t, exc[at + 10 + i], h[10 + i]);
                    }
                    exc[off + j] = round(t);
                }
            }
        }
    }

    // per fraction (0, 1, 2): the 20 interpolation taps as one kernel over consecutive samples
    // (x1 - 9 .. x1 take the coefficients frac + 3i backwards, x2 .. x2 + 9 take 3 - frac + 3i)
    private static final int[][] INTERP_KERNELS = new int[3][20];

    // per fraction (0, 1, 2): the sum of |coefficient| over the 20 taps the interpolation uses
    private static final int[] INTERP_ABS_SUM = new int[3];

    static {
        for (int frac = 0; frac < 3; frac++) {
            for (int i = 0; i < 10; i++) {
                INTERP_KERNELS[frac][9 - i] = G729Tables.INTERP_3[frac + 3 * i];
                INTERP_KERNELS[frac][10 + i] = G729Tables.INTERP_3[3 - frac + 3 * i];
            }
            for (int h : INTERP_KERNELS[frac]) {
                INTERP_ABS_SUM[frac] += Math.abs(h);
            }
        }
    }
}
