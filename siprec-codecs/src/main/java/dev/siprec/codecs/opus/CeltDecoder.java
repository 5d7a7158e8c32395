package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.CeltTables.BANDS;
import static dev.siprec.codecs.opus.CeltTables.BITRES;
import static dev.siprec.codecs.opus.CeltTables.EBANDS;
import static dev.siprec.codecs.opus.CeltTables.E_MEANS;
import static dev.siprec.codecs.opus.CeltTables.MAX_FINE_BITS;
import static dev.siprec.codecs.opus.CeltTables.OVERLAP;
import static dev.siprec.codecs.opus.CeltTables.WINDOW;

/**
 * The CELT layer of the Opus decoder (RFC 6716 §4.3, with the RFC 8251 fixes), in floating
 * point: the frame header (silence, pitch post-filter, isTransient, intra), the band energies
 * (coarse with inter-frame prediction, fine, final), TF resolution, spreading, dynamic
 * allocation and trim, the bit allocation ({@link CeltAllocation}), the band shapes
 * ({@link CeltBands}), anti-collapse; then the synthesis: denormalisation, the inverse MDCT
 * with its low-overlap window and overlap-add, the pitch post-filter and de-emphasis.
 *
 * <p>One frame of 2.5, 5, 10 or 20 ms is decoded per call, from a range decoder that may
 * already have been used by the SILK layer (hybrid frames start at band 17). Output is float
 * PCM in 16-bit scale at 48 kHz divided by {@code downsample}. Lost frames are concealed with
 * noise shaped by the last band energies, fading by 1.5 then 0.5 dB per frame towards the
 * background level. Allocation-free after construction; one instance per stream.
 */
final class CeltDecoder {

    private static final int HISTORY = 2048; // decoded output kept for the post-filter
    private static final int ROOM = 8 * 960; // frames decoded before the history is moved back
    private static final float PREEMPH = 0.8500061035f;
    private static final float PREEMPH2 = PREEMPH * PREEMPH;
    private static final float PREEMPH3 = PREEMPH2 * PREEMPH;
    private static final float PREEMPH4 = PREEMPH2 * PREEMPH2;
    // the 1e-30 the reference adds per sample (against denormals), as the unrolled sum adds it
    private static final float DENORMAL_GUARD = 1e-30f * (1 + PREEMPH + PREEMPH2 + PREEMPH3);
    static final float[][] POSTFILTER_GAINS = {
        {0.3066406250f, 0.2170410156f, 0.1296386719f},
        {0.4638671875f, 0.2680664062f, 0.f},
        {0.7998046875f, 0.1000976562f, 0.f},
    };

    private final int outChannels;
    private final int downsample;
    private final CeltAllocation allocation = new CeltAllocation();
    private final CeltBands bands = new CeltBands();
    private final CeltConcealment plc = new CeltConcealment();
    private final CeltMdct[] mdct = {new CeltMdct(120), new CeltMdct(240), new CeltMdct(480), new CeltMdct(960)};
    // per channel: the output so far up to frameEnd, then the next frame's overlap (windowed IMDCT
    // tail) at [end, end + OVERLAP); end advances by a frame and moves back only when out of room
    private final float[][] mem = {new float[HISTORY + ROOM + OVERLAP], new float[HISTORY + ROOM + OVERLAP]};
    private int frameEnd = HISTORY;
    private final float[] preemphMem = new float[2];
    private final float[] oldBandE = new float[2 * BANDS];
    private final float[] oldLogE = new float[2 * BANDS];
    private final float[] oldLogE2 = new float[2 * BANDS];
    private final float[] backgroundLogE = new float[2 * BANDS];
    private final float[] x = new float[2 * 960];
    private final float[] freq = new float[960];
    private final float[] freq2 = new float[960];
    private final float[] imdct = new float[OVERLAP]; // a block's head, before it is added
    private final int[] tfRes = new int[BANDS];
    private final int[] cap = new int[BANDS];
    private final int[] offsets = new int[BANDS];
    private final float[] prev = new float[2];
    private final RangeDecoder own = new RangeDecoder();
    private int postfilterPeriod;
    private int postfilterPeriodOld;
    private float postfilterGain;
    private float postfilterGainOld;
    private int postfilterTapset;
    private int postfilterTapsetOld;
    private int rng;
    private int lossCount;
    private final boolean disableInv;

    /**
     * @param outChannels 1 or 2 output channels (a stereo stream is down-mixed to 1, a mono
     *     stream copied to 2)
     * @param downsample 48 kHz divided by the output rate: 1, 2, 3, 4 or 6
     */
    CeltDecoder(int outChannels, int downsample) {
        this.outChannels = outChannels;
        this.downsample = downsample;
        this.disableInv = outChannels == 1; // phase inversion would cancel in a down-mix
        reset();
    }

    /** Makes room for a frame of {@code n} samples: the overlap becomes the head of the new frame. */
    private void advance(int n) {
        if (frameEnd + n + OVERLAP > mem[0].length) {
            for (int ch = 0; ch < outChannels; ch++) {
                System.arraycopy(mem[ch], frameEnd - HISTORY, mem[ch], 0, HISTORY + OVERLAP);
            }
            frameEnd = HISTORY;
        }
        frameEnd += n;
    }

    private static double energy(float[] x, int from, int n) {
        double e = 0;
        for (int i = from; i < from + n; i++) {
            e += x[i] * x[i];
        }
        return e;
    }

    /** OPUS_RESET_STATE: as new. */
    void reset() {
        frameEnd = HISTORY;
        for (float[] m : mem) {
            java.util.Arrays.fill(m, 0f);
        }
        java.util.Arrays.fill(preemphMem, 0f);
        java.util.Arrays.fill(oldBandE, 0f);
        java.util.Arrays.fill(oldLogE, -28f);
        java.util.Arrays.fill(oldLogE2, -28f);
        java.util.Arrays.fill(backgroundLogE, 0f);
        postfilterPeriod = 0;
        postfilterPeriodOld = 0;
        postfilterGain = 0;
        postfilterGainOld = 0;
        postfilterTapset = 0;
        postfilterTapsetOld = 0;
        rng = 0;
        lossCount = 0;
    }

    /** The range decoder's final state after the last frame decoded on its own (redundant frames). */
    long finalRange() {
        return own.finalRange();
    }

    /** Decodes a frame held on its own, such as a redundant frame of a mode transition (start band 0). */
    int decodeStandalone(byte[] data, int off, int len, int streamChannels, int bandwidthEnd, int frameSize48,
            float[] pcm, int pcmOff) {
        own.init(data, off, len);
        return decode(own, len, 0, bandwidthEnd, streamChannels, frameSize48, pcm, pcmOff);
    }

    /**
     * Decodes one frame from {@code rd} (of {@code len} bytes in all).
     *
     * @param start the first band: 0, or 17 under a hybrid frame's SILK layer
     * @param end one past the last band: 13 (NB), 17 (WB), 19 (SWB) or 21 (FB)
     * @param frameSize48 120, 240, 480 or 960
     * @return samples per channel written at the output rate
     */
    int decode(RangeDecoder rd, int len, int start, int end, int streamChannels, int frameSize48, float[] pcm,
            int pcmOff) {
        int lm = frameSize48 == 120 ? 0 : frameSize48 == 240 ? 1 : frameSize48 == 480 ? 2 : 3;
        int n = frameSize48;
        int m = 1 << lm;
        int c = streamChannels;
        int effEnd = Math.min(end, BANDS);
        if (c == 1) {
            for (int i = 0; i < BANDS; i++) {
                oldBandE[i] = Math.max(oldBandE[i], oldBandE[BANDS + i]);
            }
        }
        int totalBits = len * 8;
        int tell = rd.tell();
        boolean silence;
        if (tell >= totalBits) {
            silence = true;
        } else if (tell == 1) {
            silence = rd.decodeBitLogp(15) != 0;
        } else {
            silence = false;
        }
        if (silence) {
            // the rest of the frame counts as read (§4.3)
            rd.skipToEnd(totalBits);
            tell = totalBits;
        }
        int pfPitch = 0;
        float pfGain = 0;
        int pfTapset = 0;
        if (start == 0 && tell + 16 <= totalBits) {
            if (rd.decodeBitLogp(1) != 0) {
                int octave = (int) rd.decodeUint(6);
                pfPitch = (16 << octave) + rd.decodeBits(4 + octave) - 1;
                int qg = rd.decodeBits(3);
                if (rd.tell() + 2 <= totalBits) {
                    pfTapset = rd.decodeIcdf(CeltTables.TAPSET_ICDF, 2);
                }
                pfGain = 0.09375f * (qg + 1);
            }
            tell = rd.tell();
        }
        boolean isTransient = false;
        if (lm > 0 && tell + 3 <= totalBits) {
            isTransient = rd.decodeBitLogp(3) != 0;
            tell = rd.tell();
        }
        boolean intra = tell + 3 <= totalBits && rd.decodeBitLogp(3) != 0;
        coarseEnergy(rd, start, end, intra, c, lm);
        tfDecode(rd, start, end, isTransient, lm);
        tell = rd.tell();
        int spread = 2;
        if (tell + 4 <= totalBits) {
            spread = rd.decodeIcdf(CeltTables.SPREAD_ICDF, 5);
        }
        CeltAllocation.caps(cap, lm, c);
        // dynamic allocation boosts (§4.3.3)
        int dynallocLogp = 6;
        int total = totalBits << BITRES;
        tell = rd.tellFrac();
        for (int i = start; i < end; i++) {
            int width = c * (EBANDS[i + 1] - EBANDS[i]) << lm;
            int quanta = Math.min(width << BITRES, Math.max(6 << BITRES, width));
            int loopLogp = dynallocLogp;
            int boost = 0;
            while (tell + (loopLogp << BITRES) < total && boost < cap[i]) {
                int flag = rd.decodeBitLogp(loopLogp);
                tell = rd.tellFrac();
                if (flag == 0) {
                    break;
                }
                boost += quanta;
                total -= quanta;
                loopLogp = 1;
            }
            offsets[i] = boost;
            if (boost > 0) {
                dynallocLogp = Math.max(2, dynallocLogp - 1);
            }
        }
        int trim = 5;
        if (tell + (6 << BITRES) <= total) {
            trim = rd.decodeIcdf(CeltTables.TRIM_ICDF, 7);
        }
        int bits = (len * 8 << BITRES) - rd.tellFrac() - 1;
        int antiCollapseRsv = isTransient && lm >= 2 && bits >= (lm + 2) << BITRES ? 1 << BITRES : 0;
        bits -= antiCollapseRsv;
        allocation.compute(start, end, offsets, cap, trim, bits, c, lm, rd);
        fineEnergy(rd, start, end, c);

        advance(n);
        bands.decode(x, n, c, start, end, allocation.pulses, isTransient, spread, allocation.dualStereo,
                allocation.intensity, tfRes, (len * (8 << BITRES)) - antiCollapseRsv, allocation.balance, rd, lm,
                allocation.codedBands, rng, disableInv);
        boolean antiCollapse = antiCollapseRsv > 0 && rd.decodeBits(1) != 0;
        finaliseEnergy(rd, start, end, len * 8 - rd.tell(), c);
        if (antiCollapse) {
            antiCollapse(start, end, c, lm, n, bands.seed);
        }
        if (silence) {
            for (int i = 0; i < 2 * BANDS; i++) {
                oldBandE[i] = -28f;
            }
        }
        synthesis(start, effEnd, c, isTransient, lm, n, silence);
        postFilter(n, lm, pfPitch, pfGain, pfTapset);

        if (c == 1) {
            System.arraycopy(oldBandE, 0, oldBandE, BANDS, BANDS);
        }
        if (!isTransient) {
            System.arraycopy(oldLogE, 0, oldLogE2, 0, 2 * BANDS);
            System.arraycopy(oldBandE, 0, oldLogE, 0, 2 * BANDS);
            for (int i = 0; i < 2 * BANDS; i++) {
                backgroundLogE[i] = Math.min(backgroundLogE[i] + m * 0.001f, oldBandE[i]);
            }
        } else {
            for (int i = 0; i < 2 * BANDS; i++) {
                oldLogE[i] = Math.min(oldLogE[i], oldBandE[i]);
            }
        }
        for (int ch = 0; ch < 2; ch++) {
            for (int i = 0; i < start; i++) {
                oldBandE[ch * BANDS + i] = 0;
                oldLogE[ch * BANDS + i] = -28f;
                oldLogE2[ch * BANDS + i] = -28f;
            }
            for (int i = end; i < BANDS; i++) {
                oldBandE[ch * BANDS + i] = 0;
                oldLogE[ch * BANDS + i] = -28f;
                oldLogE2[ch * BANDS + i] = -28f;
            }
        }
        rng = (int) rd.finalRange();
        deemphasis(n, pcm, pcmOff);
        lossCount = 0;
        return n / downsample;
    }

    /**
     * Conceals a lost frame (§4.4). CELT-only streams continue the last pitch period for up to
     * five frames ({@link CeltConcealment}); after that, and under a hybrid frame's SILK layer,
     * every band gets noise at its last energy, which falls by 1.5 dB on the first loss and
     * 0.5 dB on each further one, never below the background noise estimate.
     */
    int conceal(int start, int end, int streamChannels, int frameSize48, float[] pcm, int pcmOff) {
        int n = frameSize48;
        int lm = frameSize48 == 120 ? 0 : frameSize48 == 240 ? 1 : frameSize48 == 480 ? 2 : 3;
        int c = outChannels; // the reference conceals per output channel, whatever the stream's
        if (start == 0 && lossCount < 5) {
            // CELT alone: the first five lost frames continue the waveform's pitch
            advance(n);
            int historyEnd = frameEnd - n;
            if (lossCount == 0) {
                plc.analyse(mem, historyEnd, c);
            }
            double before = 1e-9;
            double after = 1e-9;
            for (int ch = 0; ch < c; ch++) {
                before += energy(mem[ch], historyEnd - n, n);
                plc.extrapolate(mem[ch], historyEnd, n, ch, lossCount == 0, postfilterPeriod, postfilterGain,
                        postfilterTapset);
                after += energy(mem[ch], historyEnd, n);
            }
            if (after < before) {
                // the band energies follow the concealment's fade, so that the noise taking
                // over after five frames starts where it left off, not louder
                float drop = (float) (0.5 * Math.log(after / before) / Math.log(2));
                for (int ch = 0; ch < c; ch++) {
                    for (int i = start; i < end; i++) {
                        int k = ch * BANDS + i;
                        oldBandE[k] = Math.max(backgroundLogE[k], oldBandE[k] + drop);
                    }
                }
            }
            deemphasis(n, pcm, pcmOff);
            lossCount++;
            return n / downsample;
        }
        int effEnd = Math.min(end, BANDS);
        float decay = lossCount == 0 ? 1.5f : 0.5f;
        for (int ch = 0; ch < c; ch++) {
            for (int i = start; i < end; i++) {
                int k = ch * BANDS + i;
                oldBandE[k] = Math.max(backgroundLogE[k], oldBandE[k] - decay);
            }
        }
        int seed = rng;
        for (int ch = 0; ch < c; ch++) {
            for (int i = start; i < effEnd; i++) {
                int off = n * ch + (EBANDS[i] << lm);
                int blen = (EBANDS[i + 1] - EBANDS[i]) << lm;
                for (int j = 0; j < blen; j++) {
                    seed = CeltBands.lcg(seed);
                    x[off + j] = seed >> 20;
                }
                CeltBands.renormalise(x, off, blen, 1f);
            }
        }
        rng = seed;
        advance(n);
        synthesis(start, effEnd, c, false, lm, n, false);
        deemphasis(n, pcm, pcmOff);
        lossCount++;
        return n / downsample;
    }

    private void coarseEnergy(RangeDecoder rd, int start, int end, boolean intra, int c, int lm) {
        int[] model = CeltTables.E_PROB[lm][intra ? 1 : 0];
        float coef = intra ? 0 : CeltTables.PRED_COEF[lm];
        float beta = intra ? CeltTables.BETA_INTRA : CeltTables.BETA_COEF[lm];
        int budget = rd.storageBits();
        prev[0] = 0;
        prev[1] = 0;
        for (int i = start; i < end; i++) {
            for (int ch = 0; ch < c; ch++) {
                int tell = rd.tell();
                int qi;
                if (budget - tell >= 15) {
                    int pi = 2 * Math.min(i, 20);
                    qi = rd.decodeLaplace(model[pi] << 7, model[pi + 1] << 6);
                } else if (budget - tell >= 2) {
                    qi = rd.decodeIcdf(CeltTables.SMALL_ENERGY_ICDF, 2);
                    qi = (qi >> 1) ^ -(qi & 1);
                } else if (budget - tell >= 1) {
                    qi = -rd.decodeBitLogp(1);
                } else {
                    qi = -1;
                }
                float q = qi;
                int k = i + ch * BANDS;
                float old = Math.max(-9f, oldBandE[k]);
                oldBandE[k] = coef * old + prev[ch] + q;
                prev[ch] = prev[ch] + q - beta * q;
            }
        }
    }

    private void tfDecode(RangeDecoder rd, int start, int end, boolean isTransient, int lm) {
        int budget = rd.storageBits();
        int tell = rd.tell();
        int logp = isTransient ? 2 : 4;
        boolean selectRsv = lm > 0 && tell + logp + 1 <= budget;
        if (selectRsv) {
            budget--;
        }
        int curr = 0;
        int changed = 0;
        for (int i = start; i < end; i++) {
            if (tell + logp <= budget) {
                curr ^= rd.decodeBitLogp(logp);
                tell = rd.tell();
                changed |= curr;
            }
            tfRes[i] = curr;
            logp = isTransient ? 4 : 5;
        }
        int t = isTransient ? 4 : 0;
        int select = 0;
        if (selectRsv && CeltTables.TF_SELECT[lm][t + changed] != CeltTables.TF_SELECT[lm][t + 2 + changed]) {
            select = rd.decodeBitLogp(1);
        }
        for (int i = start; i < end; i++) {
            tfRes[i] = CeltTables.TF_SELECT[lm][t + 2 * select + tfRes[i]];
        }
    }

    private void fineEnergy(RangeDecoder rd, int start, int end, int c) {
        int[] fine = allocation.fineBits;
        for (int i = start; i < end; i++) {
            if (fine[i] <= 0) {
                continue;
            }
            for (int ch = 0; ch < c; ch++) {
                int q2 = rd.decodeBits(fine[i]);
                float offset = (q2 + .5f) * (1 << (14 - fine[i])) * (1.f / 16384) - .5f;
                oldBandE[i + ch * BANDS] += offset;
            }
        }
    }

    private void finaliseEnergy(RangeDecoder rd, int start, int end, int bitsLeft, int c) {
        int[] fine = allocation.fineBits;
        int[] priority = allocation.finePriority;
        for (int prio = 0; prio < 2; prio++) {
            for (int i = start; i < end && bitsLeft >= c; i++) {
                if (fine[i] >= MAX_FINE_BITS || priority[i] != prio) {
                    continue;
                }
                for (int ch = 0; ch < c; ch++) {
                    int q2 = rd.decodeBits(1);
                    float offset = (q2 - .5f) * (1 << (14 - fine[i] - 1)) * (1.f / 16384);
                    oldBandE[i + ch * BANDS] += offset;
                    bitsLeft--;
                }
            }
        }
    }

    /** §4.3.5: short blocks that received no pulses get noise at about the previous level. */
    private void antiCollapse(int start, int end, int c, int lm, int size, int seed) {
        int[] masks = bands.collapseMasks;
        int[] pulses = allocation.pulses;
        for (int i = start; i < end; i++) {
            int n0 = EBANDS[i + 1] - EBANDS[i];
            int depth = Integer.divideUnsigned(1 + pulses[i], n0) >> lm;
            float thresh = (float) (0.5 * Math.exp(0.6931471805599453 * (-0.125f * depth)));
            float sqrt1 = (float) (1.0 / Math.sqrt(n0 << lm));
            for (int ch = 0; ch < c; ch++) {
                float prev1 = oldLogE[ch * BANDS + i];
                float prev2 = oldLogE2[ch * BANDS + i];
                if (c == 1) {
                    prev1 = Math.max(prev1, oldLogE[BANDS + i]);
                    prev2 = Math.max(prev2, oldLogE2[BANDS + i]);
                }
                float ediff = Math.max(0, oldBandE[ch * BANDS + i] - Math.min(prev1, prev2));
                float r = (float) (2 * Math.exp(0.6931471805599453 * -ediff));
                if (lm == 3) {
                    r *= 1.41421356f;
                }
                r = Math.min(thresh, r) * sqrt1;
                int off = ch * size + (EBANDS[i] << lm);
                boolean renormalize = false;
                for (int k = 0; k < 1 << lm; k++) {
                    if ((masks[i * c + ch] & 1 << k) == 0) {
                        for (int j = 0; j < n0; j++) {
                            seed = CeltBands.lcg(seed);
                            x[off + (j << lm) + k] = (seed & 0x8000) != 0 ? r : -r;
                        }
                        renormalize = true;
                    }
                }
                if (renormalize) {
                    CeltBands.renormalise(x, off, n0 << lm, 1f);
                }
            }
        }
    }

    /** §4.3.6: each band's shape times its energy; bins above the band end (and the output rate) are zero. */
    private void denormalise(int xOff, float[] out, int bandEOff, int start, int end, int m, int n, boolean silence) {
        int bound = m * EBANDS[end];
        if (downsample != 1) {
            bound = Math.min(bound, n / downsample);
        }
        if (silence) {
            bound = 0;
            start = 0;
            end = 0;
        }
        int f = 0;
        for (int i = 0; i < m * EBANDS[start]; i++) {
            out[f++] = 0;
        }
        for (int i = start; i < end; i++) {
            float lg = oldBandE[bandEOff + i] + E_MEANS[i];
            float g = (float) Math.exp(0.6931471805599453 * Math.min(32f, lg));
            int j = m * EBANDS[i];
            int bandEnd = m * EBANDS[i + 1];
            int xi = xOff + j;
            while (j++ < bandEnd) {
                out[f++] = x[xi++] * g;
            }
        }
        java.util.Arrays.fill(out, bound, n, 0f);
    }

    private void synthesis(int start, int effEnd, int c, boolean isTransient, int lm, int n, boolean silence) {
        int m = 1 << lm;
        int blocks = isTransient ? m : 1;
        CeltMdct t = mdct[isTransient ? 0 : lm];
        if (outChannels == 2 && c == 1) {
            denormalise(0, freq, 0, start, effEnd, m, n, silence);
            imdct(t, freq, blocks, 0);
            imdct(t, freq, blocks, 1);
        } else if (outChannels == 1 && c == 2) {
            denormalise(0, freq, 0, start, effEnd, m, n, silence);
            denormalise(n, freq2, BANDS, start, effEnd, m, n, silence);
            for (int i = 0; i < n; i++) {
                freq[i] = 0.5f * (freq[i] + freq2[i]);
            }
            imdct(t, freq, blocks, 0);
        } else {
            for (int ch = 0; ch < outChannels; ch++) {
                denormalise(ch * n, freq, ch * BANDS, start, effEnd, m, n, silence);
                imdct(t, freq, blocks, ch);
            }
        }
    }

    /** Inverse MDCT of every block, windowed and overlap-added onto the channel's history. */
    private void imdct(CeltMdct t, float[] coefficients, int blocks, int ch) {
        float[] out = mem[ch];
        int nb = t.coefficients();
        int base = frameEnd - nb * blocks;
        int skip = (nb - OVERLAP) / 2;
        for (int b = 0; b < blocks; b++) {
            int p = base + nb * b;
            // the head is added to the previous block's tail, the rest written in place
            t.transform(coefficients, b, blocks);
            t.unfold(imdct, 0, skip, OVERLAP);
            for (int i = 0; i < OVERLAP; i++) {
                out[p + i] += imdct[i] * WINDOW[i];
            }
            t.unfold(out, p + OVERLAP, skip + OVERLAP, nb);
            for (int i = 0; i < OVERLAP; i++) {
                out[p + nb + i] *= WINDOW[OVERLAP - 1 - i];
            }
        }
    }

    private void postFilter(int n, int lm, int pitch, float gain, int tapset) {
        postfilterPeriod = Math.max(postfilterPeriod, CeltTables.MIN_PERIOD);
        postfilterPeriodOld = Math.max(postfilterPeriodOld, CeltTables.MIN_PERIOD);
        int shortN = CeltTables.SHORT_MDCT;
        for (int ch = 0; ch < outChannels; ch++) {
            int off = frameEnd - n;
            combFilter(mem[ch], off, postfilterPeriodOld, postfilterPeriod, shortN, postfilterGainOld, postfilterGain,
                    postfilterTapsetOld, postfilterTapset);
            if (lm != 0) {
                combFilter(mem[ch], off + shortN, postfilterPeriod, pitch, n - shortN, postfilterGain, gain,
                        postfilterTapset, tapset);
            }
        }
        postfilterPeriodOld = postfilterPeriod;
        postfilterGainOld = postfilterGain;
        postfilterTapsetOld = postfilterTapset;
        postfilterPeriod = pitch;
        postfilterGain = gain;
        postfilterTapset = tapset;
        if (lm != 0) {
            postfilterPeriodOld = postfilterPeriod;
            postfilterGainOld = postfilterGain;
            postfilterTapsetOld = postfilterTapset;
        }
    }

    /**
     * The pitch post-filter (§4.3.7.1), in place: y[i] = x[i] + g (taps around y[i - T]); over
     * the first {@link CeltTables#OVERLAP} samples it cross-fades from the old parameters.
     */
    private static void combFilter(float[] y, int off, int t0, int t1, int n, float g0, float g1, int tapset0,
            int tapset1) {
        if (g0 == 0 && g1 == 0) {
            return;
        }
        t0 = Math.max(t0, CeltTables.MIN_PERIOD);
        t1 = Math.max(t1, CeltTables.MIN_PERIOD);
        float g00 = g0 * POSTFILTER_GAINS[tapset0][0];
        float g01 = g0 * POSTFILTER_GAINS[tapset0][1];
        float g02 = g0 * POSTFILTER_GAINS[tapset0][2];
        float g10 = g1 * POSTFILTER_GAINS[tapset1][0];
        float g11 = g1 * POSTFILTER_GAINS[tapset1][1];
        float g12 = g1 * POSTFILTER_GAINS[tapset1][2];
        float x1 = y[off - t1 + 1];
        float x2 = y[off - t1];
        float x3 = y[off - t1 - 1];
        float x4 = y[off - t1 - 2];
        int overlap = g0 == g1 && t0 == t1 && tapset0 == tapset1 ? 0 : OVERLAP;
        int i;
        for (i = 0; i < overlap; i++) {
            int p = off + i;
            float x0 = y[p - t1 + 2];
            float f = WINDOW[i] * WINDOW[i];
            float nf = 1 - f;
            y[p] = y[p] + nf * g00 * y[p - t0] + nf * g01 * (y[p - t0 + 1] + y[p - t0 - 1])
                    + nf * g02 * (y[p - t0 + 2] + y[p - t0 - 2]) + f * g10 * x2 + f * g11 * (x1 + x3)
                    + f * g12 * (x0 + x4);
            x4 = x3;
            x3 = x2;
            x2 = x1;
            x1 = x0;
        }
        if (g1 == 0) {
            return;
        }
        for (; i < n; i++) {
            int p = off + i;
            y[p] = y[p] + g10 * y[p - t1] + g11 * (y[p - t1 + 1] + y[p - t1 - 1]) + g12 * (y[p - t1 + 2] + y[p - t1 - 2]);
        }
    }

    /** De-emphasis (§4.3.7.2), 1 / (1 - 0.85 z^-1), then decimation to the output rate. */
    private void deemphasis(int n, float[] pcm, int pcmOff) {
        int start = frameEnd - n;
        for (int ch = 0; ch < outChannels; ch++) {
            float[] in = mem[ch];
            float m = preemphMem[ch];
            int o = pcmOff + ch;
            if (downsample == 1) {
                // y[j] = x[j] + c y[j-1] unrolled to y[j] = x[j] + c x[j-1] + c^2 x[j-2] + c^3 x[j-3]
                // + c^4 y[j-4]: four independent recursions instead of one long chain of latency
                // (the outputs go straight to pcm, and y[j-4] is read back from there)
                int step = outChannels;
                float prev = in[start] + 1e-30f + m;
                pcm[o] = prev;
                for (int j = 1; j < 4; j++) {
                    prev = in[start + j] + 1e-30f + PREEMPH * prev;
                    pcm[o + j * step] = prev;
                }
                int back = 4 * step;
                for (int j = 4; j < n; j++) {
                    float a = in[start + j] + PREEMPH * in[start + j - 1] + PREEMPH2 * in[start + j - 2]
                            + PREEMPH3 * in[start + j - 3] + DENORMAL_GUARD;
                    int at = o + j * step;
                    pcm[at] = a + PREEMPH4 * pcm[at - back];
                }
                m = PREEMPH * pcm[o + (n - 1) * step];
            } else {
                for (int j = 0; j < n; j++) {
                    float tmp = in[start + j] + 1e-30f + m;
                    m = PREEMPH * tmp;
                    if (j % downsample == 0) {
                        pcm[o] = tmp;
                        o += outChannels;
                    }
                }
            }
            preemphMem[ch] = m;
        }
    }
}
