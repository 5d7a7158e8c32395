package dev.siprec.codecs.opus;

/**
 * Converts decoded SILK audio from the internal rate (8, 12 or 16 kHz) to the output rate, as
 * the reference decoder does (RFC 6716 §4.2.9 leaves the resampler free; matching the
 * reference keeps the output bit-exact): a fixed input delay per rate pair, then a copy, a 2x
 * all-pass up-sampler, or the 2x up-sampler followed by 12-phase FIR interpolation. Each call
 * takes one SILK frame and processes its first millisecond, then the rest in 10 ms batches,
 * since the interpolation phase restarts with each batch.
 *
 * <p>Down-sampling (an output rate below the internal rate) is not supported yet.
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

    private enum Kind { COPY, UP2, UP2_FIR }

    private int inKHz;
    private int outKHz;
    private Kind kind;
    private int inputDelay;
    private int invRatioQ16;
    private final short[] delayBuf = new short[16];
    private final int[] iir = new int[6];
    private final short[] firHistory = new short[FIR_ORDER];
    private final short[] buf = new short[2 * 160 + FIR_ORDER];

    /** Sets the rates (kHz) and clears the state; false when the pair is not supported. */
    boolean init(int inKHz, int outKHz) {
        int in = index(inKHz);
        int out = index(outKHz);
        if (in < 0 || in > 2 || out < 0 || outKHz < inKHz) {
            return false;
        }
        this.inKHz = inKHz;
        this.outKHz = outKHz;
        inputDelay = DELAY[in][out];
        kind = outKHz == inKHz ? Kind.COPY : outKHz == 2 * inKHz ? Kind.UP2 : Kind.UP2_FIR;
        int up2 = kind == Kind.UP2_FIR ? 1 : 0;
        invRatioQ16 = ((inKHz * 1000 << (14 + up2)) / (outKHz * 1000)) << 2;
        while ((int) (((long) invRatioQ16 * outKHz * 1000) >> 16) < (inKHz * 1000 << up2)) {
            invRatioQ16++;
        }
        java.util.Arrays.fill(delayBuf, (short) 0);
        java.util.Arrays.fill(iir, 0);
        java.util.Arrays.fill(firHistory, (short) 0);
        return true;
    }

    /** Takes over another resampler's rates and filter state. */
    void copyStateFrom(SilkResampler other) {
        inKHz = other.inKHz;
        outKHz = other.outKHz;
        kind = other.kind;
        inputDelay = other.inputDelay;
        invRatioQ16 = other.invRatioQ16;
        System.arraycopy(other.delayBuf, 0, delayBuf, 0, delayBuf.length);
        System.arraycopy(other.iir, 0, iir, 0, iir.length);
        System.arraycopy(other.firHistory, 0, firHistory, 0, firHistory.length);
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
        System.arraycopy(firHistory, 0, buf, 0, FIR_ORDER);
        int batch = inKHz * 10;
        int o = outOff;
        int n = 0;
        while (length > 0) {
            n = Math.min(length, batch);
            up2(in, inOff, n, buf, FIR_ORDER);
            int max = n << 17;
            for (int index = 0; index < max; index += invRatioQ16) {
                int phase = ((index & 0xFFFF) * 12) >> 16;
                int p = index >> 16;
                short[] a = FRAC_FIR_12[phase];
                short[] b = FRAC_FIR_12[11 - phase];
                int res = buf[p] * a[0] + buf[p + 1] * a[1] + buf[p + 2] * a[2] + buf[p + 3] * a[3]
                        + buf[p + 4] * b[3] + buf[p + 5] * b[2] + buf[p + 6] * b[1] + buf[p + 7] * b[0];
                res = ((res >> 14) + 1) >> 1;
                out[o++] = (short) Math.max(-32768, Math.min(32767, res));
            }
            inOff += n;
            length -= n;
            if (length > 0) {
                System.arraycopy(buf, n << 1, buf, 0, FIR_ORDER);
            }
        }
        System.arraycopy(buf, n << 1, firHistory, 0, FIR_ORDER);
    }
}
