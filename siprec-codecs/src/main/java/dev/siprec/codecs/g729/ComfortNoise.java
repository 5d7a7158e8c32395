package dev.siprec.codecs.g729;

import static dev.siprec.codecs.g729.FixedPoint.abs;
import static dev.siprec.codecs.g729.FixedPoint.add;
import static dev.siprec.codecs.g729.FixedPoint.extractH;
import static dev.siprec.codecs.g729.FixedPoint.extractL;
import static dev.siprec.codecs.g729.FixedPoint.invSqrt;
import static dev.siprec.codecs.g729.FixedPoint.lMac;
import static dev.siprec.codecs.g729.FixedPoint.lMult;
import static dev.siprec.codecs.g729.FixedPoint.lShl;
import static dev.siprec.codecs.g729.FixedPoint.lShr;
import static dev.siprec.codecs.g729.FixedPoint.lSub;
import static dev.siprec.codecs.g729.FixedPoint.mpy32x16;
import static dev.siprec.codecs.g729.FixedPoint.mult;
import static dev.siprec.codecs.g729.FixedPoint.multR;
import static dev.siprec.codecs.g729.FixedPoint.negate;
import static dev.siprec.codecs.g729.FixedPoint.normL;
import static dev.siprec.codecs.g729.FixedPoint.normS;
import static dev.siprec.codecs.g729.FixedPoint.shl;
import static dev.siprec.codecs.g729.FixedPoint.shr;
import static dev.siprec.codecs.g729.FixedPoint.shrR;
import static dev.siprec.codecs.g729.FixedPoint.sub;

/**
 * G.729 Annex B comfort noise at the decoder (B.4.4, B.4.5): the excitation of a SID or
 * untransmitted frame is a random adaptive-codebook vector plus Gaussian noise plus four random
 * pulses, scaled so that its energy follows the SID gain, smoothed from frame to frame. The
 * gain of a frame that follows speech without a SID (the SID was lost) is estimated from the
 * energy of the last speech excitation, quantised as a SID gain would be.
 */
final class ComfortNoise {

    static final int INITIAL_SEED = 11111;
    private static final int SUBFRAME = 40;
    private static final int FRAC1 = 19043; // sqrt(40) * 0.5 / 2 - 1, Q15
    private static final int K0 = 24576; // 1 - 0.5^2, Q15
    private static final int G_MAX = 5000;
    private static final int SMOOTH_OLD = 28672; // 7/8, Q15
    private static final int SMOOTH_NEW = 4096; // 1/8, Q15

    private int seed;
    private int gain;
    private int sidGain;
    private final int[] gaussian = new int[SUBFRAME];
    private final int[] scaledExc = new int[SUBFRAME];
    private final int[] pos = new int[4];
    private final int[] sign = new int[4];

    ComfortNoise() {
        reset();
    }

    void reset() {
        seed = INITIAL_SEED;
        gain = 0;
        sidGain = G729Tables.SID_GAIN[0];
    }

    /** Speech frames restart the generator, so that noise after each talk spurt is the same. */
    void restartSeed() {
        seed = INITIAL_SEED;
    }

    /** A SID frame's gain index. */
    void sid(int gainIndex) {
        sidGain = G729Tables.SID_GAIN[gainIndex];
    }

    /**
     * The first inactive frame after speech arrived without a SID: its gain is estimated from
     * the last speech frame's excitation energy ({@code energy} · 2^{@code shift}).
     */
    void estimateFromSpeech(int energy, int shift) {
        int x = mpy32x16(lShl(energy, shift), 410);
        sidGain = G729Tables.SID_GAIN[quantiseEnergy(x)];
    }

    /**
     * Writes one frame's excitation to {@code exc[off, off+80)} (the 154 values before it are
     * the past excitation the random adaptive codebook reads).
     *
     * @param afterSpeech whether the previous frame was speech (the gain jumps instead of
     *     gliding)
     */
    void excitation(boolean afterSpeech, int[] exc, int off) {
        gain = afterSpeech ? sidGain : add(multR(gain, SMOOTH_OLD), multR(sidGain, SMOOTH_NEW));
        if (gain == 0) {
            java.util.Arrays.fill(exc, off, off + 80, 0);
            return;
        }
        for (int sub = 0; sub < 80; sub += SUBFRAME) {
            subframe(exc, off + sub);
        }
    }

    private void subframe(int[] exc, int cur) {
        // random adaptive-codebook delay and fraction, pulse positions and signs, pitch gain
        int r = next();
        int frac = sub(r & 3, 1);
        if (frac == 2) {
            frac = 0;
        }
        r = shr(r, 2);
        int t0 = add(r & 0x3F, 40);
        r = shr(r, 6);
        pos[0] = (r & 7) * 5;
        r = shr(r, 3);
        sign[0] = r & 1;
        r = shr(r, 1);
        pos[1] = (r & 7) * 5 + 1;
        r = shr(r, 3);
        sign[1] = r & 1;
        r = next();
        pos[2] = (r & 7) * 5 + 2;
        r = shr(r, 3);
        sign[2] = r & 1;
        r = shr(r, 1);
        int t = r & 0xF;
        pos[3] = (t & 1) + 3 + ((t >> 1) & 7) * 5;
        r = shr(r, 4);
        sign[3] = r & 1;
        int pitchGain = shl(next() & 0x1FFF, 1); // under 0.5, Q15

        // Gaussian excitation scaled to alpha * gain * sqrt(40 / its energy)
        int acc = 0;
        for (int i = 0; i < SUBFRAME; i++) {
            int g = gauss();
            acc += 2 * g * g; // |g| <= 3072: 40 terms stay under 2^31, no saturation
            gaussian[i] = g;
        }
        acc = invSqrt(lShr(acc, 1));
        int fac = add(gain, multR(gain, FRAC1));
        acc = mpy32x16(acc, fac);
        int sh = normL(acc);
        int scale = extractH(lShl(acc, sh));
        sh = sub(sh, 14);
        for (int i = 0; i < SUBFRAME; i++) {
            gaussian[i] = shrR(multR(gaussian[i], scale), sh);
        }

        Filters.adaptiveCodebook(exc, cur, t0, frac, SUBFRAME, scaledExc);
        int max = 0;
        for (int i = 0; i < SUBFRAME; i++) {
            int v = add(multR(exc[cur + i], pitchGain), gaussian[i]);
            exc[cur + i] = v;
            int a = abs(v);
            if (a > max) {
                max = a;
            }
        }
        sh = max == 0 ? 0 : Math.max(0, sub(3, normS(max)));
        for (int i = 0; i < SUBFRAME; i++) {
            scaledExc[i] = shr(exc[cur + i], sh);
        }

        // the pulse gain x solves 4x^2 + 2bx + c = 0 so that the total energy is the target
        int energy = FixedPoint.energy(0, scaledExc, 0, SUBFRAME, 0);
        int b = 0;
        for (int i = 0; i < 4; i++) {
            b = sign[i] == 0 ? sub(b, scaledExc[pos[i]]) : add(b, scaledExc[pos[i]]);
        }
        int k = lMult(gain, extractL(lShr(lMult(gain, SUBFRAME), 6)));
        acc = lShr(k, add(1, shl(sh, 1)));
        acc = lSub(acc, energy);
        b = shr(b, 1);
        acc = lMac(acc, b, b);
        sh = add(sh, 1);
        if (acc < 0) {
            // no real root: drop the adaptive part and solve for the Gaussian part alone
            System.arraycopy(gaussian, 0, exc, cur, SUBFRAME);
            int bits = abs(gaussian[pos[0]]) | abs(gaussian[pos[1]]) | abs(gaussian[pos[2]]) | abs(gaussian[pos[3]]);
            sh = (bits & 0x4000) == 0 ? 1 : 2;
            b = 0;
            for (int i = 0; i < 4; i++) {
                int v = shr(gaussian[pos[i]], sh);
                b = sign[i] == 0 ? sub(b, v) : add(b, v);
            }
            acc = lShr(mpy32x16(k, K0), sub(shl(sh, 1), 1));
            acc = lMac(acc, b, b);
        }
        int root = sqrtHalf(acc);
        int x1 = sub(root, b);
        int x2 = negate(add(b, root));
        if (abs(x2) < abs(x1)) {
            x1 = x2;
        }
        int g = shrR(x1, sub(2, sh));
        if (g >= 0) {
            if (g > G_MAX) {
                g = G_MAX;
            }
        } else if (add(g, G_MAX) < 0) {
            g = negate(G_MAX);
        }
        for (int i = 0; i < 4; i++) {
            int p = cur + pos[i];
            exc[p] = sign[i] != 0 ? add(exc[p], g) : sub(exc[p], g);
        }
    }

    private int next() {
        seed = FixedPoint.random(seed);
        return seed;
    }

    /** Approximately Gaussian: the sum of 12 uniform values, scaled (Z * 512). */
    private int gauss() {
        // the sum of the generator's next 12 outputs: output k is an affine function of the
        // current seed modulo 2^16, so the 12 are computed side by side rather than in a chain;
        // |sum| <= 12 * 32768 cannot saturate
        int s = seed;
        int acc = 0;
        for (int k = 0; k < 12; k++) {
            acc += (short) (JUMP_MUL[k] * s + JUMP_ADD[k]);
        }
        seed = (short) (JUMP_MUL[11] * s + JUMP_ADD[11]);
        return (short) (acc >> 7);
    }

    // seed after k + 1 steps = JUMP_MUL[k] * seed + JUMP_ADD[k] (mod 2^16)
    private static final int[] JUMP_MUL = new int[12];
    private static final int[] JUMP_ADD = new int[12];

    static {
        int mul = 1;
        int add = 0;
        for (int k = 0; k < 12; k++) {
            mul = (mul * 31821) & 0xFFFF;
            add = (add * 31821 + 13849) & 0xFFFF;
            JUMP_MUL[k] = mul;
            JUMP_ADD[k] = add;
        }
    }

    /** sqrt(x/2), bit by bit (14 bits). */
    private static int sqrtHalf(int x) {
        int root = 0;
        int bit = 0x4000;
        for (int i = 0; i < 14; i++) {
            int trial = add(root, bit);
            if (lSub(x, lMult(trial, trial)) >= 0) {
                root = trial;
            }
            bit >>= 1;
        }
        return root;
    }

    /** The SID gain index of an energy (B.4.3, the decoder's use of the quantiser). */
    private static int quantiseEnergy(int x) {
        int log = FixedPoint.log2(x);
        int exp = log >> 16;
        int frac = log & 0xFFFF;
        int e = add(shl(exp, 10), multR(frac, 1024)); // 2^10 log2(x)
        if (sub(e, -2721) <= 0) { // -8 dB
            return 0;
        }
        if (sub(e, 22111) > 0) { // 65 dB
            return 31;
        }
        if (sub(e, 4762) <= 0) { // 14 dB
            int index = mult(add(e, 3401), 24);
            return Math.max(index, 1);
        }
        int index = sub(shr(mult(sub(e, 340), 193), 2), 1);
        return Math.max(index, 6);
    }
}
