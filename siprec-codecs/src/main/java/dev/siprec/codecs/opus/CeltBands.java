package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.CeltTables.BANDS;
import static dev.siprec.codecs.opus.CeltTables.BITRES;
import static dev.siprec.codecs.opus.CeltTables.CACHE_BITS;
import static dev.siprec.codecs.opus.CeltTables.CACHE_INDEX;
import static dev.siprec.codecs.opus.CeltTables.EBANDS;
import static dev.siprec.codecs.opus.CeltTables.LOG_N;

/**
 * Decodes CELT's normalised band shapes (RFC 6716 §4.3.4): for every band, its bits become a
 * number of PVQ pulses (§4.3.4.1), or the band is split in two halves with an angle between
 * them (recursively, and between mid and side in stereo, §4.3.4.4); the pulse vector is
 * decoded from its index (§4.3.4.2), spread by rotations (§4.3.4.3), and its time-frequency
 * resolution changed with Haar transforms (§4.3.4.5). Bands without pulses are folded from the
 * bands below, or filled with noise. The collapse masks, which record the short blocks that got
 * no energy, are kept for the anti-collapse step. Allocation-free after construction.
 */
final class CeltBands {

    private static final int SPREAD_NONE = 0;
    private static final int SPREAD_AGGRESSIVE = 3;
    private static final int[] SPREAD_FACTOR = {15, 10, 5};
    private static final int[] BIT_INTERLEAVE = {0, 1, 1, 1, 2, 3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 3};
    private static final int[] BIT_DEINTERLEAVE = {0x00, 0x03, 0x0C, 0x0F, 0x30, 0x33, 0x3C, 0x3F, 0xC0, 0xC3, 0xCC,
        0xCF, 0xF0, 0xF3, 0xFC, 0xFF};
    /** The Hadamard order of short blocks for 2, 4, 8 and 16 of them (§4.3.4.5). */
    private static final int[] ORDERY = {1, 0, 3, 0, 2, 1, 7, 0, 4, 3, 6, 1, 5, 2, 15, 0, 8, 7, 12, 3, 11, 4, 14, 1, 9, 6,
        13, 2, 10, 5};
    private static final int[] EXP2_TABLE8 = {16384, 17866, 19483, 21247, 23170, 25267, 27554, 30048};
    private static final int QTHETA_OFFSET = 4;
    private static final int QTHETA_OFFSET_TWOPHASE = 16;
    private static final int MAX_N = 176;
    private static final int MAX_K = 128;
    /**
     * U(n, k), saturated: the codewords of n dimensions and k pulses whose first coordinate is
     * positive; V(n, k) = U(n, k) + U(n, k + 1) is the codebook size (§4.3.4.2). Codewords are
     * ordered by their first coordinate: positive magnitudes from k down to 1, then 0, then the
     * negative ones; the rest recursively.
     */
    // U(n, k) at k * COLUMN + n: decoding walks down n at a fixed k, through adjacent entries
    private static final int COLUMN = MAX_N + 1;
    private static final long[] U = new long[(MAX_K + 3) * COLUMN];

    static {
        long cap = 1L << 40;
        for (int n = 1; n <= MAX_N; n++) {
            U[COLUMN + n] = 1;
            for (int k = 2; k < MAX_K + 3; k++) {
                U[k * COLUMN + n] = Math.min(cap, U[k * COLUMN + n - 1] + U[(k - 1) * COLUMN + n]
                        + U[(k - 1) * COLUMN + n - 1]);
            }
        }
    }

    final int[] collapseMasks = new int[2 * BANDS];
    private final float[] norm = new float[2 * 8 * 100];
    private final float[] scratch = new float[MAX_N];
    private final float[] tmp = new float[MAX_N];
    private final int[] iy = new int[MAX_N];

    // the decoding context of one frame
    private RangeDecoder rd;
    private int band;
    private int spread;
    private int intensity;
    private int tfChange;
    private int remainingBits;
    private boolean avoidSplitNoise;
    private boolean disableInv;
    int seed;

    // compute_theta's results
    private int thetaInv;
    private int imid;
    private int iside;
    private int delta;
    private int itheta;
    private int qalloc;
    private int fill;
    private int bBits;

    /**
     * Decodes all bands' shapes into {@code x} (channel 0 at 0, channel 1 at {@code n}).
     *
     * @param seed the previous frame's final range, the folding noise's seed
     */
    void decode(float[] x, int n, int channels, int start, int end, int[] pulses, boolean shortBlocks, int spreadDecision,
            boolean dualStereo, int intensityBand, int[] tfRes, int totalBits, int balance, RangeDecoder rd, int lm,
            int codedBands, int seed, boolean disableInversion) {
        this.rd = rd;
        this.spread = spreadDecision;
        this.intensity = intensityBand;
        this.seed = seed;
        this.disableInv = disableInversion;
        int m = 1 << lm;
        int b = shortBlocks ? m : 1;
        int normOffset = m * EBANDS[start];
        int norm2 = m * EBANDS[BANDS - 1] - normOffset;
        int lowbandOffset = 0;
        boolean updateLowband = true;
        avoidSplitNoise = b > 1;
        for (int i = start; i < end; i++) {
            band = i;
            boolean last = i == end - 1;
            int xOff = m * EBANDS[i];
            int yOff = n + m * EBANDS[i];
            int nb = m * EBANDS[i + 1] - m * EBANDS[i];
            int tell = rd.tellFrac();
            if (i != start) {
                balance -= tell;
            }
            remainingBits = totalBits - tell - 1;
            int bits;
            if (i <= codedBands - 1) {
                int currBalance = balance / Math.min(3, codedBands - i);
                bits = Math.max(0, Math.min(16383, Math.min(remainingBits + 1, pulses[i] + currBalance)));
            } else {
                bits = 0;
            }
            if ((m * EBANDS[i] - nb >= m * EBANDS[start] || i == start + 1) && (updateLowband || lowbandOffset == 0)) {
                lowbandOffset = i;
            }
            if (i == start + 1) {
                // RFC 8251 §9: the second band of a hybrid frame folds from a copy long enough
                int n1 = m * (EBANDS[start + 1] - EBANDS[start]);
                int n2 = m * (EBANDS[start + 2] - EBANDS[start + 1]);
                if (n2 > n1) {
                    System.arraycopy(norm, 2 * n1 - n2, norm, n1, n2 - n1);
                    if (dualStereo) {
                        System.arraycopy(norm, norm2 + 2 * n1 - n2, norm, norm2 + n1, n2 - n1);
                    }
                }
            }
            tfChange = tfRes[i];
            boolean useScratch = !last;
            int effectiveLowband = -1;
            int xcm;
            int ycm;
            if (lowbandOffset != 0 && (spread != SPREAD_AGGRESSIVE || b > 1 || tfChange < 0)) {
                // fold from below, never repeating content within one band
                effectiveLowband = Math.max(0, m * EBANDS[lowbandOffset] - normOffset - nb);
                int foldStart = lowbandOffset;
                while (m * EBANDS[--foldStart] > effectiveLowband + normOffset) {
                    // find the first band folded from
                }
                int foldEnd = lowbandOffset - 1;
                while (++foldEnd < i && m * EBANDS[foldEnd] < effectiveLowband + normOffset + nb) {
                    // and the last
                }
                xcm = 0;
                ycm = 0;
                int f = foldStart;
                do {
                    xcm |= collapseMasks[f * channels];
                    ycm |= collapseMasks[f * channels + channels - 1];
                } while (++f < foldEnd);
            } else {
                xcm = (1 << b) - 1;
                ycm = xcm;
            }
            if (dualStereo && i == intensityBand) {
                // intensity stereo from here: the folding source becomes the mean of both
                dualStereo = false;
                for (int j = 0; j < m * EBANDS[i] - normOffset; j++) {
                    norm[j] = 0.5f * (norm[j] + norm[norm2 + j]);
                }
            }
            int outOff = m * EBANDS[i] - normOffset;
            if (dualStereo) {
                xcm = quantBand(x, xOff, nb, bits / 2, b, effectiveLowband != -1 ? norm : null, effectiveLowband, lm,
                        last ? null : norm, outOff, 1f, useScratch, xcm);
                ycm = quantBand(x, yOff, nb, bits / 2, b, effectiveLowband != -1 ? norm : null, norm2 + effectiveLowband,
                        lm, last ? null : norm, norm2 + outOff, 1f, useScratch, ycm);
            } else {
                if (channels == 2) {
                    xcm = quantBandStereo(x, xOff, yOff, nb, bits, b, effectiveLowband != -1 ? norm : null,
                            effectiveLowband, lm, last ? null : norm, outOff, useScratch, xcm | ycm);
                } else {
                    xcm = quantBand(x, xOff, nb, bits, b, effectiveLowband != -1 ? norm : null, effectiveLowband, lm,
                            last ? null : norm, outOff, 1f, useScratch, xcm | ycm);
                }
                ycm = xcm;
            }
            collapseMasks[i * channels] = xcm & 0xFF;
            collapseMasks[i * channels + channels - 1] = ycm & 0xFF;
            balance += pulses[i] + tell;
            // the folding source moves up only while bands have at least 1 bit per sample
            updateLowband = bits > nb << BITRES;
            avoidSplitNoise = false;
        }
    }

    /** A band of one sample: just its sign (§4.3.4). */
    private int quantBandN1(float[] x, int xOff, int yOff, boolean stereo, float[] lowbandOut, int outOff) {
        for (int c = 0; c < (stereo ? 2 : 1); c++) {
            int sign = 0;
            if (remainingBits >= 1 << BITRES) {
                sign = rd.decodeBits(1);
                remainingBits -= 1 << BITRES;
            }
            x[c == 0 ? xOff : yOff] = sign != 0 ? -1f : 1f;
        }
        if (lowbandOut != null) {
            lowbandOut[outOff] = x[xOff];
        }
        return 1;
    }

    private int quantBand(float[] x, int xOff, int n, int b, int blocks, float[] lowband, int lbOff, int lm,
            float[] lowbandOut, int outOff, float gain, boolean useScratch, int fillMask) {
        int n0 = n;
        int nb = n;
        int b0 = blocks;
        int timeDivide = 0;
        int recombine = 0;
        boolean longBlocks = b0 == 1;
        nb = Integer.divideUnsigned(nb, blocks);
        if (n == 1) {
            return quantBandN1(x, xOff, 0, false, lowbandOut, outOff);
        }
        int tf = tfChange;
        if (tf > 0) {
            recombine = tf;
        }
        if (useScratch && lowband != null && (recombine != 0 || ((nb & 1) == 0 && tf < 0) || b0 > 1)) {
            System.arraycopy(lowband, lbOff, scratch, 0, n);
            lowband = scratch;
            lbOff = 0;
        }
        for (int k = 0; k < recombine; k++) {
            if (lowband != null) {
                haar1(lowband, lbOff, n >> k, 1 << k);
            }
            fillMask = BIT_INTERLEAVE[fillMask & 0xF] | BIT_INTERLEAVE[fillMask >> 4] << 2;
        }
        blocks >>= recombine;
        nb <<= recombine;
        // finer time resolution
        while ((nb & 1) == 0 && tf < 0) {
            if (lowband != null) {
                haar1(lowband, lbOff, nb, blocks);
            }
            fillMask |= fillMask << blocks;
            blocks <<= 1;
            nb >>= 1;
            timeDivide++;
            tf++;
        }
        b0 = blocks;
        int nb0 = nb;
        if (b0 > 1 && lowband != null) {
            deinterleaveHadamard(lowband, lbOff, nb >> recombine, b0 << recombine, longBlocks);
        }
        int cm = quantPartition(x, xOff, n, b, blocks, lowband, lbOff, lm, gain, fillMask);
        if (b0 > 1) {
            interleaveHadamard(x, xOff, nb >> recombine, b0 << recombine, longBlocks);
        }
        nb = nb0;
        blocks = b0;
        for (int k = 0; k < timeDivide; k++) {
            blocks >>= 1;
            nb <<= 1;
            cm |= cm >>> blocks;
            haar1(x, xOff, nb, blocks);
        }
        for (int k = 0; k < recombine; k++) {
            cm = BIT_DEINTERLEAVE[cm];
            haar1(x, xOff, n0 >> k, 1 << k);
        }
        blocks <<= recombine;
        if (lowbandOut != null) {
            // kept at unit energy per sample for folding into higher bands
            float s = (float) Math.sqrt(n0);
            for (int j = 0; j < n0; j++) {
                lowbandOut[outOff + j] = s * x[xOff + j];
            }
        }
        return cm & ((1 << blocks) - 1);
    }

    private int quantPartition(float[] x, int xOff, int n, int b, int blocks, float[] lowband, int lbOff, int lm,
            float gain, int fillMask) {
        int b0 = blocks;
        int cacheOff = CACHE_INDEX[(lm + 1) * BANDS + band];
        if (lm != -1 && b > CACHE_BITS[cacheOff + CACHE_BITS[cacheOff]] + 12 && n > 2) {
            // more bits than one PVQ codeword can take: split in two halves (§4.3.4.4)
            n >>= 1;
            int yOff = xOff + n;
            lm -= 1;
            if (blocks == 1) {
                fillMask = (fillMask & 1) | (fillMask << 1);
            }
            blocks = (blocks + 1) >> 1;
            fill = fillMask;
            bBits = b;
            computeTheta(n, blocks, b0, lm, false);
            b = bBits;
            fillMask = fill;
            int dlt = delta;
            int th = itheta;
            float mid = imid / 32768f;
            float side = iside / 32768f;
            if (b0 > 1 && (th & 0x3fff) != 0) {
                if (th > 8192) {
                    dlt -= dlt >> (4 - lm); // pre-echo masking, roughly
                } else {
                    dlt = Math.min(0, dlt + (n << BITRES >> (5 - lm))); // forward masking
                }
            }
            int mbits = Math.max(0, Math.min(b, (b - dlt) / 2));
            int sbits = b - mbits;
            remainingBits -= qalloc;
            float[] lowband2 = lowband;
            int lb2Off = lowband != null ? lbOff + n : 0;
            int rebalance = remainingBits;
            int cm;
            if (mbits >= sbits) {
                cm = quantPartition(x, xOff, n, mbits, blocks, lowband, lbOff, lm, gain * mid, fillMask);
                rebalance = mbits - (rebalance - remainingBits);
                if (rebalance > 3 << BITRES && th != 0) {
                    sbits += rebalance - (3 << BITRES);
                }
                cm |= quantPartition(x, yOff, n, sbits, blocks, lowband2, lb2Off, lm, gain * side, fillMask >> blocks)
                        << (b0 >> 1);
            } else {
                cm = quantPartition(x, yOff, n, sbits, blocks, lowband2, lb2Off, lm, gain * side, fillMask >> blocks)
                        << (b0 >> 1);
                rebalance = sbits - (rebalance - remainingBits);
                if (rebalance > 3 << BITRES && th != 16384) {
                    mbits += rebalance - (3 << BITRES);
                }
                cm |= quantPartition(x, xOff, n, mbits, blocks, lowband, lbOff, lm, gain * mid, fillMask);
            }
            return cm;
        }
        // no split: as many pulses as the bits buy (§4.3.4.1), never more than are left
        int q = bitsToPulses(cacheOff, b);
        int currBits = pulsesToBits(cacheOff, q);
        remainingBits -= currBits;
        while (remainingBits < 0 && q > 0) {
            remainingBits += currBits;
            q--;
            currBits = pulsesToBits(cacheOff, q);
            remainingBits -= currBits;
        }
        if (q != 0) {
            int k = q < 8 ? q : (8 + (q & 7)) << ((q >> 3) - 1);
            return unquantPulses(x, xOff, n, k, blocks, gain);
        }
        // no pulse: fold the band from below, or noise, or nothing
        int cmMask = (int) ((1L << blocks) - 1);
        fillMask &= cmMask;
        if (fillMask == 0) {
            java.util.Arrays.fill(x, xOff, xOff + n, 0f);
            return 0;
        }
        int cm;
        if (lowband == null) {
            for (int j = 0; j < n; j++) {
                seed = lcg(seed);
                x[xOff + j] = seed >> 20;
            }
            cm = cmMask;
        } else {
            for (int j = 0; j < n; j++) {
                seed = lcg(seed);
                // about 48 dB below the folded level, so that a zero band is never silent
                float t = (seed & 0x8000) != 0 ? 1f / 256 : -1f / 256;
                x[xOff + j] = lowband[lbOff + j] + t;
            }
            cm = fillMask;
        }
        renormalise(x, xOff, n, gain);
        return cm;
    }

    private int quantBandStereo(float[] x, int xOff, int yOff, int n, int b, int blocks, float[] lowband, int lbOff,
            int lm, float[] lowbandOut, int outOff, boolean useScratch, int fillMask) {
        if (n == 1) {
            return quantBandN1(x, xOff, yOff, true, lowbandOut, outOff);
        }
        int origFill = fillMask;
        fill = fillMask;
        bBits = b;
        computeTheta(n, blocks, blocks, lm, true);
        b = bBits;
        fillMask = fill;
        int inv = thetaInv;
        int th = itheta;
        float mid = imid / 32768f;
        float side = iside / 32768f;
        int cm;
        if (n == 2) {
            // mid and side are orthogonal: the side is the mid turned by 90 degrees, one sign bit
            int mbits = b;
            int sbits = 0;
            if (th != 0 && th != 16384) {
                sbits = 1 << BITRES;
            }
            mbits -= sbits;
            boolean c = th > 8192;
            remainingBits -= qalloc + sbits;
            int x2 = c ? yOff : xOff;
            int y2 = c ? xOff : yOff;
            int sign = 0;
            if (sbits != 0) {
                sign = rd.decodeBits(1);
            }
            sign = 1 - 2 * sign;
            cm = quantBand(x, x2, n, mbits, blocks, lowband, lbOff, lm, lowbandOut, outOff, 1f, useScratch, origFill);
            x[y2] = -sign * x[x2 + 1];
            x[y2 + 1] = sign * x[x2];
            x[xOff] *= mid;
            x[xOff + 1] *= mid;
            x[yOff] *= side;
            x[yOff + 1] *= side;
            float t = x[xOff];
            x[xOff] = t - x[yOff];
            x[yOff] = t + x[yOff];
            t = x[xOff + 1];
            x[xOff + 1] = t - x[yOff + 1];
            x[yOff + 1] = t + x[yOff + 1];
        } else {
            int mbits = Math.max(0, Math.min(b, (b - delta) / 2));
            int sbits = b - mbits;
            remainingBits -= qalloc;
            int rebalance = remainingBits;
            if (mbits >= sbits) {
                // the mid is not scaled: it is folded from later in its normalised form
                cm = quantBand(x, xOff, n, mbits, blocks, lowband, lbOff, lm, lowbandOut, outOff, 1f, useScratch, fillMask);
                rebalance = mbits - (rebalance - remainingBits);
                if (rebalance > 3 << BITRES && th != 0) {
                    sbits += rebalance - (3 << BITRES);
                }
                cm |= quantBand(x, yOff, n, sbits, blocks, null, 0, lm, null, 0, side, false, fillMask >> blocks);
            } else {
                cm = quantBand(x, yOff, n, sbits, blocks, null, 0, lm, null, 0, side, false, fillMask >> blocks);
                rebalance = sbits - (rebalance - remainingBits);
                if (rebalance > 3 << BITRES && th != 16384) {
                    mbits += rebalance - (3 << BITRES);
                }
                cm |= quantBand(x, xOff, n, mbits, blocks, lowband, lbOff, lm, lowbandOut, outOff, 1f, useScratch, fillMask);
            }
        }
        if (n != 2) {
            stereoMerge(x, xOff, yOff, mid, n);
        }
        if (inv != 0) {
            for (int j = 0; j < n; j++) {
                x[yOff + j] = -x[yOff + j];
            }
        }
        return cm;
    }

    /** Left and right from the decoded mid and side shapes, each renormalised (§4.3.4.4). */
    private static void stereoMerge(float[] x, int xOff, int yOff, float mid, int n) {
        float xp = 0;
        float side = 0;
        for (int j = 0; j < n; j++) {
            xp += x[yOff + j] * x[xOff + j];
            side += x[yOff + j] * x[yOff + j];
        }
        xp *= mid;
        float el = mid * mid + side - 2 * xp;
        float er = mid * mid + side + 2 * xp;
        if (er < 6e-4f || el < 6e-4f) {
            System.arraycopy(x, xOff, x, yOff, n);
            return;
        }
        float lgain = (float) (1.0 / Math.sqrt(el));
        float rgain = (float) (1.0 / Math.sqrt(er));
        for (int j = 0; j < n; j++) {
            float l = mid * x[xOff + j];
            float r = x[yOff + j];
            x[xOff + j] = lgain * (l - r);
            x[yOff + j] = rgain * (l + r);
        }
    }

    /** The split angle (§4.3.4.4): its resolution from the bits, then uniform/step/triangular pdfs. */
    private void computeTheta(int n, int blocks, int b0, int lm, boolean stereo) {
        int b = bBits;
        int pulseCap = LOG_N[band] + lm * (1 << BITRES);
        int offset = (pulseCap >> 1) - (stereo && n == 2 ? QTHETA_OFFSET_TWOPHASE : QTHETA_OFFSET);
        int qn = computeQn(n, b, offset, pulseCap, stereo);
        if (stereo && band >= intensity) {
            qn = 1;
        }
        int tell = rd.tellFrac();
        int th = 0;
        int inv = 0;
        if (qn != 1) {
            if (stereo && n > 2) {
                // step pdf: weight 3 up to pi/4, 1 beyond
                int p0 = 3;
                int x0 = qn / 2;
                int ft = p0 * (x0 + 1) + x0;
                int fs = rd.decode(ft);
                int xv = fs < (x0 + 1) * p0 ? fs / p0 : x0 + 1 + (fs - (x0 + 1) * p0);
                rd.update(xv <= x0 ? p0 * xv : (xv - 1 - x0) + (x0 + 1) * p0,
                        xv <= x0 ? p0 * (xv + 1) : (xv - x0) + (x0 + 1) * p0, ft);
                th = xv;
            } else if (b0 > 1 || stereo) {
                th = (int) rd.decodeUint(qn + 1);
            } else {
                // triangular pdf
                int half = qn >> 1;
                int ft = (half + 1) * (half + 1);
                int fm = rd.decode(ft);
                int fl;
                int fs;
                if (fm < (half * (half + 1) >> 1)) {
                    th = (isqrt(8 * fm + 1) - 1) >> 1;
                    fs = th + 1;
                    fl = th * (th + 1) >> 1;
                } else {
                    th = (2 * (qn + 1) - isqrt(8 * (ft - fm - 1) + 1)) >> 1;
                    fs = qn + 1 - th;
                    fl = ft - ((qn + 1 - th) * (qn + 2 - th) >> 1);
                }
                rd.update(fl, fl + fs, ft);
            }
            th = Integer.divideUnsigned(th * 16384, qn);
        } else if (stereo) {
            // intensity stereo: only whether the side is inverted
            if (b > 2 << BITRES && remainingBits > 2 << BITRES) {
                inv = rd.decodeBitLogp(2);
            }
            if (disableInv) {
                inv = 0;
            }
            th = 0;
        }
        qalloc = rd.tellFrac() - tell;
        bBits = b - qalloc;
        if (th == 0) {
            imid = 32767;
            iside = 0;
            fill &= (1 << blocks) - 1;
            delta = -16384;
        } else if (th == 16384) {
            imid = 0;
            iside = 32767;
            fill &= ((1 << blocks) - 1) << blocks;
            delta = 16384;
        } else {
            imid = bitexactCos(th);
            iside = bitexactCos(16384 - th);
            // the mid/side bit split that minimises the squared error
            delta = fracMul16((n - 1) << 7, bitexactLog2Tan(iside, imid));
        }
        thetaInv = inv;
        itheta = th;
    }

    private static int computeQn(int n, int b, int offset, int pulseCap, boolean stereo) {
        int n2 = 2 * n - 1;
        if (stereo && n == 2) {
            n2--;
        }
        int qb = (b + n2 * offset) / n2;
        qb = Math.min(b - pulseCap - (4 << BITRES), qb);
        qb = Math.min(8 << BITRES, qb);
        if (qb < (1 << BITRES >> 1)) {
            return 1;
        }
        int qn = EXP2_TABLE8[qb & 0x7] >> (14 - (qb >> BITRES));
        return (qn + 1) >> 1 << 1;
    }

    private static int fracMul16(int a, int b) {
        return (16384 + (short) a * (short) b) >> 15;
    }

    /** cos(pi/2 * x/16384) in Q15, bit-exact polynomial of the reference (§4.3.4.4). */
    static int bitexactCos(int x) {
        int tmp = (4096 + x * x) >> 13;
        int x2 = tmp;
        x2 = (32767 - x2) + fracMul16(x2, -7651 + fracMul16(x2, 8277 + fracMul16(-626, x2)));
        return 1 + x2;
    }

    static int bitexactLog2Tan(int isin, int icos) {
        int lc = 32 - Integer.numberOfLeadingZeros(icos);
        int ls = 32 - Integer.numberOfLeadingZeros(isin);
        icos <<= 15 - lc;
        isin <<= 15 - ls;
        return (ls - lc) * (1 << 11) + fracMul16(isin, fracMul16(isin, -2597) + 7932)
                - fracMul16(icos, fracMul16(icos, -2597) + 7932);
    }

    private static int isqrt(int v) {
        // exact: the square root of an integer below 2^52 is correctly rounded, so its floor is right
        return (int) Math.sqrt(v);
    }

    private static final int PULSE_TABLE_BITS = 320; // beyond this a band always has its row's maximum
    private static final int[] PULSE_ROW = new int[CACHE_BITS.length];
    private static final byte[] PULSE_TABLE;

    static {
        // bitsToPulses for every cache row and budget, looked up instead of searched: the
        // search's six dependent loads were 8% of a CELT frame
        java.util.Arrays.fill(PULSE_ROW, -1);
        int rows = 0;
        for (int off : CACHE_INDEX) {
            if (off >= 0 && PULSE_ROW[off] < 0) {
                PULSE_ROW[off] = rows++;
            }
        }
        PULSE_TABLE = new byte[rows * PULSE_TABLE_BITS];
        for (int off = 0; off < CACHE_BITS.length; off++) {
            if (PULSE_ROW[off] >= 0) {
                for (int b = 0; b < PULSE_TABLE_BITS; b++) {
                    PULSE_TABLE[PULSE_ROW[off] * PULSE_TABLE_BITS + b] = (byte) searchPulses(off, b);
                }
            }
        }
    }

    private static int bitsToPulses(int cacheOff, int bits) {
        if (cacheOff >= 0 && bits >= 0 && bits < PULSE_TABLE_BITS) {
            return PULSE_TABLE[PULSE_ROW[cacheOff] * PULSE_TABLE_BITS + bits];
        }
        return searchPulses(cacheOff, bits);
    }

    /** The pulse count whose cost in the cache is nearest {@code bits} (§4.3.4.1). */
    private static int searchPulses(int cacheOff, int bits) {
        int lo = 0;
        int hi = CACHE_BITS[cacheOff];
        bits--;
        for (int i = 0; i < 6; i++) {
            int mid = (lo + hi + 1) >> 1;
            if (CACHE_BITS[cacheOff + mid] >= bits) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return bits - (lo == 0 ? -1 : CACHE_BITS[cacheOff + lo]) <= CACHE_BITS[cacheOff + hi] - bits ? lo : hi;
    }

    private static int pulsesToBits(int cacheOff, int q) {
        return q == 0 ? 0 : CACHE_BITS[cacheOff + q] + 1;
    }

    /** The PVQ codeword (§4.3.4.2), normalised to {@code gain}, then spread (§4.3.4.3). */
    private int unquantPulses(float[] x, int xOff, int n, int k, int blocks, float gain) {
        int ryy = pulseVector(rd.decodeUint(codebookSize(n, k)), n, k, iy);
        float g = (float) (gain / Math.sqrt(ryy));
        for (int j = 0; j < n; j++) {
            x[xOff + j] = g * iy[j];
        }
        expRotation(x, xOff, n, blocks, k);
        if (blocks <= 1) {
            return 1;
        }
        int n0 = n / blocks;
        int mask = 0;
        for (int i = 0; i < blocks; i++) {
            int any = 0;
            for (int j = 0; j < n0; j++) {
                any |= iy[i * n0 + j];
            }
            if (any != 0) {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    /** V(n, k): how many codewords n dimensions and k pulses have (at most 2^32 - 1 where used). */
    static long codebookSize(int n, int k) {
        return U[k * COLUMN + n] + U[(k + 1) * COLUMN + n];
    }

    /**
     * The codeword of {@code index} in [0, V(n, k)) (§4.3.4.2) into {@code y}: coordinate by
     * coordinate, which of the magnitude/sign groups the index falls in.
     *
     * @return its squared norm
     */
    static int pulseVector(long index, int n, int k, int[] y) {
        int ryy = 0;
        int kk = k;
        int j;
        for (j = 0; j < n - 2; j++) {
            if (kk == 0) {
                // every pulse placed: the rest is zero
                java.util.Arrays.fill(y, j, n, 0);
                return ryy;
            }
            int dims = n - j;
            // negative values come after all the others; then, from the largest magnitude
            // down, the positive ones, and 0 last of them: [U(dims, k), U(dims, k + 1)) is 0
            long q = U[(kk + 1) * COLUMN + dims];
            // the sign without a branch (it is a coin toss): all ones when index >= q
            long negative = (q - 1 - index) >> 63;
            index -= q & negative;
            int k0 = kk;
            long p = U[kk * COLUMN + dims];
            while (p > index) {
                p = U[--kk * COLUMN + dims];
            }
            index -= p;
            int sign = (int) negative;
            int v = ((k0 - kk) ^ sign) - sign;
            y[j] = v;
            ryy += v * v;
        }
        if (n >= 2) {
            // two dimensions left: U(2, k) = 2k - 1, so the search has a closed form
            boolean negative = index >= 2L * kk + 1;
            if (negative) {
                index -= 2L * kk + 1;
            }
            int k0 = kk;
            kk = (int) ((index + 1) >> 1);
            if (kk != 0) {
                index -= 2L * kk - 1;
            }
            int v = negative ? kk - k0 : k0 - kk;
            y[n - 2] = v;
            ryy += v * v;
        }
        int v = index == 0 ? kk : -kk; // the last coordinate takes the pulses left
        y[n - 1] = v;
        return ryy + v * v;
    }

    /** The inverse spreading rotation (§4.3.4.3). */
    private void expRotation(float[] x, int xOff, int len, int stride, int k) {
        if (2 * k >= len || spread == SPREAD_NONE) {
            return;
        }
        int factor = SPREAD_FACTOR[spread - 1];
        float gain = (float) len / (len + factor * k);
        float theta = 0.5f * gain * gain;
        float c = (float) Math.cos(0.5 * Math.PI * theta);
        float s = (float) Math.cos(0.5 * Math.PI * (1 - theta));
        int stride2 = 0;
        if (len >= 8 * stride) {
            stride2 = 1;
            // about sqrt(len / stride), rounded
            while ((stride2 * stride2 + stride2) * stride + (stride >> 2) < len) {
                stride2++;
            }
        }
        len = Integer.divideUnsigned(len, stride);
        for (int i = 0; i < stride; i++) {
            if (stride2 != 0) {
                rotate(x, xOff + i * len, len, stride2, s, c);
            }
            rotate(x, xOff + i * len, len, 1, c, s);
        }
    }

    private static void rotate(float[] x, int off, int len, int stride, float c, float s) {
        for (int i = 0; i < len - stride; i++) {
            float x1 = x[off + i];
            float x2 = x[off + i + stride];
            x[off + i + stride] = c * x2 + s * x1;
            x[off + i] = c * x1 - s * x2;
        }
        for (int i = len - 2 * stride - 1; i >= 0; i--) {
            float x1 = x[off + i];
            float x2 = x[off + i + stride];
            x[off + i + stride] = c * x2 + s * x1;
            x[off + i] = c * x1 - s * x2;
        }
    }

    static void renormalise(float[] x, int off, int n, float gain) {
        float e = 1e-15f;
        for (int j = 0; j < n; j++) {
            e += x[off + j] * x[off + j];
        }
        float g = (float) (gain / Math.sqrt(e));
        for (int j = 0; j < n; j++) {
            x[off + j] *= g;
        }
    }

    static int lcg(int seed) {
        return 1664525 * seed + 1013904223;
    }

    private static void haar1(float[] x, int off, int n0, int stride) {
        n0 >>= 1;
        final float h = 0.70710678f;
        for (int i = 0; i < stride; i++) {
            for (int j = 0; j < n0; j++) {
                int a = off + stride * 2 * j + i;
                int b = a + stride;
                float t1 = h * x[a];
                float t2 = h * x[b];
                x[a] = t1 + t2;
                x[b] = t1 - t2;
            }
        }
    }

    private void deinterleaveHadamard(float[] x, int off, int n0, int stride, boolean hadamard) {
        int n = n0 * stride;
        int order = stride - 2;
        for (int i = 0; i < stride; i++) {
            int row = hadamard ? ORDERY[order + i] : i;
            for (int j = 0; j < n0; j++) {
                tmp[row * n0 + j] = x[off + j * stride + i];
            }
        }
        System.arraycopy(tmp, 0, x, off, n);
    }

    private void interleaveHadamard(float[] x, int off, int n0, int stride, boolean hadamard) {
        int n = n0 * stride;
        int order = stride - 2;
        for (int i = 0; i < stride; i++) {
            int row = hadamard ? ORDERY[order + i] : i;
            for (int j = 0; j < n0; j++) {
                tmp[j * stride + i] = x[off + row * n0 + j];
            }
        }
        System.arraycopy(tmp, 0, x, off, n);
    }
}
