package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.SilkSynthesis.addSat32;
import static dev.siprec.codecs.opus.SilkSynthesis.inverse32VarQ;
import static dev.siprec.codecs.opus.SilkSynthesis.lshiftSat32;
import static dev.siprec.codecs.opus.SilkSynthesis.roundShift;
import static dev.siprec.codecs.opus.SilkSynthesis.smulwb;
import static dev.siprec.codecs.opus.SilkSynthesis.smulww;

/**
 * Packet-loss concealment for one SILK channel, in the reference decoder's fixed point so that
 * concealed audio, and everything decoded after it, stays bit-exact with it. RFC 6716 §4.4 leaves
 * concealment to the decoder; interoperating recorders need the same samples as the reference,
 * so this follows the reference's method:
 *
 * <ul>
 *   <li>after each good frame, keep its last LPC filter, the strongest LTP filter near the end
 *       (as a single centre tap, gain clamped to 0.7..0.95), the pitch lag, the last two gains;
 *   <li>on a loss, rewhiten the recent output with the filter widened by 0.99 per lost frame,
 *       then run long-term prediction at the pitch lag, which drifts up 1% per subframe, plus
 *       noise drawn from the last good excitation; harmonic and noise gains fade per subframe;
 *   <li>on the first good frame after a loss, if it is louder than the concealment, fade it in
 *       from the concealment's level.
 * </ul>
 */
final class SilkConcealment {

    private static final int LTP_ORDER = 5;
    private static final short[] HARMONIC_ATTENUATION_Q15 = {32440, 31130}; // 0.99, 0.95
    private static final short[] NOISE_ATTENUATION_VOICED_Q15 = {31130, 26214}; // 0.95, 0.8
    private static final short[] NOISE_ATTENUATION_UNVOICED_Q15 = {32440, 29491}; // 0.99, 0.9
    private static final int BWE_COEF_Q16 = 64881; // 0.99
    private static final int PITCH_GAIN_MIN_Q14 = 11469; // 0.7
    private static final int PITCH_GAIN_MAX_Q14 = 15565; // 0.95
    private static final int MAX_PITCH_LAG_MS = 18;
    private static final int NOISE_BUFFER = 128;
    private static final int LOG2_INV_LPC_GAIN_HIGH = 3;
    private static final int LOG2_INV_LPC_GAIN_LOW = 8;
    private static final int PITCH_DRIFT_Q16 = 655; // 0.01

    private int fsKHz;
    private int pitchLagQ8;
    private final short[] ltpCoefQ14 = new short[LTP_ORDER];
    private final short[] prevLpcQ12 = new short[16];
    private int prevLtpScaleQ14;
    private final int[] prevGainQ16 = new int[2];
    private int subframeLength;
    private int subframes;
    private int randomSeed;
    private int noiseScaleQ14;
    private int concealedEnergy;
    private int concealedEnergyShift;
    private boolean lastFrameLost;

    // work
    private final short[] ltpResidual = new short[320];
    private final int[] ltpQ14 = new int[320 + 320];
    private final short[] lpc = new short[16];
    private final short[] energyWork = new short[160];
    private final int[] energy = new int[2];

    SilkConcealment() {
        clear();
    }

    /** The state of a new decoder. */
    void clear() {
        fsKHz = 0;
        java.util.Arrays.fill(ltpCoefQ14, (short) 0);
        java.util.Arrays.fill(prevLpcQ12, (short) 0);
        prevLtpScaleQ14 = 0;
        randomSeed = 0;
        noiseScaleQ14 = 0;
        concealedEnergy = 0;
        concealedEnergyShift = 0;
        lastFrameLost = false;
        reset(0);
    }

    private void reset(int frameLength) {
        pitchLagQ8 = frameLength << 7;
        prevGainQ16[0] = 1 << 16;
        prevGainQ16[1] = 1 << 16;
        subframeLength = 20;
        subframes = 2;
    }

    /** The noise gain the concealment has faded to. */
    int noiseScaleQ14() {
        return noiseScaleQ14;
    }

    /** The gain of the last good subframe. */
    int lastGainQ16() {
        return prevGainQ16[1];
    }

    private void followRate(SilkSynthesis s) {
        if (s.fsKHz != fsKHz) {
            reset(s.frameLength);
            fsKHz = s.fsKHz;
        }
    }

    /** Remembers what a concealment would need from the good frame just decoded. */
    void update(SilkSynthesis s, int signalType) {
        followRate(s);
        int n = s.subframes;
        if (signalType == 2) {
            // the strongest LTP filter among the subframes within one pitch period of the end
            int ltpGain = 0;
            for (int j = 0; j * s.subframeLength < s.pitchLags[n - 1] && j < n; j++) {
                int sum = 0;
                for (int i = 0; i < LTP_ORDER; i++) {
                    sum += s.ltpQ14[(n - 1 - j) * LTP_ORDER + i];
                }
                if (sum > ltpGain) {
                    ltpGain = sum;
                    pitchLagQ8 = s.pitchLags[n - 1 - j] << 8;
                }
            }
            // kept as one centre tap
            java.util.Arrays.fill(ltpCoefQ14, (short) 0);
            ltpCoefQ14[LTP_ORDER / 2] = (short) ltpGain;
            if (ltpGain < PITCH_GAIN_MIN_Q14) {
                int scaleQ10 = (PITCH_GAIN_MIN_Q14 << 10) / Math.max(ltpGain, 1);
                for (int i = 0; i < LTP_ORDER; i++) {
                    ltpCoefQ14[i] = (short) ((ltpCoefQ14[i] * (short) scaleQ10) >> 10);
                }
            } else if (ltpGain > PITCH_GAIN_MAX_Q14) {
                int scaleQ14 = (PITCH_GAIN_MAX_Q14 << 14) / Math.max(ltpGain, 1);
                for (int i = 0; i < LTP_ORDER; i++) {
                    ltpCoefQ14[i] = (short) ((ltpCoefQ14[i] * (short) scaleQ14) >> 14);
                }
            }
        } else {
            pitchLagQ8 = (s.fsKHz * 18) << 8;
            java.util.Arrays.fill(ltpCoefQ14, (short) 0);
        }
        System.arraycopy(s.lpcQ12[1], 0, prevLpcQ12, 0, s.order);
        prevLtpScaleQ14 = s.ltpScaleQ14;
        prevGainQ16[0] = s.gainsQ16[n - 2];
        prevGainQ16[1] = s.gainsQ16[n - 1];
        subframeLength = s.subframeLength;
        subframes = n;
    }

    /** Writes one concealed frame of {@code s.frameLength} samples. */
    void conceal(SilkSynthesis s, short[] frame, int off) {
        followRate(s);
        int prevGain0Q10 = prevGainQ16[0] >> 6;
        int prevGain1Q10 = prevGainQ16[1] >> 6;
        if (s.firstFrameAfterReset) {
            java.util.Arrays.fill(prevLpcQ12, (short) 0);
        }
        // the noise comes from whichever of the last two subframes of excitation is quieter
        lastSubframeEnergies(s, prevGain0Q10, prevGain1Q10);
        int noiseOff;
        if ((energy[0] >> energyShift1) < (energy[1] >> energyShift0)) {
            noiseOff = Math.max(0, (subframes - 1) * subframeLength - NOISE_BUFFER);
        } else {
            noiseOff = Math.max(0, subframes * subframeLength - NOISE_BUFFER);
        }
        int lost = Math.min(1, s.lossCount);
        int harmonicGainQ15 = HARMONIC_ATTENUATION_Q15[lost];
        int noiseGainQ15 = s.prevSignalType == 2 ? NOISE_ATTENUATION_VOICED_Q15[lost]
                : NOISE_ATTENUATION_UNVOICED_Q15[lost];
        int order = s.order;
        SilkSynthesis.bandwidthExpand(prevLpcQ12, order, BWE_COEF_Q16);
        System.arraycopy(prevLpcQ12, 0, lpc, 0, order);
        int noiseScale = noiseScaleQ14;
        if (s.lossCount == 0) {
            noiseScale = 1 << 14;
            if (s.prevSignalType == 2) {
                // less noise under a strong pitch
                for (int i = 0; i < LTP_ORDER; i++) {
                    noiseScale -= ltpCoefQ14[i];
                }
                noiseScale = Math.max(3277, (short) noiseScale); // 0.2
                noiseScale = (short) ((noiseScale * prevLtpScaleQ14) >> 14);
            } else {
                // less noise under a filter with a high prediction gain
                int invGainQ30 = s.inversePredictionGain(prevLpcQ12);
                int downScaleQ30 = Math.min((1 << 30) >> LOG2_INV_LPC_GAIN_HIGH, invGainQ30);
                downScaleQ30 = Math.max((1 << 30) >> LOG2_INV_LPC_GAIN_LOW, downScaleQ30);
                downScaleQ30 <<= LOG2_INV_LPC_GAIN_HIGH;
                noiseGainQ15 = smulwb(downScaleQ30, noiseGainQ15) >> 14;
            }
        }
        int seed = randomSeed;
        int lag = roundShift(pitchLagQ8, 8);
        int ltpMem = s.ltpMemLength;
        int bufIdx = ltpMem;
        // rewhiten the recent output and scale it to the excitation domain
        int idx = ltpMem - lag - order - LTP_ORDER / 2;
        s.analysisFilter(ltpResidual, idx, s.outBuf, idx, lpc, ltpMem - idx);
        int invGainQ30 = Math.min(inverse32VarQ(prevGainQ16[1], 46), Integer.MAX_VALUE >> 1);
        for (int i = idx + order; i < ltpMem; i++) {
            ltpQ14[i] = smulwb(invGainQ30, ltpResidual[i]);
        }
        // long-term synthesis with noise
        int[] exc = s.excQ14;
        short[] b = ltpCoefQ14;
        for (int k = 0; k < s.subframes; k++) {
            int p = bufIdx - lag + LTP_ORDER / 2;
            for (int i = 0; i < s.subframeLength; i++) {
                int pred = 2;
                pred += smulwb(ltpQ14[p], b[0]);
                pred += smulwb(ltpQ14[p - 1], b[1]);
                pred += smulwb(ltpQ14[p - 2], b[2]);
                pred += smulwb(ltpQ14[p - 3], b[3]);
                pred += smulwb(ltpQ14[p - 4], b[4]);
                p++;
                seed = 907633515 + seed * 196314165;
                int r = (seed >> 25) & (NOISE_BUFFER - 1);
                ltpQ14[bufIdx++] = (pred + smulwb(exc[noiseOff + r], noiseScale)) << 2;
            }
            for (int j = 0; j < LTP_ORDER; j++) {
                b[j] = (short) ((harmonicGainQ15 * b[j]) >> 15);
            }
            if (s.prevSignalType != 0) {
                // after inactive frames the noise keeps its level: it is the background
                noiseScale = (short) ((noiseScale * noiseGainQ15) >> 15);
            }
            pitchLagQ8 += smulwb(pitchLagQ8, PITCH_DRIFT_Q16);
            pitchLagQ8 = Math.min(pitchLagQ8, (MAX_PITCH_LAG_MS * s.fsKHz) << 8);
            lag = roundShift(pitchLagQ8, 8);
        }
        // short-term synthesis over the long-term output, in place
        int base = ltpMem - 16;
        System.arraycopy(s.lpcState, 0, ltpQ14, base, 16);
        for (int i = 0; i < s.frameLength; i++) {
            int at = base + 16 + i;
            int pred = order >> 1;
            for (int j = 0; j < order; j++) {
                pred += smulwb(ltpQ14[at - 1 - j], lpc[j]);
            }
            ltpQ14[at] = addSat32(ltpQ14[at], lshiftSat32(pred, 4));
            int v = roundShift(smulww(ltpQ14[at], prevGain1Q10), 8);
            frame[off + i] = (short) Math.max(-32768, Math.min(32767, v));
        }
        System.arraycopy(ltpQ14, base + s.frameLength, s.lpcState, 0, 16);
        randomSeed = seed;
        noiseScaleQ14 = noiseScale;
        for (int k = 0; k < 4; k++) {
            s.pitchLags[k] = lag;
        }
    }

    private int energyShift0;
    private int energyShift1;

    /** The energies of the last two subframes of excitation at the last gains. */
    private void lastSubframeEnergies(SilkSynthesis s, int gain0Q10, int gain1Q10) {
        int len = s.subframeLength;
        int[] exc = s.excQ14;
        for (int k = 0; k < 2; k++) {
            int gain = k == 0 ? gain0Q10 : gain1Q10;
            int from = (k + s.subframes - 2) * len;
            for (int i = 0; i < len; i++) {
                int v = smulww(exc[from + i], gain) >> 8;
                energyWork[i] = (short) Math.max(-32768, Math.min(32767, v));
            }
            int shift = sumOfSquares(energyWork, 0, len, energy, k);
            if (k == 0) {
                energyShift0 = shift;
            } else {
                energyShift1 = shift;
            }
        }
    }

    /**
     * Smooths the step from concealment back to decoded audio: when the first good frame is
     * louder than the concealed one, its gain ramps from the concealment's level to one.
     */
    void glue(SilkSynthesis s, short[] frame, int off) {
        int length = s.frameLength;
        if (s.lossCount > 0) {
            concealedEnergyShift = sumOfSquares(frame, off, length, energy, 0);
            concealedEnergy = energy[0];
            lastFrameLost = true;
            return;
        }
        if (lastFrameLost) {
            int shift = sumOfSquares(frame, off, length, energy, 0);
            int e = energy[0];
            if (shift > concealedEnergyShift) {
                concealedEnergy >>= shift - concealedEnergyShift;
            } else if (shift < concealedEnergyShift) {
                e >>= concealedEnergyShift - shift;
            }
            if (e > concealedEnergy) {
                int lz = Integer.numberOfLeadingZeros(concealedEnergy) - 1;
                concealedEnergy <<= lz;
                e >>= Math.max(24 - lz, 0);
                int fracQ24 = concealedEnergy / Math.max(e, 1);
                int gainQ16 = sqrtApprox(fracQ24) << 4;
                int slopeQ16 = ((1 << 16) - gainQ16) / length;
                slopeQ16 <<= 2; // steeper, so as not to miss onsets after silence
                for (int i = 0; i < length; i++) {
                    frame[off + i] = (short) smulwb(gainQ16, frame[off + i]);
                    gainQ16 += slopeQ16;
                    if (gainQ16 > 1 << 16) {
                        break;
                    }
                }
            }
        }
        lastFrameLost = false;
    }

    /**
     * The sum of squares of {@code x}, shifted right so that it fits 32 bits with two bits of
     * headroom; the sum goes to {@code out[at]}, the shift is returned.
     */
    static int sumOfSquares(short[] x, int off, int len, int[] out, int at) {
        int shift = 31 - Integer.numberOfLeadingZeros(len);
        int nrg = pairSums(x, off, len, len, shift);
        shift = Math.max(0, shift + 3 - Integer.numberOfLeadingZeros(nrg));
        out[at] = pairSums(x, off, len, 0, shift);
        return shift;
    }

    private static int pairSums(short[] x, int off, int len, int start, int shift) {
        int nrg = start;
        int i = 0;
        for (; i < len - 1; i += 2) {
            int pair = x[off + i] * x[off + i] + x[off + i + 1] * x[off + i + 1];
            nrg += pair >>> shift;
        }
        if (i < len) {
            nrg += (x[off + i] * x[off + i]) >>> shift;
        }
        return nrg;
    }

    /** An approximation of the square root, as the reference decoder computes it. */
    static int sqrtApprox(int x) {
        if (x <= 0) {
            return 0;
        }
        int lz = Integer.numberOfLeadingZeros(x);
        int fracQ7 = Integer.rotateRight(x, 24 - lz) & 0x7f;
        int y = (lz & 1) != 0 ? 32768 : 46214; // 46214 = sqrt(2) in Q15
        y >>= lz >> 1;
        return y + smulwb(y, 213 * fracQ7);
    }
}
