package dev.siprec.codecs.opus;

/**
 * The inverse MDCT of CELT's synthesis (RFC 6716 §4.3.7) for one block size: {@code m}
 * coefficients to {@code 2m} time samples,
 * {@code y[n] = sum_k X[k] cos(2 pi / (2m) * (n + 1/2 + m/2) * (k + 1/2))}, unscaled and
 * unwindowed (the caller windows and overlap-adds).
 *
 * <p>Computed through the DCT-IV {@code u[j] = sum_k X[k] cos(pi/m (j + 1/2)(k + 1/2))}:
 * {@code y} is {@code u} unfolded by the cosine's symmetries, and {@code u} comes from one
 * complex FFT of {@code m/2} points: with {@code z[k] = X[2k] + i X[m-1-2k]},
 * {@code C[j] = sum_k z[k] exp(-i pi (2k + 1/2)(2j + 1/2) / m)} is a pre-twiddle, the FFT and a
 * post-twiddle, and {@code u[2j] = Re C[j]}, {@code u[m-1-2j] = -Im C[j]}. Allocation-free; one
 * instance per decoder.
 */
final class CeltMdct {

    private final int m;
    private final int half;
    private final ComplexFft fft;
    private final float[] twiddleRe;
    private final float[] twiddleIm;
    private final float[] zRe;
    private final float[] zIm;
    private final float[] cRe;
    private final float[] cIm;
    private final float[] u;

    /** @param coefficients the block's coefficient count: 120, 240, 480 or 960 at 48 kHz */
    CeltMdct(int coefficients) {
        if (coefficients < 4 || coefficients % 4 != 0) {
            throw new IllegalArgumentException("MDCT size must be a multiple of 4, not " + coefficients);
        }
        m = coefficients;
        half = coefficients / 2;
        fft = new ComplexFft(half);
        twiddleRe = new float[half];
        twiddleIm = new float[half];
        for (int k = 0; k < half; k++) {
            double angle = -Math.PI * (k + 0.125) / m;
            twiddleRe[k] = (float) Math.cos(angle);
            twiddleIm[k] = (float) Math.sin(angle);
        }
        zRe = new float[half];
        zIm = new float[half];
        cRe = new float[half];
        cIm = new float[half];
        u = new float[m];
    }

    int coefficients() {
        return m;
    }

    /**
     * Inverse-transforms the {@code m} coefficients at {@code x[xOff + k * stride]} (CELT
     * interleaves the short blocks of a transient frame) into {@code y[yOff, yOff + 2m)}.
     */
    void inverse(float[] x, int xOff, int stride, float[] y, int yOff) {
        inverse(x, xOff, stride, y, yOff, 0, 2 * m);
    }

    /**
     * As {@link #inverse(float[], int, int, float[], int)}, but only the outputs
     * {@code [from, from + count)} are written, from {@code y[yOff]} on: CELT's low-overlap
     * window is zero outside the middle {@code m + overlap} outputs of a long block.
     */
    void inverse(float[] x, int xOff, int stride, float[] y, int yOff, int from, int count) {
        transform(x, xOff, stride);
        unfold(y, yOff, from, count);
    }

    /** The DCT-IV of the {@code m} coefficients at {@code x[xOff + k * stride]}, kept for {@link #unfold}. */
    void transform(float[] x, int xOff, int stride) {
        for (int k = 0; k < half; k++) {
            float a = x[xOff + 2 * k * stride];
            float b = x[xOff + (m - 1 - 2 * k) * stride];
            float wr = twiddleRe[k];
            float wi = twiddleIm[k];
            zRe[k] = a * wr - b * wi;
            zIm[k] = a * wi + b * wr;
        }
        fft.forward(zRe, zIm, cRe, cIm);
        for (int j = 0; j < half; j++) {
            float wr = twiddleRe[j];
            float wi = twiddleIm[j];
            float re = cRe[j] * wr - cIm[j] * wi;
            float im = cRe[j] * wi + cIm[j] * wr;
            u[2 * j] = re;
            u[m - 1 - 2 * j] = -im;
        }
    }

    /** Outputs {@code [from, from + count)} of the last {@link #transform}, from {@code y[yOff]} on. */
    void unfold(float[] y, int yOff, int from, int count) {
        // y[n] = c(n + m/2), with c the DCT-IV extended by c(2m-1-j) = -c(j), c(j+2m) = -c(j)
        int quarter = m / 2;
        int to = from + count;
        int base = yOff - from;
        for (int n = from, e = Math.min(to, quarter); n < e; n++) {
            y[base + n] = u[n + quarter];
        }
        for (int n = Math.max(from, quarter), e = Math.min(to, 3 * quarter); n < e; n++) {
            y[base + n] = -u[3 * quarter - 1 - n];
        }
        for (int n = Math.max(from, 3 * quarter); n < to; n++) {
            y[base + n] = -u[n - 3 * quarter];
        }
    }
}
