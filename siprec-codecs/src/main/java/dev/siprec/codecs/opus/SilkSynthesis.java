package dev.siprec.codecs.opus;

/**
 * Reconstructs one channel's SILK frames at the internal rate (RFC 6716 §4.2.7.4-§4.2.7.9), in
 * the fixed point of the reference decoder so that the output is bit-exact: gain dequantisation,
 * LSF dequantisation, stabilisation and interpolation, LSF to LPC conversion with range and
 * prediction-gain limiting, pitch lags and LTP filters, excitation, then LTP and LPC synthesis.
 *
 * <p>State carried from frame to frame: the last gain index and gain, the previous LSFs, the
 * primary lag, the LPC filter memory and the recent output (for LTP rewhitening).
 */
final class SilkSynthesis {

    private static final int MAX_ORDER = 16;
    private static final int LTP_ORDER = 5;
    // a prediction power gain above 10^4 counts as unstable, as in the reference decoder: 1e-4 in Q30
    private static final int MIN_INVERSE_GAIN = 107374;

    // after a lost frame the next good one's filters are widened a little (0.97 in Q16)
    private static final int BWE_AFTER_LOSS_Q16 = 63570;
    private static final short[] TRANSITION_TAPS_Q14 = {0, 0, 4096, 0, 0};

    // state read by the concealment and the comfort noise of the same channel
    int fsKHz;
    int order;
    int subframeLength;
    int subframes;
    int frameLength;
    int ltpMemLength;
    boolean firstFrameAfterReset = true;
    int lossCount; // frames concealed since the last good one
    int prevSignalType; // of the last good frame: 0 inactive, 1 unvoiced, 2 voiced
    int ltpScaleQ14; // of the last good frame
    int lagPrev = 100; // the last subframe's pitch lag, 0 when unvoiced, the concealment's after a loss
    final int[] prevNlsf = new int[MAX_ORDER];
    final int[] lpcState = new int[MAX_ORDER]; // sLPC_Q14
    final short[] outBuf = new short[20 * 16 + 2 * 80]; // ltp memory plus two subframes
    final int[] gainsQ16 = new int[4];
    final short[][] lpcQ12 = new short[2][MAX_ORDER];
    final int[] pitchLags = new int[4];
    final short[] ltpQ14 = new short[4 * LTP_ORDER];
    final int[] excQ14 = new int[320]; // the last good frame's excitation: the concealment's noise

    private int lastGainIndex = 10;
    private int prevGainQ16 = 65536;
    private int prevLagIndex;
    private final SilkConcealment concealment = new SilkConcealment();
    private final SilkComfortNoise comfortNoise = new SilkComfortNoise();

    // per-frame work
    private final int[] nlsf = new int[MAX_ORDER];
    private final int[] nlsf0 = new int[MAX_ORDER];
    private final int[] resQ10 = new int[MAX_ORDER];
    private final int[] a32 = new int[MAX_ORDER];
    private final long[] polyP = new long[MAX_ORDER / 2 + 1];
    private final long[] polyQ = new long[MAX_ORDER / 2 + 1];
    private final int[] cosQ16 = new int[MAX_ORDER];
    private final int[][] invGainWork = new int[2][MAX_ORDER];
    private final short[] sLtp = new short[320];
    private final int[] sLtpQ15 = new int[320 + 320];
    private final int[] resQ14 = new int[80];
    private final int[] sLpcQ14 = new int[80 + MAX_ORDER];

    /** Forgets everything (a decoder reset, §4.5.2). */
    void reset() {
        fsKHz = 0;
        firstFrameAfterReset = true;
        lastGainIndex = 10;
        prevGainQ16 = 65536;
        prevLagIndex = 0;
        lossCount = 0;
        prevSignalType = 0;
        ltpScaleQ14 = 0;
        lagPrev = 100;
        java.util.Arrays.fill(prevNlsf, 0);
        java.util.Arrays.fill(lpcState, 0);
        java.util.Arrays.fill(outBuf, (short) 0);
        java.util.Arrays.fill(excQ14, 0);
        concealment.clear();
        comfortNoise.clear();
    }

    /** After a lost packet the next gain is coded without the limit on its fall (§4.2.7.4). */
    void forgetLastGain() {
        lastGainIndex = 10;
    }

    /**
     * The side channel coded again after mid-only intervals starts from cleared filter memories,
     * as the reference decoder does; the last gain and LSFs are kept.
     */
    void restartSide() {
        java.util.Arrays.fill(outBuf, (short) 0);
        java.util.Arrays.fill(lpcState, 0);
        lastGainIndex = 10;
        prevSignalType = 0;
        lagPrev = 100;
        firstFrameAfterReset = true;
    }

    /** Sets the internal rate and frame size; a change of rate resets the filter memories. */
    private void setRate(int kHz, int subframeCount) {
        subframes = subframeCount;
        frameLength = subframeCount * 5 * kHz;
        if (kHz == fsKHz) {
            return;
        }
        fsKHz = kHz;
        prevSignalType = 0;
        lagPrev = 100;
        order = kHz == 16 ? 16 : 10;
        subframeLength = 5 * kHz;
        ltpMemLength = 20 * kHz;
        lastGainIndex = 10;
        firstFrameAfterReset = true;
        java.util.Arrays.fill(outBuf, (short) 0);
        java.util.Arrays.fill(lpcState, 0);
    }

    /**
     * Decodes one SILK frame.
     *
     * @param kHz the internal rate: 8, 12 or 16
     * @param subframes 2 (10 ms) or 4 (20 ms)
     * @param conditional whether the frame's first gain and lag are coded relative to the previous
     *     frame of the channel (§4.2.7.4)
     * @return the number of samples written
     */
    int decode(SilkParameters.SilkFrame f, int kHz, int subframes, boolean conditional, short[] out, int outOff) {
        setRate(kHz, subframes);
        dequantiseGains(f, subframes, conditional);
        decodeLsfs(f);
        boolean voiced = f.signalType == 2;
        ltpScaleQ14 = 0;
        if (voiced) {
            decodePitch(f, subframes);
            byte[] taps = SilkCodebooks.LTP_TAPS[f.periodicity];
            for (int k = 0; k < subframes; k++) {
                for (int i = 0; i < LTP_ORDER; i++) {
                    ltpQ14[k * LTP_ORDER + i] = (short) (taps[f.ltpFilter[k] * LTP_ORDER + i] << 7);
                }
            }
            ltpScaleQ14 = SilkCodebooks.LTP_SCALE_Q14[f.ltpScaling];
        }
        excitation(f, frameLength);
        core(f, subframes, voiced, ltpScaleQ14, out, outOff);
        concealment.update(this, f.signalType);
        lossCount = 0;
        prevSignalType = f.signalType;
        firstFrameAfterReset = false;
        lagPrev = voiced ? pitchLags[subframes - 1] : 0;
        return finishFrame(out, outOff);
    }

    /**
     * Conceals one lost frame (RFC 6716 §4.4 leaves the method to the decoder; this is the
     * reference decoder's): the last pitch period repeated with fading gain over the last
     * frame's filter, or its excitation as noise, and comfort noise mixed in.
     *
     * @param kHz the internal rate: the last frame's, or a new one (then from reset state)
     * @param subframes 2 (10 ms) or 4 (20 ms)
     * @return the number of samples written
     */
    int conceal(int kHz, int subframes, short[] out, int outOff) {
        setRate(kHz, subframes);
        concealment.conceal(this, out, outOff);
        lagPrev = pitchLags[subframes - 1];
        lossCount++;
        return finishFrame(out, outOff);
    }

    private int finishFrame(short[] out, int outOff) {
        // the output history for rewhitening keeps the last ltpMemLength samples
        int keep = ltpMemLength - frameLength;
        System.arraycopy(outBuf, frameLength, outBuf, 0, keep);
        System.arraycopy(out, outOff, outBuf, keep, frameLength);
        comfortNoise.apply(this, concealment, out, outOff);
        concealment.glue(this, out, outOff);
        return frameLength;
    }

    /** §4.2.7.4: log gains, absolute or delta coded, to Q16 through silk_log2lin. */
    private void dequantiseGains(SilkParameters.SilkFrame f, int subframes, boolean conditional) {
        for (int k = 0; k < subframes; k++) {
            int index = f.gainIndices[k];
            if (k == 0 && !conditional) {
                lastGainIndex = Math.max(index, lastGainIndex - 16);
            } else {
                lastGainIndex = Math.max(2 * index - 16, lastGainIndex + index - 4);
            }
            lastGainIndex = Math.max(0, Math.min(63, lastGainIndex));
            gainsQ16[k] = log2lin(Math.min(((0x1D1C71 * (long) lastGainIndex) >> 16) + 2090, 3967));
        }
    }

    /** 2^(x/128) for x in Q7, piecewise parabolic (the range used here starts at 2090). */
    static int log2lin(long inLogQ7) {
        int x = (int) inLogQ7;
        if (x < 0) {
            return 0;
        }
        if (x >= 3967) {
            return Integer.MAX_VALUE;
        }
        int out = 1 << (x >> 7);
        int frac = x & 0x7F;
        int t = frac + (int) (((long) frac * (128 - frac) * -174) >> 16);
        if (x < 2048) {
            return out + ((out * t) >> 7);
        }
        return out + (out >> 7) * t;
    }

    /** §4.2.7.5: LSFs, their stabilisation and interpolation, and the two sets of LPC filters. */
    private void decodeLsfs(SilkParameters.SilkFrame f) {
        boolean wb = order == 16;
        short[] cb = wb ? SilkCodebooks.NLSF_CB1_WB : SilkCodebooks.NLSF_CB1_NBMB;
        String select = wb ? SilkCodebooks.PRED_SELECT_WB[f.nlsfStage1] : SilkCodebooks.PRED_SELECT_NBMB[f.nlsfStage1];
        int qstep = wb ? 9830 : 11796;
        // stage-2 residuals with the backward prediction undone (§4.2.7.5.2)
        int next = 0;
        for (int k = order - 1; k >= 0; k--) {
            int pred = 0;
            if (k + 1 < order) {
                char list = select.charAt(k);
                short[] weights = list == 'A' ? SilkCodebooks.PRED_A : list == 'B' ? SilkCodebooks.PRED_B
                        : list == 'C' ? SilkCodebooks.PRED_C : SilkCodebooks.PRED_D;
                pred = (next * weights[k]) >> 8;
            }
            int i2 = f.nlsfStage2[k];
            int v = i2 << 10;
            if (v > 0) {
                v -= 102;
            } else if (v < 0) {
                v += 102;
            }
            next = pred + (int) (((long) v * qstep) >> 16);
            resQ10[k] = next;
        }
        // reconstruction with the IHMW weights (§4.2.7.5.3)
        int base = f.nlsfStage1 * order;
        for (int k = 0; k < order; k++) {
            int prev = k == 0 ? 0 : cb[base + k - 1];
            int nxt = k + 1 == order ? 256 : cb[base + k + 1];
            int c = cb[base + k];
            int w2 = (1024 / (c - prev) + 1024 / (nxt - c)) << 16;
            int i = 32 - Integer.numberOfLeadingZeros(w2);
            int fr = (w2 >> (i - 8)) & 127;
            int y = ((i & 1) != 0 ? 32768 : 46214) >> ((32 - i) >> 1);
            int w = y + ((213 * fr * y) >> 16);
            int value = (c << 7) + (resQ10[k] << 14) / w;
            nlsf[k] = Math.max(0, Math.min(32767, value));
        }
        stabilise(nlsf, wb ? SilkCodebooks.NLSF_MIN_SPACING_WB : SilkCodebooks.NLSF_MIN_SPACING_NBMB);
        lsfToLpc(nlsf, lpcQ12[1]);
        int w = firstFrameAfterReset ? 4 : f.nlsfInterpolation;
        if (w < 4) {
            for (int k = 0; k < order; k++) {
                nlsf0[k] = prevNlsf[k] + ((w * (nlsf[k] - prevNlsf[k])) >> 2);
            }
            lsfToLpc(nlsf0, lpcQ12[0]);
        } else {
            System.arraycopy(lpcQ12[1], 0, lpcQ12[0], 0, order);
        }
        interpolated = w < 4;
        System.arraycopy(nlsf, 0, prevNlsf, 0, order);
        if (lossCount > 0) {
            bandwidthExpand(lpcQ12[0], order, BWE_AFTER_LOSS_Q16);
            bandwidthExpand(lpcQ12[1], order, BWE_AFTER_LOSS_Q16);
        }
    }

    /** Chirps a Q12 filter: coefficient k scaled by chirp^(k+1), in 16-bit storage. */
    static void bandwidthExpand(short[] a, int order, int chirpQ16) {
        int chirpMinusOne = chirpQ16 - 65536;
        for (int i = 0; i < order - 1; i++) {
            a[i] = (short) roundShift(chirpQ16 * a[i], 16);
            chirpQ16 += roundShift(chirpQ16 * chirpMinusOne, 16);
        }
        a[order - 1] = (short) roundShift(chirpQ16 * a[order - 1], 16);
    }

    private boolean interpolated; // the first two subframes use LSFs interpolated with the last frame's

    /** §4.2.7.5.4: minimum spacing, by small moves first, then by force. */
    private void stabilise(int[] v, short[] minSpacing) {
        int n = order;
        for (int loop = 0; loop < 20; loop++) {
            int minDiff = v[0] - minSpacing[0];
            int at = 0;
            for (int i = 1; i < n; i++) {
                int diff = v[i] - (v[i - 1] + minSpacing[i]);
                if (diff < minDiff) {
                    minDiff = diff;
                    at = i;
                }
            }
            int last = (1 << 15) - (v[n - 1] + minSpacing[n]);
            if (last < minDiff) {
                minDiff = last;
                at = n;
            }
            if (minDiff >= 0) {
                return;
            }
            if (at == 0) {
                v[0] = minSpacing[0];
            } else if (at == n) {
                v[n - 1] = (1 << 15) - minSpacing[n];
            } else {
                int minCenter = minSpacing[at] >> 1;
                for (int k = 0; k < at; k++) {
                    minCenter += minSpacing[k];
                }
                int maxCenter = (1 << 15) - (minSpacing[at] >> 1);
                for (int k = n; k > at; k--) {
                    maxCenter -= minSpacing[k];
                }
                int center = (v[at - 1] + v[at] + 1) >> 1;
                center = minCenter > maxCenter
                        ? Math.max(maxCenter, Math.min(minCenter, center))
                        : Math.max(minCenter, Math.min(maxCenter, center));
                v[at - 1] = center - (minSpacing[at] >> 1);
                v[at] = v[at - 1] + minSpacing[at];
            }
        }
        java.util.Arrays.sort(v, 0, n);
        v[0] = Math.max(v[0], minSpacing[0]);
        for (int i = 1; i < n; i++) {
            v[i] = Math.max(v[i], Math.min(32767, v[i - 1] + minSpacing[i]));
        }
        v[n - 1] = Math.min(v[n - 1], (1 << 15) - minSpacing[n]);
        for (int i = n - 2; i >= 0; i--) {
            v[i] = Math.min(v[i], v[i + 1] - minSpacing[i + 1]);
        }
    }

    /** §4.2.7.5.6-§4.2.7.5.8: LSFs to Q12 LPC coefficients, range and gain limited. */
    void lsfToLpc(int[] lsf, short[] aQ12) {
        byte[] ordering = order == 16 ? SilkCodebooks.NLSF_ORDER_WB : SilkCodebooks.NLSF_ORDER_NBMB;
        for (int k = 0; k < order; k++) {
            int i = lsf[k] >> 8;
            int fr = lsf[k] & 255;
            int c = SilkCodebooks.COS_Q12[i];
            int d = SilkCodebooks.COS_Q12[i + 1] - c;
            cosQ16[ordering[k]] = ((c << 8) + d * fr + 4) >> 3; // cos in Q17 = 2 cos in Q16
        }
        int half = order / 2;
        polynomial(polyP, cosQ16, 0, half);
        polynomial(polyQ, cosQ16, 1, half);
        for (int k = 0; k < half; k++) {
            long p = polyP[k + 1] + polyP[k];
            long q = polyQ[k + 1] - polyQ[k];
            a32[k] = (int) (-q - p);
            a32[order - k - 1] = (int) (q - p);
        }
        fit(aQ12);
        for (int i = 0; inversePredictionGain(aQ12) == 0 && i < 16; i++) {
            bandwidthExpand(a32, 65536 - (2 << i));
            for (int k = 0; k < order; k++) {
                aQ12[k] = (short) roundShift(a32[k], 5);
            }
        }
    }

    /** The products of (1 - 2 cos z^-1 + z^-2) over every other cosine, Q16 (§4.2.7.5.6). */
    private static void polynomial(long[] out, int[] c, int first, int half) {
        out[0] = 1 << 16;
        out[1] = -c[first];
        for (int k = 1; k < half; k++) {
            long ck = c[first + 2 * k];
            out[k + 1] = 2 * out[k - 1] - ((ck * out[k] + 32768) >> 16);
            for (int n = k; n > 1; n--) {
                out[n] += out[n - 2] - ((ck * out[n - 1] + 32768) >> 16);
            }
            out[1] -= ck;
        }
    }

    /** §4.2.7.5.7: up to 10 rounds of bandwidth expansion until the Q12 values fit 16 bits. */
    private void fit(short[] aQ12) {
        int round = 0;
        for (; round < 10; round++) {
            int maxAbs = 0;
            int at = 0;
            for (int k = 0; k < order; k++) {
                int a = Math.abs(a32[k]);
                if (a > maxAbs) {
                    maxAbs = a;
                    at = k;
                }
            }
            maxAbs = roundShift(maxAbs, 5);
            if (maxAbs <= 32767) {
                break;
            }
            maxAbs = Math.min(maxAbs, 163838);
            int chirp = 65470 - ((maxAbs - 32767) << 14) / ((maxAbs * (at + 1)) >> 2);
            bandwidthExpand(a32, chirp);
        }
        if (round == 10) {
            for (int k = 0; k < order; k++) {
                aQ12[k] = (short) Math.max(-32768, Math.min(32767, roundShift(a32[k], 5)));
                a32[k] = aQ12[k] << 5;
            }
        } else {
            for (int k = 0; k < order; k++) {
                aQ12[k] = (short) roundShift(a32[k], 5);
            }
        }
    }

    private void bandwidthExpand(int[] a, int chirpQ16) {
        int chirpMinusOne = chirpQ16 - 65536;
        for (int i = 0; i < order - 1; i++) {
            a[i] = (int) (((long) chirpQ16 * a[i]) >> 16);
            chirpQ16 += roundShift(chirpQ16 * chirpMinusOne, 16);
        }
        a[order - 1] = (int) (((long) chirpQ16 * a[order - 1]) >> 16);
    }

    /**
     * §4.2.7.5.8: the inverse prediction gain of a Q12 filter in Q30, or 0 when the filter is
     * unstable: a reflection coefficient too close to 1, a DC gain too large, or (as the
     * reference decoder also requires, beyond the RFC's text) a prediction gain above 10^4.
     */
    int inversePredictionGain(short[] aQ12) {
        int[] anew = invGainWork[order & 1];
        int dc = 0;
        for (int k = 0; k < order; k++) {
            dc += aQ12[k];
            anew[k] = aQ12[k] << 12;
        }
        if (dc >= 4096) {
            return 0;
        }
        final int limit = 16773022; // 0.99975 in Q24
        int invGain = 1 << 30;
        for (int k = order - 1; k > 0; k--) {
            if (anew[k] > limit || anew[k] < -limit) {
                return 0;
            }
            int rc = -(anew[k] << 7); // Q31
            int mult1 = (1 << 30) - smmul(rc, rc);
            invGain = smmul(invGain, mult1) << 2;
            if (invGain < MIN_INVERSE_GAIN) {
                return 0;
            }
            int mult2Q = 32 - Integer.numberOfLeadingZeros(Math.abs(mult1));
            int mult2 = inverse32VarQ(mult1, mult2Q + 30);
            int[] aold = anew;
            anew = invGainWork[k & 1];
            for (int n = 0; n < k; n++) {
                long frac = roundShift64((long) aold[k - n - 1] * rc, 31);
                int tmp = sat32((long) aold[n] - frac);
                long v = roundShift64((long) tmp * mult2, mult2Q);
                if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                    return 0;
                }
                anew[n] = (int) v;
            }
        }
        if (anew[0] > limit || anew[0] < -limit) {
            return 0;
        }
        int rc = -(anew[0] << 7);
        int mult1 = (1 << 30) - smmul(rc, rc);
        invGain = smmul(invGain, mult1) << 2;
        return invGain < MIN_INVERSE_GAIN ? 0 : invGain;
    }

    /** §4.2.7.6: per-subframe pitch lags from the primary lag and the contour. */
    private void decodePitch(SilkParameters.SilkFrame f, int subframes) {
        int lagIndex;
        if (f.absoluteLag) {
            lagIndex = f.lagHigh * (fsKHz >> 1) + f.lagLow;
        } else {
            lagIndex = prevLagIndex + f.lagDelta - 9;
        }
        prevLagIndex = lagIndex;
        int minLag = 2 * fsKHz;
        int maxLag = 18 * fsKHz;
        int lag = lagIndex + minLag;
        byte[] cb;
        if (fsKHz == 8) {
            cb = subframes == 4 ? SilkCodebooks.CONTOUR_NB_20MS : SilkCodebooks.CONTOUR_NB_10MS;
        } else {
            cb = subframes == 4 ? SilkCodebooks.CONTOUR_MBWB_20MS : SilkCodebooks.CONTOUR_MBWB_10MS;
        }
        for (int k = 0; k < subframes; k++) {
            pitchLags[k] = Math.max(minLag, Math.min(maxLag, lag + cb[f.contour * subframes + k]));
        }
    }

    /** §4.2.7.8.6: the excitation in Q14, with the quantisation offset and the LCG's signs. */
    private void excitation(SilkParameters.SilkFrame f, int frameLength) {
        int offset = SilkCodebooks.QUANT_OFFSET_Q10[f.signalType >> 1][f.quantOffsetType] << 4;
        int seed = f.seed;
        for (int i = 0; i < frameLength; i++) {
            seed = 907633515 + seed * 196314165;
            int p = f.pulses[i];
            int e = p << 14;
            if (e > 0) {
                e -= 80 << 4;
            } else if (e < 0) {
                e += 80 << 4;
            }
            e += offset;
            excQ14[i] = seed < 0 ? -e : e;
            seed += p;
        }
    }

    /** LTP and LPC synthesis, subframe by subframe (§4.2.7.9), as the reference decoder does. */
    private void core(SilkParameters.SilkFrame f, int subframes, boolean voiced, int ltpScaleQ14, short[] out,
            int outOff) {
        System.arraycopy(lpcState, 0, sLpcQ14, 0, MAX_ORDER);
        int ltpIndex = ltpMemLength;
        int n = subframeLength;
        for (int k = 0; k < subframes; k++) {
            short[] a = lpcQ12[k >> 1];
            int gainQ16 = gainsQ16[k];
            int gainQ10 = gainQ16 >> 6;
            int invGainQ31 = inverse32VarQ(gainQ16, 47);
            int gainAdjQ16 = 1 << 16;
            if (gainQ16 != prevGainQ16) {
                gainAdjQ16 = div32VarQ(prevGainQ16, gainQ16, 16);
                for (int i = 0; i < MAX_ORDER; i++) {
                    sLpcQ14[i] = smulww(gainAdjQ16, sLpcQ14[i]);
                }
            }
            prevGainQ16 = gainQ16;
            int excOff = k * n;
            int[] res;
            int resOff;
            boolean ltp = voiced;
            short[] taps = ltpQ14;
            int b = k * LTP_ORDER;
            int lag = pitchLags[k];
            if (!voiced && k < 2 && lossCount > 0 && prevSignalType == 2) {
                // an unvoiced frame right after a voiced concealment starts with a weak pitch
                // (one tap of 0.25 at the concealment's lag), so as not to break off abruptly
                ltp = true;
                taps = TRANSITION_TAPS_Q14;
                b = 0;
                lag = lagPrev;
            }
            if (ltp) {
                if (k == 0 || (k == 2 && interpolated)) {
                    // rewhiten the recent output with this subframe's filter
                    int start = ltpMemLength - lag - order - LTP_ORDER / 2;
                    if (k == 2) {
                        System.arraycopy(out, outOff, outBuf, ltpMemLength, 2 * n);
                    }
                    analysisFilter(sLtp, start, outBuf, start + k * n, a, ltpMemLength - start);
                    if (k == 0) {
                        invGainQ31 = smulwb(invGainQ31, ltpScaleQ14) << 2;
                    }
                    for (int i = 0; i < lag + LTP_ORDER / 2; i++) {
                        sLtpQ15[ltpIndex - i - 1] = smulwb(invGainQ31, sLtp[ltpMemLength - i - 1]);
                    }
                } else if (gainAdjQ16 != 1 << 16) {
                    for (int i = 0; i < lag + LTP_ORDER / 2; i++) {
                        sLtpQ15[ltpIndex - i - 1] = smulww(gainAdjQ16, sLtpQ15[ltpIndex - i - 1]);
                    }
                }
                int p = ltpIndex - lag + LTP_ORDER / 2;
                for (int i = 0; i < n; i++) {
                    int pred = 2;
                    pred += smulwb(sLtpQ15[p], taps[b]);
                    pred += smulwb(sLtpQ15[p - 1], taps[b + 1]);
                    pred += smulwb(sLtpQ15[p - 2], taps[b + 2]);
                    pred += smulwb(sLtpQ15[p - 3], taps[b + 3]);
                    pred += smulwb(sLtpQ15[p - 4], taps[b + 4]);
                    p++;
                    resQ14[i] = excQ14[excOff + i] + (pred << 1);
                    sLtpQ15[ltpIndex++] = resQ14[i] << 1;
                }
                res = resQ14;
                resOff = 0;
            } else {
                res = excQ14;
                resOff = excOff;
            }
            if (order == 16) {
                lpc16(res, resOff, n, a, gainQ10, out, outOff + excOff);
            } else {
                lpc10(res, resOff, n, a, gainQ10, out, outOff + excOff);
            }
            System.arraycopy(sLpcQ14, n, sLpcQ14, 0, MAX_ORDER);
        }
        System.arraycopy(sLpcQ14, 0, lpcState, 0, MAX_ORDER);
    }

    /**
     * Short-term synthesis with an order-16 filter, unrolled with the coefficients in locals.
     * The terms are each floored on their own, so their order does not matter: the older ones
     * come first to keep the newest output off most of the dependency chain.
     */
    private void lpc16(int[] res, int resOff, int n, short[] a, int gainQ10, short[] out, int outOff) {
        final int[] st = sLpcQ14;
        final long a0 = a[0];
        final long a1 = a[1];
        final long a2 = a[2];
        final long a3 = a[3];
        final long a4 = a[4];
        final long a5 = a[5];
        final long a6 = a[6];
        final long a7 = a[7];
        final long a8 = a[8];
        final long a9 = a[9];
        final long a10 = a[10];
        final long a11 = a[11];
        final long a12 = a[12];
        final long a13 = a[13];
        final long a14 = a[14];
        final long a15 = a[15];
        for (int i = 0; i < n; i++) {
            int b = MAX_ORDER + i;
            int pred = 8
                    + (int) ((st[b - 16] * a15) >> 16)
                    + (int) ((st[b - 15] * a14) >> 16)
                    + (int) ((st[b - 14] * a13) >> 16)
                    + (int) ((st[b - 13] * a12) >> 16)
                    + (int) ((st[b - 12] * a11) >> 16)
                    + (int) ((st[b - 11] * a10) >> 16)
                    + (int) ((st[b - 10] * a9) >> 16)
                    + (int) ((st[b - 9] * a8) >> 16)
                    + (int) ((st[b - 8] * a7) >> 16)
                    + (int) ((st[b - 7] * a6) >> 16)
                    + (int) ((st[b - 6] * a5) >> 16)
                    + (int) ((st[b - 5] * a4) >> 16)
                    + (int) ((st[b - 4] * a3) >> 16)
                    + (int) ((st[b - 3] * a2) >> 16)
                    + (int) ((st[b - 2] * a1) >> 16)
                    + (int) ((st[b - 1] * a0) >> 16);
            int v = addSat32(res[resOff + i], lshiftSat32(pred, 4));
            st[b] = v;
            int o = (((int) ((v * (long) gainQ10) >> 16) >> 7) + 1) >> 1;
            out[outOff + i] = (short) (o > 32767 ? 32767 : o < -32768 ? -32768 : o);
        }
    }

    /**
     * Short-term synthesis with an order-10 filter, unrolled with the coefficients in locals.
     * The terms are each floored on their own, so their order does not matter: the older ones
     * come first to keep the newest output off most of the dependency chain.
     */
    private void lpc10(int[] res, int resOff, int n, short[] a, int gainQ10, short[] out, int outOff) {
        final int[] st = sLpcQ14;
        final long a0 = a[0];
        final long a1 = a[1];
        final long a2 = a[2];
        final long a3 = a[3];
        final long a4 = a[4];
        final long a5 = a[5];
        final long a6 = a[6];
        final long a7 = a[7];
        final long a8 = a[8];
        final long a9 = a[9];
        for (int i = 0; i < n; i++) {
            int b = MAX_ORDER + i;
            int pred = 5
                    + (int) ((st[b - 10] * a9) >> 16)
                    + (int) ((st[b - 9] * a8) >> 16)
                    + (int) ((st[b - 8] * a7) >> 16)
                    + (int) ((st[b - 7] * a6) >> 16)
                    + (int) ((st[b - 6] * a5) >> 16)
                    + (int) ((st[b - 5] * a4) >> 16)
                    + (int) ((st[b - 4] * a3) >> 16)
                    + (int) ((st[b - 3] * a2) >> 16)
                    + (int) ((st[b - 2] * a1) >> 16)
                    + (int) ((st[b - 1] * a0) >> 16);
            int v = addSat32(res[resOff + i], lshiftSat32(pred, 4));
            st[b] = v;
            int o = (((int) ((v * (long) gainQ10) >> 16) >> 7) + 1) >> 1;
            out[outOff + i] = (short) (o > 32767 ? 32767 : o < -32768 ? -32768 : o);
        }
    }

    /** The LPC residual of {@code in} (A(z) filtering), with the first {@code order} outputs zero. */
    void analysisFilter(short[] out, int outOff, short[] in, int inOff, short[] a, int length) {
        for (int ix = order; ix < length; ix++) {
            int acc = 0;
            for (int j = 0; j < order; j++) {
                acc += in[inOff + ix - 1 - j] * a[j];
            }
            int v = roundShift((in[inOff + ix] << 12) - acc, 12);
            out[outOff + ix] = (short) Math.max(-32768, Math.min(32767, v));
        }
        java.util.Arrays.fill(out, outOff, outOff + order, (short) 0);
    }

    // the reference decoder's arithmetic helpers

    static int smulwb(int a, int b) {
        return (int) (((long) a * (short) b) >> 16);
    }

    static int smulww(int a, int b) {
        return (int) (((long) a * b) >> 16);
    }

    static int smmul(int a, int b) {
        return (int) (((long) a * b) >> 32);
    }

    static int roundShift(int a, int shift) {
        return shift == 1 ? (a >> 1) + (a & 1) : ((a >> (shift - 1)) + 1) >> 1;
    }

    static long roundShift64(long a, int shift) {
        return shift == 1 ? (a >> 1) + (a & 1) : ((a >> (shift - 1)) + 1) >> 1;
    }

    static int sat32(long v) {
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : v < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v;
    }

    static int addSat32(int a, int b) {
        return sat32((long) a + b);
    }

    static int lshiftSat32(int a, int shift) {
        int lo = Integer.MIN_VALUE >> shift;
        int hi = Integer.MAX_VALUE >> shift;
        return (a < lo ? lo : a > hi ? hi : a) << shift;
    }

    /** An approximation of (a << q) / b, as the reference decoder computes it. */
    static int div32VarQ(int a, int b, int q) {
        int aHead = Integer.numberOfLeadingZeros(Math.abs(a)) - 1;
        int aNrm = a << aHead;
        int bHead = Integer.numberOfLeadingZeros(Math.abs(b)) - 1;
        int bNrm = b << bHead;
        int bInv = (Integer.MAX_VALUE >> 2) / (bNrm >> 16);
        int result = smulwb(aNrm, bInv);
        aNrm -= smmul(bNrm, result) << 3;
        result += smulwb(aNrm, bInv);
        int shift = 29 + aHead - bHead - q;
        if (shift < 0) {
            return lshiftSat32(result, -shift);
        }
        return shift < 32 ? result >> shift : 0;
    }

    /** An approximation of (1 << q) / b, as the reference decoder computes it. */
    static int inverse32VarQ(int b, int q) {
        int bHead = Integer.numberOfLeadingZeros(Math.abs(b)) - 1;
        int bNrm = b << bHead;
        int bInv = (Integer.MAX_VALUE >> 2) / (bNrm >> 16);
        int result = bInv << 16;
        int err = ((1 << 29) - smulwb(bNrm, bInv)) << 3;
        result += (int) (((long) err * bInv) >> 16);
        int shift = 61 - bHead - q;
        if (shift <= 0) {
            return lshiftSat32(result, -shift);
        }
        return shift < 32 ? result >> shift : 0;
    }
}
