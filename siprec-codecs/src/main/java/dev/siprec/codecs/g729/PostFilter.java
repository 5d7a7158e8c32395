package dev.siprec.codecs.g729;

import static dev.siprec.codecs.g729.FixedPoint.add;
import static dev.siprec.codecs.g729.FixedPoint.divS;
import static dev.siprec.codecs.g729.FixedPoint.extractH;
import static dev.siprec.codecs.g729.FixedPoint.invSqrt;
import static dev.siprec.codecs.g729.FixedPoint.lAdd;
import static dev.siprec.codecs.g729.FixedPoint.lMac;
import static dev.siprec.codecs.g729.FixedPoint.lMult;
import static dev.siprec.codecs.g729.FixedPoint.lShl;
import static dev.siprec.codecs.g729.FixedPoint.lShr;
import static dev.siprec.codecs.g729.FixedPoint.lSub;
import static dev.siprec.codecs.g729.FixedPoint.mpy32x16;
import static dev.siprec.codecs.g729.FixedPoint.mult;
import static dev.siprec.codecs.g729.FixedPoint.normL;
import static dev.siprec.codecs.g729.FixedPoint.round;
import static dev.siprec.codecs.g729.FixedPoint.shr;
import static dev.siprec.codecs.g729.FixedPoint.sub;

/**
 * The G.729 Annex A post-processing of each 10 ms frame (A.4.2, and §4.2.5): the adaptive
 * postfilter, that is a long-term (harmonic) filter on the residual of A(z/0.55) with an
 * integer delay searched around the decoded pitch, the short-term filter 1/A(z/0.7), tilt
 * compensation and gain control; then the 100 Hz high-pass filter with its x2 output gain.
 * Annex B turns the long-term part off for comfort-noise frames.
 */
final class PostFilter {

    private static final int M = Filters.ORDER;
    private static final int SUBFRAME = 40;
    private static final int PIT_MAX = 143;
    private static final int IMPULSE = 22; // truncated impulse response length for the tilt
    private static final int GAMMA_NUM = 18022; // 0.55, Q15
    private static final int GAMMA_DEN = 22938; // 0.70, Q15
    private static final int MU = 26214; // 0.8, Q15
    private static final int AGC_FACTOR = 29491; // 0.9, Q15
    private static final int AGC_STEP = 32767 - AGC_FACTOR;
    private static final int MIN_CORRELATION = Integer.MIN_VALUE;

    // residual of the synthesis through A(z/0.55), and the same /4, with PIT_MAX of history
    private final int[] residual = new int[PIT_MAX + SUBFRAME];
    private final int[] scaled = new int[PIT_MAX + SUBFRAME];
    private final int[] synthesisMemory = new int[M];
    private int preemphasisMemory;
    private int gain;
    private int hpX0;
    private int hpX1;
    private int hpY1;
    private int hpY2;

    private final int[] apNum = new int[M + 1];
    private final int[] apDen = new int[M + 1];
    private final int[] filtered = new int[SUBFRAME];
    private final int[] impulse = new int[IMPULSE];
    private final int[] output = new int[80];
    private final int[] work = new int[M + SUBFRAME];
    private final int[] zeroMemory = new int[M];

    PostFilter() {
        reset();
    }

    void reset() {
        java.util.Arrays.fill(residual, 0);
        java.util.Arrays.fill(scaled, 0);
        java.util.Arrays.fill(synthesisMemory, 0);
        preemphasisMemory = 0;
        gain = 4096;
        hpX0 = 0;
        hpX1 = 0;
        hpY1 = 0;
        hpY2 = 0;
    }

    /**
     * Filters one frame. {@code syn} holds 10 samples of history then the 80 samples of the
     * frame (at 10); the history is advanced. The result goes to {@code out[outOff, +80)}.
     *
     * @param az the two subframes' LP coefficients (22 values)
     * @param lags the two subframes' integer pitch lags
     * @param harmonic whether to apply the long-term postfilter (off for comfort noise)
     */
    void process(int[] syn, int[] az, int[] lags, boolean harmonic, short[] out, int outOff) {
        for (int sub = 0; sub < 2; sub++) {
            int start = M + sub * SUBFRAME;
            int minLag = lags[sub] - 3;
            int maxLag = minLag + 6;
            if (maxLag > PIT_MAX) {
                maxLag = PIT_MAX;
                minLag = maxLag - 6;
            }
            Filters.weight(az, sub * (M + 1), GAMMA_NUM, apNum);
            Filters.weight(az, sub * (M + 1), GAMMA_DEN, apDen);
            Filters.residual(apNum, syn, start, residual, PIT_MAX, SUBFRAME, work);
            for (int j = 0; j < SUBFRAME; j++) {
                scaled[PIT_MAX + j] = residual[PIT_MAX + j] >> 2;
            }
            if (harmonic) {
                longTerm(minLag, maxLag);
            } else {
                System.arraycopy(residual, PIT_MAX, filtered, 0, SUBFRAME);
            }
            tilt();
            Filters.synthesise(apDen, 0, filtered, 0, output, sub * SUBFRAME, SUBFRAME, synthesisMemory, work);
            System.arraycopy(output, sub * SUBFRAME + SUBFRAME - M, synthesisMemory, 0, M);
            gainControl(syn, start, sub * SUBFRAME);
            System.arraycopy(residual, SUBFRAME, residual, 0, PIT_MAX);
            System.arraycopy(scaled, SUBFRAME, scaled, 0, PIT_MAX);
        }
        System.arraycopy(syn, 80, syn, 0, M);
        highPass(out, outOff);
    }

    /** Harmonic filter (1 + g z^-T)/(1 + g) on the residual, T the best integer lag (A.4.2.1). */
    private void longTerm(int minLag, int maxLag) {
        int base = PIT_MAX;
        int best = MIN_CORRELATION;
        int lag = minLag;
        // Cauchy-Schwarz: every partial sum of a correlation is at most half the sum of the two
        // windows' energies, so when those stay under 2^31 no correlation can saturate
        long energyNow = sumOfSquares(scaled, base, SUBFRAME);
        long energyBack = sumOfSquares(scaled, base - maxLag, maxLag - minLag + SUBFRAME);
        boolean plain = energyNow + energyBack < 0x80000000L;
        for (int t = minLag; t <= maxLag; t++) {
            int corr;
            if (plain) {
                int s = 0;
                for (int j = 0; j < SUBFRAME; j++) {
                    s += scaled[base + j] * scaled[base + j - t];
                }
                corr = 2 * s;
            } else {
                corr = FixedPoint.macSum(0, scaled, base, scaled, base - t, SUBFRAME, 32768);
            }
            if (lSub(corr, best) > 0) {
                best = corr;
                lag = t;
            }
        }
        int energyDelayed = FixedPoint.energy(1, scaled, base - lag, SUBFRAME, 0);
        int energy = FixedPoint.sat32(1 + 2 * energyNow);
        if (best < 0) {
            best = 0;
        }
        int shift = normL(Math.max(best, Math.max(energyDelayed, energy)));
        int cmax = round(lShl(best, shift));
        int en = round(lShl(energyDelayed, shift));
        int en0 = round(lShl(energy, shift));
        // prediction gain under 3 dB (cmax^2 < en*en0/2): no harmonic filtering
        int test = lSub(lMult(cmax, cmax), lShr(lMult(en, en0), 1));
        if (test < 0) {
            System.arraycopy(residual, base, filtered, 0, SUBFRAME);
            return;
        }
        int g0;
        int g;
        if (cmax > en) { // pitch gain above 1
            g0 = 21845; // 1/(1 + 0.5)
            g = 10923; // 0.5/(1 + 0.5)
        } else {
            cmax = shr(mult(cmax, 16384), 1);
            en = shr(en, 1);
            int sum = add(cmax, en);
            if (sum > 0) {
                g = divS(cmax, sum);
                g0 = sub(32767, g);
            } else {
                g0 = 32767;
                g = 0;
            }
        }
        for (int j = 0; j < SUBFRAME; j++) {
            filtered[j] = add(mult(g0, residual[base + j]), mult(g, residual[base + j - lag]));
        }
    }

    private static long sumOfSquares(int[] v, int from, int n) {
        long s = 0;
        for (int i = from; i < from + n; i++) {
            s += v[i] * v[i];
        }
        return s;
    }

    /** Tilt compensation 1 - mu k1 z^-1, k1 from the impulse response of the formant filter. */
    private void tilt() {
        System.arraycopy(apNum, 0, impulse, 0, M + 1);
        java.util.Arrays.fill(impulse, M + 1, IMPULSE, 0);
        // past apNum the impulse is zero: its bound is apNum's
        Filters.synthesise(apDen, 0, impulse, 0, FixedPoint.absBound(apNum, 0, M + 1), impulse, 0, IMPULSE, zeroMemory,
                work);
        int r0 = extractH(FixedPoint.energy(0, impulse, 0, IMPULSE, 0));
        int r1 = extractH(FixedPoint.macSum(0, impulse, 0, impulse, 1, IMPULSE - 1,
                FixedPoint.absBound(impulse, 0, IMPULSE)));
        int k;
        if (r1 <= 0) {
            k = 0;
        } else {
            k = divS(mult(r1, MU), r0);
        }
        int last = filtered[SUBFRAME - 1];
        for (int i = SUBFRAME - 1; i > 0; i--) {
            filtered[i] = sub(filtered[i], mult(k, filtered[i - 1]));
        }
        filtered[0] = sub(filtered[0], mult(k, preemphasisMemory));
        preemphasisMemory = last;
    }

    /** Scales the postfiltered subframe to the energy of its input, smoothed (A.4.2.4). */
    private void gainControl(int[] syn, int synOff, int outOff) {
        int s = FixedPoint.energy(0, output, outOff, SUBFRAME, 2);
        if (s == 0) {
            gain = 0;
            return;
        }
        int exp = normL(s) - 1;
        int gainOut = round(lShl(s, exp));
        s = FixedPoint.energy(0, syn, synOff, SUBFRAME, 2);
        int g0;
        if (s == 0) {
            g0 = 0;
        } else {
            int norm = normL(s);
            int gainIn = round(lShl(s, norm));
            exp = exp - norm;
            int ratio = lShr(lShl(divS(gainOut, gainIn), 7), exp); // gain_out/gain_in, Q22
            int inv = round(lShl(invSqrt(ratio), 9)); // sqrt(gain_in/gain_out), Q12
            g0 = mult(inv, AGC_STEP);
        }
        int g = gain;
        for (int i = 0; i < SUBFRAME; i++) {
            g = add(mult(g, AGC_FACTOR), g0);
            output[outOff + i] = extractH(lShl(lMult(output[outOff + i], g), 3));
        }
        gain = g;
    }

    /** Second-order 100 Hz high-pass, output doubled with saturation (§4.2.5). */
    private void highPass(short[] out, int outOff) {
        for (int i = 0; i < 80; i++) {
            int x2 = hpX1;
            hpX1 = hpX0;
            hpX0 = output[i];
            // the five products never saturate; when the sum of their magnitudes stays under
            // 2^31 no partial sum can either, in any order, so the input terms (known early)
            // go first and the recursion's own terms last, off the critical path
            long inputs = 2L * hpX0 * HP_B0 + 2L * hpX1 * HP_B1 + 2L * x2 * HP_B2;
            long p2 = product(hpY2, HP_A2);
            long p1 = product(hpY1, HP_A1);
            long acc = inputs + p2 + p1;
            boolean plain = 2L * (Math.abs(hpX0) + Math.abs(x2)) * HP_B0 + 2L * Math.abs(hpX1) * -HP_B1
                    + Math.abs(p2) + Math.abs(p1) < 0x80000000L;
            long shifted = acc << 2;
            int result;
            if (plain && shifted >= FixedPoint.MIN_32 / 2 && shifted <= (FixedPoint.MAX_32 - 0x8000) / 2) {
                result = (int) shifted;
                out[outOff + i] = (short) ((2L * result + 0x8000) >> 16);
            } else {
                result = highPassSaturating(x2);
                out[outOff + i] = (short) round(lShl(result, 1));
            }
            hpY2 = hpY1;
            hpY1 = result; // kept whole: the products split it as hi·2^16 + lo·2
        }
    }

    private static final int HP_B0 = 7699;
    private static final int HP_B1 = -15398;
    private static final int HP_B2 = 7699;
    private static final int HP_A1 = 15836;
    private static final int HP_A2 = -7667;

    /** mpy32x16 without its saturation checks: with these coefficients it cannot saturate. */
    private static long product(int y, int n) {
        return 2L * (y >> 16) * n + 2L * ((((y & 0xFFFF) >>> 1) * n) >> 15);
    }

    /** One high-pass step with the Recommendation's saturation at every operation. */
    private int highPassSaturating(int x2) {
        int acc = mpy32x16(hpY1, HP_A1);
        acc = lAdd(acc, mpy32x16(hpY2, HP_A2));
        acc = lMac(acc, hpX0, HP_B0);
        acc = lMac(acc, hpX1, HP_B1);
        acc = lMac(acc, x2, HP_B2);
        return lShl(acc, 2);
    }
}
