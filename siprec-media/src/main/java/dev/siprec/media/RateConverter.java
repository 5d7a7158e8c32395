package dev.siprec.media;

/**
 * Converts decoded PCM to the session's output rate by a rational ratio up/down (8, 12, 16,
 * 24 and 48 kHz in any direction), with a polyphase windowed-sinc low-pass filter designed by
 * Kaiser's formulas: passband to 0.40 x the lower of the two rates, stopband from 0.50 x (its
 * Nyquist frequency), 75 dB. Measured in RateConverterTest: gain within 0.1 dB up to 0.4 x
 * the lower rate, images and aliases more than 70 dB down. Equal rates pass through untouched
 * (bit-exact).
 *
 * <p>The filter delays its output by a constant {@link #latency()}, which the leg subtracts
 * when it places audio on the timeline, so that legs of different codecs stay aligned. Keeps
 * its history across calls; allocates only when built.
 */
final class RateConverter {

    private static final double STOPBAND_DB = 75;
    private static final java.util.concurrent.ConcurrentHashMap<Integer, float[]> DESIGNS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final int up;
    private final int taps; // per phase
    private final int down;
    private final float[] coefficients; // phase p, tap k at [p * taps + k]
    private final float[] history; // the last taps input samples, oldest first, then the block
    private final float[] sums; // per input of a block, one phase's outputs (interpolate)
    private long next; // position of the next output, in units of 1/up input sample, from history start

    RateConverter(int inputRate, int outputRate) {
        int g = gcd(inputRate, outputRate);
        this.up = outputRate / g;
        this.down = inputRate / g;
        if (up > 12 || down > 12) {
            throw new IllegalArgumentException("unsupported rate pair " + inputRate + " -> " + outputRate);
        }
        if (up == 1 && down == 1) {
            coefficients = null;
            history = null;
            sums = null;
            taps = 0;
            return;
        }
        // Kaiser: length from the attenuation and the transition width (0.1 x the lower rate),
        // relative to the up-sampled rate at which the prototype runs
        double transition = 0.1 / Math.max(up, down);
        int length = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * 2 * Math.PI * transition)) + 1;
        taps = (length + up - 1) / up;
        // the same pair always gets the same filter: designed once, shared (read-only) by every leg
        coefficients = DESIGNS.computeIfAbsent(up * 1000 + down, k -> design(up, down, taps));
        history = new float[taps + 4096];
        sums = new float[4096];
        next = (long) taps * up; // the first output uses the first input (and zeros before it)
    }

    /**
     * The windowed-sinc prototype at up x the input rate, split into {@code up} phases and
     * scaled by {@code up} (zero stuffing divides the signal's level by up).
     */
    private static float[] design(int up, int down, int taps) {
        int n = up * taps;
        double cutoff = 0.45 / Math.max(up, down); // of the up-sampled rate: 0.45 x the lower rate
        double center = (n - 1) / 2.0;
        float[] h = new float[n];
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        double i0Beta = besselI0(beta);
        for (int j = 0; j < n; j++) {
            double t = j - center;
            double sinc = t == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
            double r = 2.0 * j / (n - 1) - 1;
            double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            double value = up * sinc * window;
            // polyphase layout: output phase p uses prototype taps p, p + up, p + 2 up, ...
            h[(j % up) * taps + j / up] = (float) value;
        }
        return h;
    }

    /** The modified Bessel function of order 0 (Kaiser windows), by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Output samples produced for {@code inputSamples} input samples (rounded up). */
    int outputLength(int inputSamples) {
        return (int) (((long) inputSamples * up + down - 1) / down) + 1;
    }

    /** The constant delay of the filter, in output samples (0 for equal rates). */
    int latency() {
        return coefficients == null ? 0 : (int) Math.round((up * taps - 1) / 2.0 / down);
    }

    /** Converts {@code n} samples from {@code in} into {@code out}; returns samples written. */
    int convert(short[] in, int n, short[] out) {
        if (coefficients == null) {
            System.arraycopy(in, 0, out, 0, n);
            return n;
        }
        int written = 0;
        int offset = 0;
        while (offset < n) { // blocks that fit the history buffer
            int block = Math.min(n - offset, history.length - taps);
            for (int i = 0; i < block; i++) {
                history[taps + i] = in[offset + i];
            }
            written = down == 1 ? interpolate(block, out, written) : filter(block, out, written);
            offset += block;
        }
        return written;
    }

    /**
     * Produces every output whose newest input is in this block. history[0..taps) holds the
     * previous taps samples, history[taps..taps+block) the new ones; positions are counted
     * from history[0].
     */
    private int filter(int block, short[] out, int w) {
        long end = (long) (taps + block) * up;
        float[] h = coefficients;
        float[] x = history;
        while (next < end) {
            int newest = (int) (next / up);
            int phase = (int) (next % up);
            int base = phase * taps;
            float acc = 0;
            for (int k = 0; k < taps; k++) {
                acc += x[newest - k] * h[base + k];
            }
            out[w++] = toSample(acc);
            next += down;
        }
        // keep the last taps inputs as the next block's history
        System.arraycopy(x, block, x, 0, taps);
        next -= (long) block * up;
        return w;
    }

    /**
     * {@link #filter} for a whole-number up-sampling (8 to 16, 24 or 48 kHz; 16 to 48): each
     * input gives {@code up} outputs, one per phase, so each phase is an ordinary filter over
     * the block. Computed tap by tap across the block (a multiply-add over two arrays, which
     * the JIT vectorises) instead of output by output (a chain of dependent adds, which it
     * does not): the same sums, in the same order per output, about four times as fast.
     */
    private int interpolate(int block, short[] out, int w) {
        float[] h = coefficients;
        float[] x = history;
        float[] acc = sums;
        for (int p = 0; p < up; p++) {
            java.util.Arrays.fill(acc, 0, block, 0f);
            int base = p * taps;
            int k = 0;
            for (; k + 3 < taps; k += 4) { // four taps per pass: a quarter of the loads and stores of acc
                float c0 = h[base + k];
                float c1 = h[base + k + 1];
                float c2 = h[base + k + 2];
                float c3 = h[base + k + 3];
                int from = taps - k; // output i uses x[taps + i - k]
                for (int i = 0; i < block; i++) {
                    acc[i] += c0 * x[from + i] + c1 * x[from - 1 + i] + c2 * x[from - 2 + i] + c3 * x[from - 3 + i];
                }
            }
            for (; k < taps; k++) {
                float c = h[base + k];
                int from = taps - k;
                for (int i = 0; i < block; i++) {
                    acc[i] += c * x[from + i];
                }
            }
            for (int i = 0, o = w + p; i < block; i++, o += up) {
                out[o] = toSample(acc[i]);
            }
        }
        System.arraycopy(x, block, x, 0, taps);
        return w + block * up;
    }

    /** Rounds to nearest (halves away from zero) and saturates; cheaper than Math.round. */
    static short toSample(float a) {
        float r = a >= 0 ? a + 0.5f : a - 0.5f;
        return (short) (r >= 32767f ? 32767 : r <= -32768f ? -32768 : (int) r);
    }

    void reset() {
        if (history != null) {
            java.util.Arrays.fill(history, 0);
            next = (long) taps * up;
        }
    }
}
