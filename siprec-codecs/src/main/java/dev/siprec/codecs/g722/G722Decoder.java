package dev.siprec.codecs.g722;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.PitchConcealer;

/**
 * ITU-T G.722 decoder: 7 kHz sub-band ADPCM at 64, 56 or 48 kbit/s (modes 1, 2, 3), receive
 * QMF included; 16 kHz output. One octet per 16 kHz sample pair, as carried in RTP (RFC 3551
 * §4.5.2: bits 7-6 high band, 5-0 low band).
 *
 * <p>Written from the Recommendation's block description (§4: INVQAL/INVQBL, LOGSCL,
 * SCALEL, the adaptive predictor blocks RECONS, PARREC, UPPOL1, UPPOL2, UPZERO, FILTEP,
 * FILTEZ, PREDIC, and the receive QMF); the tables are those of the Recommendation in its
 * integer scaling. Bit-exact with the ITU-T test sequences.
 *
 * <p>Concealment: {@link PitchConcealer} repeats the last pitch period of the output, fades
 * it to silence by 60 ms, and cross-fades the first good frame in; the ADPCM state is left as
 * it was before the loss.
 */
public final class G722Decoder implements AudioDecoder {

    // Inverse quantiser outputs, scaled by the step size (Tables 6 and 7 of the Recommendation)
    private static final int[] QQ6 = {
        -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360,
        -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688,
        -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856,
        7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432,
        136, -432, -136};
    private static final int[] QQ5 = {
        -280, -280, -23352, -17560, -14120, -11664, -9752, -8184, -6864, -5712, -4696, -3784, -2960, -2208,
        -1520, -880, 23352, 17560, 14120, 11664, 9752, 8184, 6864, 5712, 4696, 3784, 2960, 2208, 1520, 880,
        280, -280};
    private static final int[] QQ4 = {
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0};
    private static final int[] QQ2 = {-7408, -1616, 7408, 1616};
    // Logarithmic scale factor multipliers (low band via the 4-bit code's magnitude, high band)
    private static final int[] WL = {-60, -30, 58, 172, 334, 538, 1198, 3042};
    private static final int[] RL42 = {0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0};
    private static final int[] WH = {0, -214, 798, 0}; // padded to 4 so that an index masked by 3 needs no check
    private static final int[] RH2 = {2, 1, 2, 1};
    // Inverse logarithm table (2^(i/32) scaled), for SCALEL and SCALEH
    private static final int[] ILB = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896,
        2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008};
    // QQ5 and QQ4 spread over the 64 six-bit codes: modes 2 and 3 ignore the code's last one and
    // two bits (they carry auxiliary data), and one table length lets every lookup go unchecked
    private static final int[] BY_CODE_56K = new int[64];
    private static final int[] BY_CODE_48K = new int[64];

    static {
        for (int code = 0; code < 64; code++) {
            BY_CODE_56K[code] = QQ5[code >> 1];
            BY_CODE_48K[code] = QQ4[code >> 2];
        }
    }


    /**
     * ADPCM state of one sub-band (§4.2.3-4.2.9 / §4.3). The sixth-order zero predictor is
     * unrolled into fields: this runs twice per 16 kHz sample pair.
     */
    static final class Band {
        int s; // predicted signal (SL/SH)
        int sz; // zero part of the prediction
        int a1;
        int a2;
        int b1, b2, b3, b4, b5, b6; // zero predictor coefficients
        // past quantised differences, stored doubled and saturated (2 d_i, what FILTEZ
        // multiplies; same sign as d_i, which is all UPZERO looks at)
        int d1, d2, d3, d4, d5, d6;
        int p1; // partially reconstructed signal, delayed 1 and 2
        int p2;
        int r1; // reconstructed signal delayed 1 and 2, stored doubled and saturated for FILTEP
        int r2;
        int nb; // logarithmic scale factor
        int det; // step size
        final int initialDet;

        Band(int det) {
            this.det = det;
            this.initialDet = det;
        }

        void reset() {
            s = sz = a1 = a2 = 0;
            b1 = b2 = b3 = b4 = b5 = b6 = 0;
            d1 = d2 = d3 = d4 = d5 = d6 = 0;
            p1 = p2 = r1 = r2 = nb = 0;
            det = initialDet;
        }

        /**
         * Updates the predictor with this sample's quantised difference {@code dq} and
         * reconstructed signal, and computes the prediction for the next sample (blocks
         * PARREC, UPPOL2, UPPOL1, UPZERO, delays, FILTEP, FILTEZ, PREDIC).
         */
        void adapt(int dq, int reconstructed) {
            int p = saturate(dq + sz); // PARREC
            // Sign agreement, branch-free: the sign bit of x ^ y is set when the signs differ
            // (zero counts as positive). Speech makes these comparisons unpredictable, so
            // branches here would cost more than the arithmetic.
            int diff01 = (p ^ p1) >> 31; // 0 when sgn(p) = sgn(p1), -1 otherwise
            int diff02 = (p ^ p2) >> 31;
            // UPPOL2: a2 = (1-2^-7) a2 + 2^-7 [sgn(p p2) - 4 a1 sgn(p p1)], |a2| <= 0.75
            int wd1 = clamp(a1 << 2, -32767, 32767);
            int wd2 = ((wd1 ^ ~diff01) - ~diff01) >> 7; // -wd1 when the signs agree
            int wd3 = (128 ^ diff02) - diff02; // +128 when they agree, -128 otherwise
            int apl2 = clamp(wd2 + wd3 + ((a2 * 32512) >> 15), -12288, 12288);
            // UPPOL1: a1 = (1-2^-8) a1 + 3 2^-8 sgn(p p1), |a1| <= 1 - 2^-4 - a2
            int limit = 15360 - apl2;
            int apl1 = clamp(((192 ^ diff01) - diff01) + ((a1 * 32640) >> 15), -limit, limit);
            // UPZERO: b_i = (1-2^-8) b_i + 2^-7 sgn(dq) sgn(d_i); no sign term when dq is 0
            int step = ((dq | -dq) >>> 31) << 7; // 128, or 0 when dq is 0
            int m1 = (dq ^ d1) >> 31;
            int m2 = (dq ^ d2) >> 31;
            int m3 = (dq ^ d3) >> 31;
            int m4 = (dq ^ d4) >> 31;
            int m5 = (dq ^ d5) >> 31;
            int m6 = (dq ^ d6) >> 31;
            b1 = ((step ^ m1) - m1) + ((b1 * 32640) >> 15);
            b2 = ((step ^ m2) - m2) + ((b2 * 32640) >> 15);
            b3 = ((step ^ m3) - m3) + ((b3 * 32640) >> 15);
            b4 = ((step ^ m4) - m4) + ((b4 * 32640) >> 15);
            b5 = ((step ^ m5) - m5) + ((b5 * 32640) >> 15);
            b6 = ((step ^ m6) - m6) + ((b6 * 32640) >> 15);
            // delays
            d6 = d5;
            d5 = d4;
            d4 = d3;
            d3 = d2;
            d2 = d1;
            d1 = saturate(dq + dq);
            p2 = p1;
            p1 = p;
            r2 = r1;
            r1 = saturate(reconstructed + reconstructed);
            a1 = apl1;
            a2 = apl2;
            // FILTEP and FILTEZ: coefficients in Q14, so each product is (2 x sample x coef) >> 15
            int sp = saturate(((r1 * a1) >> 15) + ((r2 * a2) >> 15));
            sz = saturate(((d1 * b1) >> 15) + ((d2 * b2) >> 15) + ((d3 * b3) >> 15) + ((d4 * b4) >> 15)
                    + ((d5 * b5) >> 15) + ((d6 * b6) >> 15));
            s = saturate(sp + sz); // PREDIC
        }
    }

    private final int[] lowTable; // INVQAL table of the mode, indexed by the full 6-bit code
    private final Band low = new Band(32);
    private final Band high = new Band(8);
    // receive QMF delay lines as rings stored twice, so that 12 consecutive entries are always
    // contiguous: entry i of the newest-first window is at [pos + i]
    private final int[] xd = new int[24];
    private final int[] xs = new int[24];
    private int pos = 12;
    private final PitchConcealer concealer = new PitchConcealer(16000);

    /**
     * A decoder for one stream.
     *
     * @param mode 1 (64 kbit/s), 2 (56 kbit/s: bit 0 of the low band is auxiliary data) or
     *     3 (48 kbit/s: bits 1-0 are auxiliary data)
     */
    public G722Decoder(int mode) {
        if (mode < 1 || mode > 3) {
            throw new IllegalArgumentException("G.722 mode must be 1, 2 or 3, not " + mode);
        }
        this.lowTable = mode == 1 ? QQ6 : mode == 2 ? BY_CODE_56K : BY_CODE_48K;
    }

    /** A 64 kbit/s (mode 1) decoder, what RTP payload type 9 carries. */
    public G722Decoder() {
        this(1);
    }

    @Override
    public int sampleRate() {
        return 16000;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int maxSamplesPerChannel(int payloadLength) {
        return 2 * payloadLength;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        if (length < 0 || offset < 0 || offset + length > payload.length || outOffset + 2 * length > out.length) {
            return MALFORMED;
        }
        int w = outOffset;
        for (int i = 0; i < length; i++) {
            int code = payload[offset + i] & 0xFF;
            int rl = decodeLow(code & 0x3F);
            int rh = decodeHigh(code >> 6);
            w = qmf(rl, rh, out, w);
        }
        int n = w - outOffset;
        concealer.remember(out, outOffset, n);
        return n;
    }

    /** Low-band decoder (§4.2): returns the reconstructed low-band signal RL. */
    int decodeLow(int ilr) {
        int det = low.det;
        // INVQAL: the output difference at the mode's resolution
        int dl = (det * lowTable[ilr & 63]) >> 15;
        int rl = clamp(low.s + dl, -16384, 16383); // RECONS (output)
        // INVQBL: the predictor always adapts on the 4-bit difference, whatever the mode
        int il4 = (ilr >> 2) & 15;
        int dlt = (det * QQ4[il4]) >> 15;
        // LOGSCL and SCALEL
        low.nb = clamp(((low.nb * 32512) >> 15) + WL[RL42[il4] & 7], 0, 18432);
        low.det = scale(low.nb, 8);
        int rlt = saturate(low.s + dlt); // RECONS (predictor): 16-bit, not the output's range
        low.adapt(dlt, rlt);
        return rl;
    }

    /** High-band decoder (§4.3): returns the reconstructed high-band signal RH. */
    int decodeHigh(int ih) {
        ih &= 3;
        int dh = (high.det * QQ2[ih]) >> 15; // INVQAH
        int rh = saturate(high.s + dh); // RECONS: 16-bit for the predictor
        high.nb = clamp(((high.nb * 32512) >> 15) + WH[RH2[ih] & 3], 0, 22528); // LOGSCH
        high.det = scale(high.nb, 10); // SCALEH
        high.adapt(dh, rh);
        return clamp(rh, -16384, 16383); // the output is limited to the 15-bit range
    }

    /**
     * SCALEL/SCALEH: step size from the log scale factor, 2^(nb/2048) via the ILB table. The
     * limits on nb (18432 low, 22528 high) keep the shift at -1 or more, so one left shift
     * of the mantissa up front makes it a plain right shift.
     */
    private static int scale(int nb, int shiftBase) {
        int mantissa = ILB[(nb >> 6) & 31];
        int shift = shiftBase - (nb >> 11); // >= -1
        return ((mantissa << 1) >> (shift + 1)) << 2;
    }

    /**
     * Receive QMF (§4.4): two 16 kHz output samples from one pair of sub-band samples.
     * xd = rl - rh and xs = rl + rh enter a 12-stage delay line each; the even coefficients
     * filter the xd line into the first output sample, the odd ones the xs line into the second.
     */
    private int qmf(int rl, int rh, short[] out, int w) {
        int p = pos == 0 ? 11 : pos - 1;
        pos = p;
        int d = rl - rh;
        int x = rl + rh;
        xd[p] = d;
        xd[p + 12] = d;
        xs[p] = x;
        xs[p + 12] = x;
        // The 24 QMF coefficients h0..h23 (symmetric) are 3, -11, -11, 53, 12, -156, 32, 362,
        // -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3.
        // First output sample: the xd line through the even ones h0, h2, ... h22; second: the
        // xs line through the odd ones. Unrolled with the coefficients as literals.
        int[] a = xd;
        int[] b = xs;
        int xout1 = 3 * a[p] - 11 * a[p + 1] + 12 * a[p + 2] + 32 * a[p + 3] - 210 * a[p + 4] + 951 * a[p + 5]
                + 3876 * a[p + 6] - 805 * a[p + 7] + 362 * a[p + 8] - 156 * a[p + 9] + 53 * a[p + 10]
                - 11 * a[p + 11];
        int xout2 = -11 * b[p] + 53 * b[p + 1] - 156 * b[p + 2] + 362 * b[p + 3] - 805 * b[p + 4]
                + 3876 * b[p + 5] + 951 * b[p + 6] - 210 * b[p + 7] + 32 * b[p + 8] + 12 * b[p + 9]
                - 11 * b[p + 10] + 3 * b[p + 11];
        out[w] = (short) clamp(xout1 >> 11, -32768, 32767);
        out[w + 1] = (short) clamp(xout2 >> 11, -32768, 32767);
        return w + 2;
    }

    @Override
    public int conceal(int samplesPerChannel, short[] out, int outOffset) {
        concealer.conceal(out, outOffset, samplesPerChannel);
        return samplesPerChannel;
    }

    @Override
    public void reset() {
        low.reset();
        high.reset();
        java.util.Arrays.fill(xd, 0);
        java.util.Arrays.fill(xs, 0);
        pos = 12;
        concealer.reset();
    }

    private static int saturate(int v) {
        return clamp(v, -32768, 32767);
    }

    private static int clamp(int v, int min, int max) {
        // limits are rarely reached: predictable branches, shorter than conditional moves on
        // the predictor's dependency chain
        return v < min ? min : v > max ? max : v;
    }
}
