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

    /** The residual y = A(z) x over {@code length} samples; x needs 10 samples of history. */
    static void residual(int[] a, int[] x, int xOff, int[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) {
            int n = xOff + i;
            int s = lMult(x[n], a[0]);
            for (int j = 1; j <= ORDER; j++) {
                s = lMac(s, a[j], x[n - j]);
            }
            y[yOff + i] = round(lShl(s, 3));
        }
    }

    /**
     * Synthesis y = x / A(z) over {@code length} (at most 40) samples, with the filter memory
     * {@code mem} (the last 10 outputs; left unchanged). {@code work} holds 10 + length values.
     *
     * @return whether any operation saturated (the decoder then rescales its excitation, §4.1.6)
     */
    static boolean synthesise(int[] a, int aOff, int[] x, int xOff, int[] y, int yOff, int length,
            int[] mem, int[] work) {
        System.arraycopy(mem, 0, work, 0, ORDER);
        boolean saturated = false;
        for (int i = 0; i < length; i++) {
            long s = 2L * x[xOff + i] * a[aOff];
            for (int j = 1; j <= ORDER; j++) {
                int p = a[aOff + j] * work[ORDER + i - j];
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
            int out = round(t);
            work[ORDER + i] = out;
            y[yOff + i] = out;
        }
        return saturated;
    }

    /**
     * The adaptive codebook vector: past excitation at delay {@code t0} + {@code frac}/3,
     * interpolated with the 1/3-resolution filter, written over {@code exc[off, off+length)}.
     * For delays shorter than the subframe the vector reads its own first samples (§3.7.1).
     */
    static void adaptiveCodebook(int[] exc, int off, int t0, int frac, int length) {
        int x0 = off - t0;
        frac = -frac;
        if (frac < 0) {
            frac += 3;
            x0--;
        }
        short[] f = G729Tables.INTERP_3;
        for (int j = 0; j < length; j++) {
            int x1 = x0++;
            int x2 = x0;
            int s = 0;
            for (int i = 0, k = 0; i < 10; i++, k += 3) {
                s = lMac(s, exc[x1 - i], f[frac + k]);
                s = lMac(s, exc[x2 + i], f[3 - frac + k]);
            }
            exc[off + j] = round(s);
        }
    }
}
