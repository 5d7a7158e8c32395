package dev.siprec.codecs;

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
    private static final int[] WH = {0, -214, 798};
    private static final int[] RH2 = {2, 1, 2, 1};
    // Inverse logarithm table (2^(i/32) scaled), for SCALEL and SCALEH
    private static final int[] ILB = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896,
        2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008};
    // Receive QMF coefficients h0..h23 (Table 8: symmetric 24-tap)
    private static final int[] QMF = {
        3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32, -156, 12, 53,
        -11, -11, 3};

    /** ADPCM state of one sub-band (§4.2.3-4.2.9 / §4.3). */
    static final class Band {
        int s; // predicted signal (SL/SH)
        int sp; // pole part of the prediction
        int sz; // zero part of the prediction
        int a1;
        int a2;
        final int[] b = new int[7]; // zero predictor coefficients, 1..6
        final int[] d = new int[7]; // quantised differences, d[0] newest, 1..6 delayed
        int p1; // partially reconstructed signal, delayed 1 and 2
        int p2;
        int r1; // reconstructed signal, delayed 1 and 2
        int r2;
        int nb; // logarithmic scale factor
        int det; // step size

        Band(int det) {
            this.det = det;
        }

        /**
         * Updates the predictor with this sample's quantised difference {@code dq} and
         * reconstructed signal, and computes the prediction for the next sample (blocks
         * PARREC, UPPOL2, UPPOL1, UPZERO, delays, FILTEP, FILTEZ, PREDIC).
         */
        void adapt(int dq, int reconstructed) {
            int p = saturate(dq + sz); // PARREC
            // UPPOL2: a2 = (1-2^-7) a2 + 2^-7 [sgn(p p2) - 4 a1 sgn(p p1)], |a2| <= 0.75
            boolean sg0 = p >= 0;
            boolean sg1 = p1 >= 0;
            boolean sg2 = p2 >= 0;
            int wd1 = clamp(a1 << 2, -32767, 32767);
            int wd2 = (sg0 == sg1 ? -wd1 : wd1) >> 7;
            int wd3 = sg0 == sg2 ? 128 : -128;
            int apl2 = wd2 + wd3 + ((a2 * 32512) >> 15);
            apl2 = clamp(apl2, -12288, 12288);
            // UPPOL1: a1 = (1-2^-8) a1 + 3 2^-8 sgn(p p1), |a1| <= 1 - 2^-4 - a2
            int apl1 = (sg0 == sg1 ? 192 : -192) + ((a1 * 32640) >> 15);
            int limit = 15360 - apl2;
            apl1 = clamp(apl1, -limit, limit);
            // UPZERO: b_i = (1-2^-8) b_i + 2^-7 sgn(dq) sgn(d_i); no sign term when dq is 0
            int step = dq == 0 ? 0 : 128;
            boolean sgd = dq >= 0;
            for (int i = 1; i <= 6; i++) {
                int term = (d[i] >= 0) == sgd ? step : -step;
                b[i] = term + ((b[i] * 32640) >> 15);
            }
            // delays
            for (int i = 6; i > 1; i--) {
                d[i] = d[i - 1];
            }
            d[1] = dq;
            p2 = p1;
            p1 = p;
            r2 = r1;
            r1 = reconstructed;
            a1 = apl1;
            a2 = apl2;
            // FILTEP and FILTEZ: coefficients in Q14, so each product is (2 x sample x coef) >> 15
            sp = saturate(((saturate(r1 + r1) * a1) >> 15) + ((saturate(r2 + r2) * a2) >> 15));
            int zero = 0;
            for (int i = 1; i <= 6; i++) {
                zero += (saturate(d[i] + d[i]) * b[i]) >> 15;
            }
            sz = saturate(zero);
            s = saturate(sp + sz); // PREDIC
        }
    }

    private final int mode;
    private final Band low = new Band(32);
    private final Band high = new Band(8);
    private final int[] qmfX = new int[24]; // receive QMF delay line: xd and xs interleaved
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
        this.mode = mode;
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
        int ql;
        switch (mode) {
            case 2:
                ql = QQ5[ilr >> 1];
                break;
            case 3:
                ql = QQ4[ilr >> 2];
                break;
            default:
                ql = QQ6[ilr];
        }
        int dl = (det * ql) >> 15;
        int rl = clamp(low.s + dl, -16384, 16383); // RECONS (output)
        // INVQBL: the predictor always adapts on the 4-bit difference, whatever the mode
        int il4 = ilr >> 2;
        int dlt = (det * QQ4[il4]) >> 15;
        // LOGSCL and SCALEL
        low.nb = clamp(((low.nb * 32512) >> 15) + WL[RL42[il4]], 0, 18432);
        low.det = scale(low.nb, 8);
        int rlt = saturate(low.s + dlt); // RECONS (predictor): 16-bit, not the output's range
        low.adapt(dlt, rlt);
        return rl;
    }

    /** High-band decoder (§4.3): returns the reconstructed high-band signal RH. */
    int decodeHigh(int ih) {
        int dh = (high.det * QQ2[ih]) >> 15; // INVQAH
        int rh = saturate(high.s + dh); // RECONS: 16-bit for the predictor
        high.nb = clamp(((high.nb * 32512) >> 15) + WH[RH2[ih]], 0, 22528); // LOGSCH
        high.det = scale(high.nb, 10); // SCALEH
        high.adapt(dh, rh);
        return clamp(rh, -16384, 16383); // the output is limited to the 15-bit range
    }

    /** SCALEL/SCALEH: step size from the log scale factor, 2^(nb/2048) via the ILB table. */
    private static int scale(int nb, int shiftBase) {
        int mantissa = ILB[(nb >> 6) & 31];
        int shift = shiftBase - (nb >> 11);
        int wd = shift >= 0 ? mantissa >> shift : mantissa << -shift;
        return wd << 2;
    }

    /**
     * Receive QMF (§4.4): two 16 kHz output samples from one pair of sub-band samples.
     * xd = rl - rh and xs = rl + rh enter a 12-stage delay line each; the even coefficients
     * filter the xd line into the first output sample, the odd ones the xs line into the second.
     */
    private int qmf(int rl, int rh, short[] out, int w) {
        System.arraycopy(qmfX, 0, qmfX, 2, 22);
        qmfX[0] = rl - rh; // xd
        qmfX[1] = rl + rh; // xs
        int xout1 = 0; // first output sample: the xd line through the even coefficients
        int xout2 = 0; // second: the xs line through the odd ones
        for (int i = 0; i < 12; i++) {
            xout1 += qmfX[2 * i] * QMF[2 * i];
            xout2 += qmfX[2 * i + 1] * QMF[2 * i + 1];
        }
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
        resetBand(low, 32);
        resetBand(high, 8);
        java.util.Arrays.fill(qmfX, 0);
        concealer.reset();
    }

    private static void resetBand(Band b, int det) {
        b.s = 0;
        b.sp = 0;
        b.sz = 0;
        b.a1 = 0;
        b.a2 = 0;
        java.util.Arrays.fill(b.b, 0);
        java.util.Arrays.fill(b.d, 0);
        b.p1 = 0;
        b.p2 = 0;
        b.r1 = 0;
        b.r2 = 0;
        b.nb = 0;
        b.det = det;
    }

    private static int saturate(int v) {
        return clamp(v, -32768, 32767);
    }

    private static int clamp(int v, int min, int max) {
        return v < min ? min : Math.min(v, max);
    }
}
