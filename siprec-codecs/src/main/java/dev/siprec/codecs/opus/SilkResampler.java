package dev.siprec.codecs.opus;

/**
 * Converts decoded SILK audio from the internal rate (8, 12 or 16 kHz) to the output rate, as
 * the reference decoder does (RFC 6716 §4.2.9 leaves the resampler free; matching the
 * reference keeps the output bit-exact): a fixed input delay per rate pair, then a copy, a 2x
 * all-pass up-sampler, the 2x up-sampler followed by 12-phase FIR interpolation, or, to go
 * down (16 to 12 or 8 kHz, 12 to 8 kHz), a second-order AR low-pass followed by polyphase FIR
 * interpolation. Each call takes one SILK frame and processes its first millisecond, then the
 * rest in 10 ms batches, since the interpolation phase restarts with each batch.
 */
final class SilkResampler {

    // the extra input delay per (input, output) rate, to align every mode's total delay
    private static final int[] RATES = {8, 12, 16, 24, 48};
    private static final byte[][] DELAY = {
        {4, 0, 2, 0, 0},
        {0, 9, 4, 7, 4},
        {0, 3, 12, 7, 7},
    };
    // all-pass coefficients of the 2x up-sampler, even and odd output phases
    private static final int[] UP2_EVEN = {1746, 14986, 39083 - 65536};
    private static final int[] UP2_ODD = {6854, 25769, 55542 - 65536};
    // 12-phase interpolation filter, 8 taps (4 stored, mirrored), Q15
    private static final short[][] FRAC_FIR_12 = {
        {189, -600, 617, 30567}, {117, -159, -1070, 29704}, {52, 221, -2392, 28276}, {-4, 529, -3350, 26341},
        {-48, 758, -3956, 23973}, {-80, 905, -4235, 21254}, {-99, 972, -4222, 18278}, {-107, 967, -3957, 15143},
        {-103, 896, -3487, 11950}, {-91, 773, -2865, 8798}, {-71, 611, -2143, 5784}, {-46, 425, -1375, 2996},
    };
    private static final int FIR_ORDER = 8;
    // down-sampling: two AR2 coefficients (Q14), then the FIR taps per phase (Q14/Q16 mixed as
    // the reference keeps them): 3 phases of an 18-tap filter for 3:4, 2 phases for 2:3, one
    // symmetric 24-tap filter (12 stored) for 1:2
    private static final short[] DOWN_3_4 = {
        -20694, -13867,
        -49, 64, 17, -157, 353, -496, 163, 11047, 22205,
        -39, 6, 91, -170, 186, 23, -896, 6336, 19928,
        -19, -36, 102, -89, -24, 328, -951, 2568, 15909,
    };
    private static final short[] DOWN_2_3 = {
        -14457, -14019,
        64, 128, -122, 36, 310, -768, 584, 9267, 17733,
        12, 128, 18, -142, 288, -117, -865, 4123, 14459,
    };
    private static final short[] DOWN_1_2 = {
        616, -14323,
        -10, 39, 58, -46, -84, 120, 184, -315, -541, 1284, 5380, 9024,
    };

    private enum Kind { COPY, UP2, UP2_FIR, DOWN_FIR }

    private int inKHz;
    private int outKHz;
    private Kind kind;
    private int inputDelay;
    private int invRatioQ16;
    private final short[] delayBuf = new short[16];
    private final int[] iir = new int[6];
    private final short[] firHistory = new short[FIR_ORDER];
    private final short[] buf = new short[2 * 160 + FIR_ORDER];
    private int[] firIndex = new int[0];
    private int[] firPos = new int[0];
    private int[] firTaps = new int[0];
    private int firCount;
    private int[] firCountFor = new int[0];
    private int period; // outputs per repeat of the interpolation plan, 0 when it does not repeat
    private int advance; // up-sampled inputs per repeat
    private final int[] even = new int[160 + FIR_ORDER / 2];
    private final int[] odd = new int[160 + FIR_ORDER / 2];
    private final int[] line = new int[2 * 160 + FIR_ORDER];
    private final int[] acc = new int[480];
    private short[] downCoefs;
    private int downOrder;
    private int downPhases;
    private final int[] ar2 = new int[2];
    private final int[] downHistory = new int[24];
    private final int[] downBuf = new int[160 + 24];

    /** Sets the rates (kHz) and clears the state; false when the pair is not supported. */
    boolean init(int inKHz, int outKHz) {
        int in = index(inKHz);
        int out = index(outKHz);
        if (in < 0 || in > 2 || out < 0) {
            return false;
        }
        this.inKHz = inKHz;
        this.outKHz = outKHz;
        inputDelay = DELAY[in][out];
        if (outKHz < inKHz) {
            kind = Kind.DOWN_FIR;
            if (4 * outKHz == 3 * inKHz) {
                downCoefs = DOWN_3_4;
                downPhases = 3;
                downOrder = 18;
            } else if (3 * outKHz == 2 * inKHz) {
                downCoefs = DOWN_2_3;
                downPhases = 2;
                downOrder = 18;
            } else {
                downCoefs = DOWN_1_2; // 16 to 8 kHz, the only other pair below
                downPhases = 1;
                downOrder = 24;
            }
        } else {
            kind = outKHz == inKHz ? Kind.COPY : outKHz == 2 * inKHz ? Kind.UP2 : Kind.UP2_FIR;
        }
        int up2 = kind == Kind.UP2_FIR ? 1 : 0;
        invRatioQ16 = ((inKHz * 1000 << (14 + up2)) / (outKHz * 1000)) << 2;
        while ((int) (((long) invRatioQ16 * outKHz * 1000) >> 16) < (inKHz * 1000 << up2)) {
            invRatioQ16++;
        }
        if (kind == Kind.UP2_FIR) {
            planInterpolation();
        }
        java.util.Arrays.fill(delayBuf, (short) 0);
        java.util.Arrays.fill(iir, 0);
        java.util.Arrays.fill(firHistory, (short) 0);
        java.util.Arrays.fill(ar2, 0);
        java.util.Arrays.fill(downHistory, 0);
        return true;
    }

    /** Takes over another resampler's rates and filter state. */
    void copyStateFrom(SilkResampler other) {
        inKHz = other.inKHz;
        outKHz = other.outKHz;
        kind = other.kind;
        inputDelay = other.inputDelay;
        invRatioQ16 = other.invRatioQ16;
        firIndex = other.firIndex;
        firPos = other.firPos;
        firTaps = other.firTaps;
        firCount = other.firCount;
        firCountFor = other.firCountFor;
        period = other.period;
        advance = other.advance;
        System.arraycopy(other.delayBuf, 0, delayBuf, 0, delayBuf.length);
        System.arraycopy(other.iir, 0, iir, 0, iir.length);
        System.arraycopy(other.firHistory, 0, firHistory, 0, firHistory.length);
        downCoefs = other.downCoefs;
        downOrder = other.downOrder;
        downPhases = other.downPhases;
        System.arraycopy(other.ar2, 0, ar2, 0, ar2.length);
        System.arraycopy(other.downHistory, 0, downHistory, 0, downHistory.length);
    }

    int inKHz() {
        return inKHz;
    }

    int outKHz() {
        return outKHz;
    }

    private static int index(int kHz) {
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == kHz) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Resamples one frame of {@code length} samples (at least 1 ms).
     *
     * @return the number of output samples ({@code length * out / in})
     */
    int process(short[] in, int inOff, int length, short[] out, int outOff) {
        int first = inKHz - inputDelay;
        System.arraycopy(in, inOff, delayBuf, inputDelay, first);
        run(delayBuf, 0, inKHz, out, outOff);
        run(in, inOff + first, length - inKHz, out, outOff + outKHz);
        System.arraycopy(in, inOff + length - inputDelay, delayBuf, 0, inputDelay);
        return length * outKHz / inKHz;
    }

    private void run(short[] in, int inOff, int length, short[] out, int outOff) {
        switch (kind) {
            case COPY:
                System.arraycopy(in, inOff, out, outOff, length);
                break;
            case UP2:
                up2(in, inOff, length, out, outOff);
                break;
            case DOWN_FIR:
                downFir(in, inOff, length, out, outOff);
                break;
            default:
                up2Fir(in, inOff, length, out, outOff);
        }
    }

    /** 2x up-sampling by two 3-section all-pass chains, one per output phase (Q10 state). */
    private void up2(short[] in, int inOff, int length, short[] out, int outOff) {
        for (int k = 0; k < length; k++) {
            int in32 = in[inOff + k] << 10;
            out[outOff + 2 * k] = allPass(in32, 0, UP2_EVEN);
            out[outOff + 2 * k + 1] = allPass(in32, 3, UP2_ODD);
        }
    }

    private short allPass(int in32, int s, int[] c) {
        int y = in32 - iir[s];
        int x = SilkSynthesis.smulwb(y, c[0]);
        int out1 = iir[s] + x;
        iir[s] = in32 + x;
        y = out1 - iir[s + 1];
        x = SilkSynthesis.smulwb(y, c[1]);
        int out2 = iir[s + 1] + x;
        iir[s + 1] = out1 + x;
        y = out2 - iir[s + 2];
        x = y + SilkSynthesis.smulwb(y, c[2]);
        out1 = iir[s + 2] + x;
        iir[s + 2] = out2 + x;
        int r = ((out1 >> 9) + 1) >> 1;
        return (short) Math.max(-32768, Math.min(32767, r));
    }

    /** 2x all-pass up-sampling, then FIR interpolation at the output rate, in 10 ms batches. */
    private void up2Fir(short[] in, int inOff, int length, short[] out, int outOff) {
        if (period > 0) {
            up2FirPeriodic(in, inOff, length, out, outOff);
            return;
        }
        System.arraycopy(firHistory, 0, buf, 0, FIR_ORDER);
        int batch = inKHz * 10;
        int o = outOff;
        int n = 0;
        short[] c = FIR_TAPS;
        while (length > 0) {
            n = Math.min(length, batch);
            up2(in, inOff, n, buf, FIR_ORDER);
            // every batch restarts at index 0, so its output positions and phases are a prefix
            // of the ones worked out for a whole batch
            int max = n << 17;
            for (int j = 0; j < firCount && firIndex[j] < max; j++) {
                int p = firPos[j];
                int t = firTaps[j];
                int res = buf[p] * c[t] + buf[p + 1] * c[t + 1] + buf[p + 2] * c[t + 2] + buf[p + 3] * c[t + 3]
                        + buf[p + 4] * c[t + 4] + buf[p + 5] * c[t + 5] + buf[p + 6] * c[t + 6]
                        + buf[p + 7] * c[t + 7];
                res = ((res >> 14) + 1) >> 1;
                out[o++] = (short) (res > 32767 ? 32767 : res < -32768 ? -32768 : res);
            }
            inOff += n;
            length -= n;
            if (length > 0) {
                System.arraycopy(buf, n << 1, buf, 0, FIR_ORDER);
            }
        }
        System.arraycopy(buf, n << 1, firHistory, 0, FIR_ORDER);
    }

    /**
     * The 2x all-pass up-sampler into the even and odd halves, its six states held in locals
     * over the batch (the same arithmetic as {@link #allPass}).
     */
    private void up2Split(short[] in, int inOff, int n) {
        int s0 = iir[0];
        int s1 = iir[1];
        int s2 = iir[2];
        int s3 = iir[3];
        int s4 = iir[4];
        int s5 = iir[5];
        final int e0 = UP2_EVEN[0];
        final int e1 = UP2_EVEN[1];
        final int e2 = UP2_EVEN[2];
        final int o0 = UP2_ODD[0];
        final int o1 = UP2_ODD[1];
        final int o2 = UP2_ODD[2];
        int at = FIR_ORDER / 2;
        for (int k = 0; k < n; k++) {
            int in32 = in[inOff + k] << 10;
            // even output
            int y = in32 - s0;
            int x = (int) (((long) y * e0) >> 16);
            int out1 = s0 + x;
            s0 = in32 + x;
            y = out1 - s1;
            x = (int) (((long) y * e1) >> 16);
            int out2 = s1 + x;
            s1 = out1 + x;
            y = out2 - s2;
            x = y + (int) (((long) y * e2) >> 16);
            out1 = s2 + x;
            s2 = out2 + x;
            int r = ((out1 >> 9) + 1) >> 1;
            even[at + k] = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
            // odd output
            y = in32 - s3;
            x = (int) (((long) y * o0) >> 16);
            out1 = s3 + x;
            s3 = in32 + x;
            y = out1 - s4;
            x = (int) (((long) y * o1) >> 16);
            out2 = s4 + x;
            s4 = out1 + x;
            y = out2 - s5;
            x = y + (int) (((long) y * o2) >> 16);
            out1 = s5 + x;
            s5 = out2 + x;
            r = ((out1 >> 9) + 1) >> 1;
            odd[at + k] = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
        }
        iir[0] = s0;
        iir[1] = s1;
        iir[2] = s2;
        iir[3] = s3;
        iir[4] = s4;
        iir[5] = s5;
    }

    /** The interpolation's output positions and phases over one whole batch. */
    private void planInterpolation() {
        int max = (inKHz * 10) << 17;
        int count = 0;
        for (int index = 0; index < max; index += invRatioQ16) {
            count++;
        }
        firIndex = new int[count];
        firPos = new int[count];
        firTaps = new int[count];
        int j = 0;
        for (int index = 0; index < max; index += invRatioQ16) {
            firIndex[j] = index;
            firPos[j] = index >> 16;
            firTaps[j] = (((index & 0xFFFF) * 12) >> 16) * FIR_ORDER;
            j++;
        }
        firCount = count;
        firCountFor = new int[inKHz * 10 + 1];
        for (int n = 0; n <= inKHz * 10; n++) {
            int c = 0;
            while (c < count && firIndex[c] < n << 17) {
                c++;
            }
            firCountFor[n] = c;
        }
        // most rate pairs repeat a short pattern: P outputs per Q up-sampled inputs, Q = 1 or 2
        period = 0;
        for (int pp = 1; pp <= 3 && period == 0 && count > pp; pp++) {
            int q = firPos[pp] - firPos[0];
            boolean periodic = q == 1 || q == 2;
            for (int i = pp; i < count && periodic; i++) {
                periodic = firPos[i] == firPos[i - pp] + q && firTaps[i] == firTaps[i - pp];
            }
            if (periodic) {
                period = pp;
                advance = q;
            }
        }
    }

    /**
     * The interpolation of a periodic plan, one output phase at a time: each of its 8 taps is a
     * multiply-add over consecutive samples (of the up-sampled signal, or of its even and odd
     * halves when the plan advances two per period), a form the JIT turns into vector code. The
     * sums are the same integers as the plain loop's.
     */
    private void up2FirPeriodic(short[] in, int inOff, int length, short[] out, int outOff) {
        boolean split = advance == 2;
        if (split) {
            for (int k = 0; k < FIR_ORDER / 2; k++) {
                even[k] = firHistory[2 * k];
                odd[k] = firHistory[2 * k + 1];
            }
        } else {
            System.arraycopy(firHistory, 0, buf, 0, FIR_ORDER);
        }
        int batch = inKHz * 10;
        int o = outOff;
        int n = 0;
        while (length > 0) {
            n = Math.min(length, batch);
            if (split) {
                up2Split(in, inOff, n);
            } else {
                up2(in, inOff, n, buf, FIR_ORDER);
                for (int k = 0; k < 2 * n + FIR_ORDER; k++) {
                    line[k] = buf[k];
                }
            }
            int count = firCountFor[n];
            for (int r = 0; r < period; r++) {
                int outputs = (count - r + period - 1) / period;
                int d = firPos[r];
                int t0 = firTaps[r];
                int[] a = acc;
                for (int k = 0; k < FIR_ORDER; k++) {
                    int c = FIR_TAPS[t0 + k];
                    int[] x;
                    int m;
                    if (split) {
                        x = ((d + k) & 1) == 0 ? even : odd;
                        m = (d + k) >> 1;
                    } else {
                        x = line;
                        m = d + k;
                    }
                    if (k == 0) {
                        for (int t = 0; t < outputs; t++) {
                            a[t] = c * x[t + m];
                        }
                    } else {
                        for (int t = 0; t < outputs; t++) {
                            a[t] += c * x[t + m];
                        }
                    }
                }
                for (int t = 0, at = o + r; t < outputs; t++, at += period) {
                    int res = ((a[t] >> 14) + 1) >> 1;
                    out[at] = (short) (res > 32767 ? 32767 : res < -32768 ? -32768 : res);
                }
            }
            o += count;
            inOff += n;
            length -= n;
            if (length > 0) {
                if (split) {
                    System.arraycopy(even, n, even, 0, FIR_ORDER / 2);
                    System.arraycopy(odd, n, odd, 0, FIR_ORDER / 2);
                } else {
                    System.arraycopy(buf, n << 1, buf, 0, FIR_ORDER);
                }
            }
        }
        if (split) {
            for (int k = 0; k < FIR_ORDER / 2; k++) {
                firHistory[2 * k] = (short) even[n + k];
                firHistory[2 * k + 1] = (short) odd[n + k];
            }
        } else {
            System.arraycopy(buf, n << 1, firHistory, 0, FIR_ORDER);
        }
    }

    // the 12 phases' 8 taps in order: the stored half, then the mirror phase's half reversed
    private static final short[] FIR_TAPS = new short[12 * FIR_ORDER];

    static {
        for (int ph = 0; ph < 12; ph++) {
            for (int k = 0; k < 4; k++) {
                FIR_TAPS[ph * FIR_ORDER + k] = FRAC_FIR_12[ph][k];
                FIR_TAPS[ph * FIR_ORDER + 7 - k] = FRAC_FIR_12[11 - ph][k];
            }
        }
    }

    /**
     * Down-sampling: a second-order AR low-pass (output Q8), then FIR interpolation at the
     * output positions, in 10 ms batches.
     */
    private void downFir(short[] in, int inOff, int length, short[] out, int outOff) {
        int order = downOrder;
        System.arraycopy(downHistory, 0, downBuf, 0, order);
        int batch = inKHz * 10;
        int o = outOff;
        int n = 0;
        while (true) {
            n = Math.min(length, batch);
            for (int k = 0; k < n; k++) {
                int v = ar2[0] + (in[inOff + k] << 8);
                downBuf[order + k] = v;
                v <<= 2;
                ar2[0] = ar2[1] + SilkSynthesis.smulwb(v, downCoefs[0]);
                ar2[1] = SilkSynthesis.smulwb(v, downCoefs[1]);
            }
            int max = n << 16;
            for (int index = 0; index < max; index += invRatioQ16) {
                int p = index >> 16;
                int res;
                if (downPhases == 1) {
                    // symmetric: taps k and order-1-k share a coefficient
                    res = 0;
                    for (int k = 0; k < order / 2; k++) {
                        res += SilkSynthesis.smulwb(downBuf[p + k] + downBuf[p + order - 1 - k], downCoefs[2 + k]);
                    }
                } else {
                    int phase = SilkSynthesis.smulwb(index & 0xFFFF, downPhases);
                    int a = 2 + order / 2 * phase;
                    int b = 2 + order / 2 * (downPhases - 1 - phase);
                    res = 0;
                    for (int k = 0; k < order / 2; k++) {
                        res += SilkSynthesis.smulwb(downBuf[p + k], downCoefs[a + k]);
                    }
                    for (int k = 0; k < order / 2; k++) {
                        res += SilkSynthesis.smulwb(downBuf[p + order - 1 - k], downCoefs[b + k]);
                    }
                }
                res = ((res >> 5) + 1) >> 1;
                out[o++] = (short) Math.max(-32768, Math.min(32767, res));
            }
            inOff += n;
            length -= n;
            if (length > 1) {
                System.arraycopy(downBuf, n, downBuf, 0, order);
            } else {
                break;
            }
        }
        System.arraycopy(downBuf, n, downHistory, 0, order);
    }
}
