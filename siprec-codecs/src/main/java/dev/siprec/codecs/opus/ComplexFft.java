package dev.siprec.codecs.opus;

/**
 * A forward complex FFT of one fixed size whose prime factors are 2, 3 and 5 (the sizes CELT's
 * MDCTs need: 60, 120, 240 and 480 points at 48 kHz), computing
 * {@code X[j] = sum_k x[k] exp(-2 pi i j k / n)} in single precision.
 *
 * <p>Mixed-radix decimation in time: the input is split into {@code p} interleaved
 * sub-sequences (radix 4 first, then 2, 3 and 5), each transformed recursively, and the
 * results combined with the twiddle factors. The twiddles and the work buffers are made once;
 * a transform allocates nothing. Not thread-safe: one instance per decoder.
 */
final class ComplexFft {

    private final int size;
    private final int[] radices;
    private final float[] twiddleRe;
    private final float[] twiddleIm;
    private final float[] sumRe = new float[5];
    private final float[] sumIm = new float[5];
    private final float[] termRe = new float[5];
    private final float[] termIm = new float[5];

    /**
     * @param size a product of 2s, 3s and 5s
     * @throws IllegalArgumentException for any other size
     */
    ComplexFft(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("FFT size must be positive, not " + size);
        }
        int rest = size;
        int[] found = new int[32];
        int count = 0;
        for (int p : new int[] {4, 2, 3, 5}) {
            while (rest % p == 0) {
                found[count++] = p;
                rest /= p;
            }
        }
        if (rest != 1) {
            throw new IllegalArgumentException("FFT size must have no prime factor above 5, not " + size);
        }
        this.size = size;
        this.radices = java.util.Arrays.copyOf(found, count);
        twiddleRe = new float[size];
        twiddleIm = new float[size];
        for (int e = 0; e < size; e++) {
            double angle = -2 * Math.PI * e / size;
            twiddleRe[e] = (float) Math.cos(angle);
            twiddleIm[e] = (float) Math.sin(angle);
        }
    }

    int size() {
        return size;
    }

    /** Transforms {@code (inRe, inIm)} into {@code (outRe, outIm)}; the input is left as it was. */
    void forward(float[] inRe, float[] inIm, float[] outRe, float[] outIm) {
        transform(inRe, inIm, 0, 1, outRe, outIm, 0, size, 0);
    }

    /**
     * The transform of the {@code n} inputs at {@code inOff + k * stride} into
     * {@code out[outOff, outOff + n)}.
     */
    private void transform(float[] inRe, float[] inIm, int inOff, int stride, float[] outRe, float[] outIm,
            int outOff, int n, int level) {
        if (n == 1) {
            outRe[outOff] = inRe[inOff];
            outIm[outOff] = inIm[inOff];
            return;
        }
        int p = radices[level];
        int m = n / p;
        // the p interleaved sub-sequences, each transformed into its own run of m outputs
        for (int r = 0; r < p; r++) {
            transform(inRe, inIm, inOff + r * stride, stride * p, outRe, outIm, outOff + r * m, m, level + 1);
        }
        // combine: X[k + q m] = sum_r W_n^(r (k + q m)) Y_r[k]
        int step = size / n; // W_n^e = W_size^(e * step)
        for (int k = 0; k < m; k++) {
            for (int r = 0; r < p; r++) {
                float yr = outRe[outOff + r * m + k];
                float yi = outIm[outOff + r * m + k];
                int e = (r * k * step) % size;
                float wr = twiddleRe[e];
                float wi = twiddleIm[e];
                termRe[r] = yr * wr - yi * wi;
                termIm[r] = yr * wi + yi * wr;
            }
            // the p-point DFT of the twiddled terms: W_p^(r q) = W_size^(r q size / p)
            for (int q = 0; q < p; q++) {
                float sr = 0;
                float si = 0;
                for (int r = 0; r < p; r++) {
                    int e = (r * q % p) * (size / p);
                    float wr = twiddleRe[e];
                    float wi = twiddleIm[e];
                    sr += termRe[r] * wr - termIm[r] * wi;
                    si += termRe[r] * wi + termIm[r] * wr;
                }
                sumRe[q] = sr;
                sumIm[q] = si;
            }
            for (int q = 0; q < p; q++) {
                outRe[outOff + k + q * m] = sumRe[q];
                outIm[outOff + k + q * m] = sumIm[q];
            }
        }
    }
}
