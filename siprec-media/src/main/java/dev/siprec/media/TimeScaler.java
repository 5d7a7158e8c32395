package dev.siprec.media;

/**
 * Stretches or compresses one channel's audio by a few percent, so that a leg can follow a
 * sender whose clock runs fast or slow, or glide to a new place on the timeline, without a
 * click: the audio is resampled by a ratio that may change from block to block (a 16-tap
 * windowed-sinc interpolator at 256 phases, linearly interpolated between phases; flat to
 * 0.42 of the sample rate). A speed of +1% makes 101 output samples of 100 input samples.
 *
 * <p>The interpolator needs {@link #HALF} input samples after the instant it computes, so the
 * last few samples of a block are held until the next block (or {@link #flush}). Samples are
 * never moved in time by that: each output belongs at the place of its instant. While a leg
 * needs no correction it does not call {@link #process} (its audio stays bit-exact) but keeps
 * this scaler's history current with {@link #remember}, so scaling can start at any block.
 *
 * <p>Counts what it inserted and dropped: each output that consumed no new input sample is one
 * inserted, each that skipped one is one dropped. Allocates only when built.
 */
final class TimeScaler {

    /** Taps on each side of the interpolated instant. */
    static final int HALF = 8;
    private static final int PHASES = 256;
    private static final int CAPACITY = 8192;
    private static final float[] KERNEL = kernel(); // phase p at [p * 2 HALF], p = 0..PHASES
    static final double MAX_SPEED = 0.1;

    // Input samples not yet wholly used: the next output's instant is at position
    // pos / 2^32 from buf[0]; buf[i - HALF + 1 .. i + HALF] are the taps around it
    private final float[] buf = new float[CAPACITY];
    private int count = HALF - 1;
    private long pos = (long) (HALF - 1) << 32;
    private long inserted;
    private long dropped;

    /**
     * Windowed sinc (Kaiser, beta 6, cut-off at 0.92 of Nyquist: the input has no more above),
     * for instants between two samples at fractions 0, 1/PHASES, ..., 1. Tap j of a phase
     * multiplies x[i - HALF + 1 + j].
     */
    private static float[] kernel() {
        float[] k = new float[(PHASES + 1) * 2 * HALF];
        double beta = 6;
        double cutoff = 0.92;
        double i0Beta = RateConverter.besselI0(beta);
        for (int p = 0; p <= PHASES; p++) {
            double frac = (double) p / PHASES;
            double sum = 0;
            double[] taps = new double[2 * HALF];
            for (int j = 0; j < 2 * HALF; j++) {
                double t = j - (HALF - 1) - frac; // distance of the tap's sample from the instant
                double x = Math.PI * cutoff * t;
                double sinc = t == 0 ? 1 : Math.sin(x) / x;
                double r = t / HALF;
                double window = Math.abs(r) >= 1 ? 0 : RateConverter.besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
                taps[j] = sinc * window;
                sum += taps[j];
            }
            for (int j = 0; j < 2 * HALF; j++) {
                k[p * 2 * HALF + j] = (float) (taps[j] / sum); // unity gain at DC
            }
        }
        return k;
    }

    /** Keeps the last samples of a block that was placed as it is (the history for scaling). */
    void remember(short[] in, int n) {
        if (n >= HALF - 1) {
            for (int i = 0; i < HALF - 1; i++) {
                buf[i] = in[n - (HALF - 1) + i];
            }
        } else {
            System.arraycopy(buf, n, buf, 0, HALF - 1 - n);
            for (int i = 0; i < n; i++) {
                buf[HALF - 1 - n + i] = in[i];
            }
        }
        count = HALF - 1;
        pos = (long) (HALF - 1) << 32;
    }

    /**
     * Takes {@code n} samples and writes the outputs they complete into {@code out} at
     * {@code speed} (output samples per input sample, minus 1; within +-10%).
     *
     * @return outputs written (about {@code n * (1 + speed)}, give or take the held samples)
     */
    int process(short[] in, int n, double speed, short[] out) {
        long step = Math.round(4294967296.0 / (1 + Math.max(-MAX_SPEED, Math.min(MAX_SPEED, speed))));
        int written = 0;
        int offset = 0;
        while (offset < n) {
            int take = Math.min(n - offset, CAPACITY - count);
            for (int i = 0; i < take; i++) {
                buf[count + i] = in[offset + i];
            }
            count += take;
            offset += take;
            written = run(step, out, written);
            compact();
        }
        return written;
    }

    private int run(long step, short[] out, int w) {
        float[] x = buf;
        float[] h = KERNEL;
        while ((int) (pos >>> 32) + HALF < count) {
            int i = (int) (pos >>> 32);
            long frac = pos & 0xFFFFFFFFL;
            short y;
            if (frac == 0) {
                y = RateConverter.toSample(x[i]);
            } else {
                // the two phases around the fraction, blended linearly
                long scaled = frac * PHASES;
                int p = (int) (scaled >>> 32);
                float a = (scaled & 0xFFFFFFFFL) / 4294967296f;
                int base0 = p * 2 * HALF;
                int base1 = base0 + 2 * HALF;
                int first = i - HALF + 1;
                float s0 = 0;
                float s1 = 0;
                for (int j = 0; j < 2 * HALF; j++) {
                    float v = x[first + j];
                    s0 += v * h[base0 + j];
                    s1 += v * h[base1 + j];
                }
                y = RateConverter.toSample(s0 + a * (s1 - s0));
            }
            out[w++] = y;
            long next = pos + step;
            int consumed = (int) ((next >>> 32) - (pos >>> 32));
            if (consumed == 0) {
                inserted++;
            } else if (consumed > 1) {
                dropped += consumed - 1;
            }
            pos = next;
        }
        return w;
    }

    /** Forgets the samples no later output needs. */
    private void compact() {
        int drop = (int) (pos >>> 32) - (HALF - 1);
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, count - drop);
            count -= drop;
            pos -= (long) drop << 32;
        }
    }

    /**
     * Writes the held samples as they are (the block they end is followed by a gap, or scaling
     * ends): from the next whole sample on, one output each.
     *
     * @return outputs written
     */
    int flush(short[] out) {
        int i = (int) ((pos + 0xFFFFFFFFL) >>> 32); // the next whole sample at or after the instant
        int w = 0;
        for (; i < count; i++) {
            out[w++] = RateConverter.toSample(buf[i]);
        }
        // the history for the next block: the last samples, the next instant on a whole sample
        int keep = HALF - 1;
        System.arraycopy(buf, count - keep, buf, 0, keep);
        count = keep;
        pos = (long) keep << 32;
        return w;
    }

    /** Input samples taken but not yet output (fractional: the next instant may lie between two). */
    double held() {
        return count - pos / 4294967296.0;
    }

    /** Whether the next output falls exactly on an input sample, with nothing held. */
    boolean aligned() {
        return count == HALF - 1 && pos == (long) (HALF - 1) << 32;
    }

    long inserted() {
        return inserted;
    }

    long dropped() {
        return dropped;
    }

    /** Forgets the history (a new source); the counts stay. */
    void reset() {
        java.util.Arrays.fill(buf, 0, HALF, 0f);
        count = HALF - 1;
        pos = (long) (HALF - 1) << 32;
    }
}
