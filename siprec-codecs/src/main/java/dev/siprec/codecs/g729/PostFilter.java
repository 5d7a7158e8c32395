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
            Filters.residual(apNum, syn, start, residual, PIT_MAX, SUBFRAME);
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
        for (int t = minLag; t <= maxLag; t++) {
            int corr = 0;
            for (int j = 0; j < SUBFRAME; j++) {
                corr = lMac(corr, scaled[base + j], scaled[base + j - t]);
            }
            if (lSub(corr, best) > 0) {
                best = corr;
                lag = t;
            }
        }
        int energyDelayed = 1;
        int energy = 1;
        for (int j = 0; j < SUBFRAME; j++) {
            int d = scaled[base + j - lag];
            energyDelayed = lMac(energyDelayed, d, d);
        }
        for (int j = 0; j < SUBFRAME; j++) {
            int s = scaled[base + j];
            energy = lMac(energy, s, s);
        }
        if (best < 0) {
            best = 0;
        }
        int max = Math.max(best, Math.max(energyDelayed, energy));
        int shift = normL(max);
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

    /** Tilt compensation 1 - mu k1 z^-1, k1 from the impulse response of the formant filter. */
    private void tilt() {
        System.arraycopy(apNum, 0, impulse, 0, M + 1);
        java.util.Arrays.fill(impulse, M + 1, IMPULSE, 0);
        Filters.synthesise(apDen, 0, impulse, 0, impulse, 0, IMPULSE, zeroMemory, work);
        int acc = lMult(impulse[0], impulse[0]);
        for (int i = 1; i < IMPULSE; i++) {
            acc = lMac(acc, impulse[i], impulse[i]);
        }
        int r0 = extractH(acc);
        acc = lMult(impulse[0], impulse[1]);
        for (int i = 1; i < IMPULSE - 1; i++) {
            acc = lMac(acc, impulse[i], impulse[i + 1]);
        }
        int r1 = extractH(acc);
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
        int s = 0;
        for (int i = 0; i < SUBFRAME; i++) {
            int v = output[outOff + i] >> 2;
            s = lMac(s, v, v);
        }
        if (s == 0) {
            gain = 0;
            return;
        }
        int exp = normL(s) - 1;
        int gainOut = round(lShl(s, exp));
        s = 0;
        for (int i = 0; i < SUBFRAME; i++) {
            int v = syn[synOff + i] >> 2;
            s = lMac(s, v, v);
        }
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
        short[] b = G729Tables.HP_B;
        short[] a = G729Tables.HP_A;
        for (int i = 0; i < 80; i++) {
            int x2 = hpX1;
            hpX1 = hpX0;
            hpX0 = output[i];
            int acc = mpy32x16(hpY1, a[1]);
            acc = lAdd(acc, mpy32x16(hpY2, a[2]));
            acc = lMac(acc, hpX0, b[0]);
            acc = lMac(acc, hpX1, b[1]);
            acc = lMac(acc, x2, b[2]);
            acc = lShl(acc, 2);
            out[outOff + i] = (short) round(lShl(acc, 1));
            hpY2 = hpY1;
            hpY1 = acc; // kept whole: the products above split it as hi·2^16 + lo·2
        }
    }
}
