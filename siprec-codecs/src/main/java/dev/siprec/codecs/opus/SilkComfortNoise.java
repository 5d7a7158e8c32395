package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.SilkSynthesis.addSat32;
import static dev.siprec.codecs.opus.SilkSynthesis.lshiftSat32;
import static dev.siprec.codecs.opus.SilkSynthesis.roundShift;
import static dev.siprec.codecs.opus.SilkSynthesis.smulwb;
import static dev.siprec.codecs.opus.SilkSynthesis.smulww;

/**
 * Comfort noise for one SILK channel, as the reference decoder makes it: during inactive
 * frames it learns the background (smoothed LSFs and gain, and excitation from the loudest
 * subframe); while frames are concealed (lost packets, or DTX, where the encoder sends nothing)
 * it adds noise of that spectrum at the level the concealment has faded away from, so that
 * silence sounds like the call's background rather than like a hole.
 */
final class SilkComfortNoise {

    private static final int BUFFER_MASK_MAX = 255;
    private static final int GAIN_SMOOTHING_Q16 = 4634; // 0.25^(1/4)
    private static final int NLSF_SMOOTHING_Q16 = 16348; // 0.25

    private int fsKHz;
    private final int[] smoothNlsfQ15 = new int[16];
    private int smoothGainQ16;
    private int randomSeed;
    private final int[] excitationQ14 = new int[320];
    private final int[] synthesisState = new int[16];

    // work
    private final int[] signalQ14 = new int[16 + 320];
    private final short[] lpc = new short[16];

    /** The state of a new decoder. */
    void clear() {
        fsKHz = 0;
        java.util.Arrays.fill(excitationQ14, 0);
        java.util.Arrays.fill(synthesisState, 0);
        java.util.Arrays.fill(smoothNlsfQ15, 0);
        smoothGainQ16 = 0;
        randomSeed = 0;
    }

    private void reset(int order) {
        int step = 32767 / (order + 1);
        int acc = 0;
        for (int i = 0; i < order; i++) {
            acc += step;
            smoothNlsfQ15[i] = acc;
        }
        smoothGainQ16 = 0;
        randomSeed = 3176576;
    }

    /** Learns from an inactive good frame, or adds noise to a concealed one. */
    void apply(SilkSynthesis s, SilkConcealment concealment, short[] frame, int off) {
        int order = s.order;
        if (s.fsKHz != fsKHz) {
            reset(order);
            fsKHz = s.fsKHz;
        }
        int length = s.frameLength;
        if (s.lossCount == 0 && s.prevSignalType == 0) {
            for (int i = 0; i < order; i++) {
                smoothNlsfQ15[i] = (short) (smoothNlsfQ15[i] + smulwb(s.prevNlsf[i] - smoothNlsfQ15[i], NLSF_SMOOTHING_Q16));
            }
            int loudest = 0;
            int maxGain = 0;
            for (int i = 0; i < s.subframes; i++) {
                if (s.gainsQ16[i] > maxGain) {
                    maxGain = s.gainsQ16[i];
                    loudest = i;
                }
            }
            int len = s.subframeLength;
            System.arraycopy(excitationQ14, 0, excitationQ14, len, (s.subframes - 1) * len);
            System.arraycopy(s.excQ14, loudest * len, excitationQ14, 0, len);
            for (int i = 0; i < s.subframes; i++) {
                smoothGainQ16 += smulwb(s.gainsQ16[i] - smoothGainQ16, GAIN_SMOOTHING_Q16);
            }
        }
        if (s.lossCount == 0) {
            java.util.Arrays.fill(synthesisState, 0, order, 0);
            return;
        }
        // the noise fills what the concealment's fading gain leaves below the background
        int gainQ16 = smulww(concealment.noiseScaleQ14(), concealment.lastGainQ16());
        if (gainQ16 >= 1 << 21 || smoothGainQ16 > 1 << 23) {
            gainQ16 = (gainQ16 >> 16) * (gainQ16 >> 16);
            gainQ16 = ((smoothGainQ16 >> 16) * (smoothGainQ16 >> 16)) - (gainQ16 << 5);
            gainQ16 = SilkConcealment.sqrtApprox(gainQ16) << 16;
        } else {
            gainQ16 = smulww(gainQ16, gainQ16);
            gainQ16 = smulww(smoothGainQ16, smoothGainQ16) - (gainQ16 << 5);
            gainQ16 = SilkConcealment.sqrtApprox(gainQ16) << 8;
        }
        int gainQ10 = gainQ16 >> 6;
        int mask = BUFFER_MASK_MAX;
        while (mask > length) {
            mask >>= 1;
        }
        int seed = randomSeed;
        for (int i = 0; i < length; i++) {
            seed = 907633515 + seed * 196314165;
            signalQ14[16 + i] = excitationQ14[(seed >> 24) & mask];
        }
        randomSeed = seed;
        s.lsfToLpc(smoothNlsfQ15, lpc);
        System.arraycopy(synthesisState, 0, signalQ14, 0, 16);
        for (int i = 0; i < length; i++) {
            int at = 16 + i;
            int pred = order >> 1;
            for (int j = 0; j < order; j++) {
                pred += smulwb(signalQ14[at - 1 - j], lpc[j]);
            }
            signalQ14[at] = addSat32(signalQ14[at], lshiftSat32(pred, 4));
            int noise = roundShift(smulww(signalQ14[at], gainQ10), 8);
            noise = Math.max(-32768, Math.min(32767, noise));
            frame[off + i] = (short) Math.max(-32768, Math.min(32767, frame[off + i] + noise));
        }
        System.arraycopy(signalQ14, length, synthesisState, 0, 16);
    }
}
