package dev.siprec.codecs.opus;

/**
 * A forward complex FFT of one fixed size whose prime factors are 2, 3 and 5 (the sizes CELT's
 * MDCTs need: 60, 120, 240 and 480 points at 48 kHz), computing
 * {@code X[j] = sum_k x[k] exp(-2 pi i j k / n)} in single precision.
 *
 * <p>Stockham's self-sorting scheme, decimation in frequency: each pass of radix {@code p}
 * (4 first, then 2, 3 and 5) takes {@code p} inputs a length/p apart, computes their p-point
 * DFT with a butterfly written out for that radix, multiplies by the twiddle factors and
 * writes the results interleaved into the other buffer; the passes alternate between two
 * buffers and the output comes out in natural order, with no digit reversal. The twiddles
 * and work buffers are made once; a transform allocates nothing. Not thread-safe: one
 * instance per decoder.
 */
final class ComplexFft {

    private static final float SIN60 = (float) Math.sin(Math.PI / 3);
    private static final float C1 = (float) Math.cos(2 * Math.PI / 5);
    private static final float C2 = (float) Math.cos(4 * Math.PI / 5);
    private static final float S1 = (float) Math.sin(2 * Math.PI / 5);
    private static final float S2 = (float) Math.sin(4 * Math.PI / 5);

    private final int size;
    private final int[] radices;
    private final float[] twiddleRe;
    private final float[] twiddleIm;
    private final float[] workRe;
    private final float[] workIm;

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
        workRe = new float[size];
        workIm = new float[size];
    }

    int size() {
        return size;
    }

    /** Transforms {@code (inRe, inIm)} into {@code (outRe, outIm)}; the input is left as it was. */
    void forward(float[] inRe, float[] inIm, float[] outRe, float[] outIm) {
        // the passes ping-pong between out and work; start so that the last one writes out
        boolean toOut = radices.length % 2 == 1;
        float[] xr = inRe;
        float[] xi = inIm;
        int n = size;
        int s = 1;
        for (int p : radices) {
            float[] yr = toOut ? outRe : workRe;
            float[] yi = toOut ? outIm : workIm;
            int m = n / p;
            switch (p) {
                case 4:
                    radix4(xr, xi, yr, yi, m, s);
                    break;
                case 2:
                    radix2(xr, xi, yr, yi, m, s);
                    break;
                case 3:
                    radix3(xr, xi, yr, yi, m, s);
                    break;
                default:
                    radix5(xr, xi, yr, yi, m, s);
                    break;
            }
            xr = yr;
            xi = yi;
            toOut = !toOut;
            n = m;
            s *= p;
        }
        if (radices.length == 0) {
            outRe[0] = inRe[0];
            outIm[0] = inIm[0];
        }
    }

    // One pass: for every j < m and q < s, a_r = x[q + s (j + r m)]; the DFT b_t of the a_r goes
    // to y[q + s (p j + t)] times W_(p m)^(t j) = W_size^(t j s).

    private void radix2(float[] xr, float[] xi, float[] yr, float[] yi, int m, int s) {
        for (int j = 0; j < m; j++) {
            float w1r = twiddleRe[j * s];
            float w1i = twiddleIm[j * s];
            int in0 = s * j;
            int in1 = s * (j + m);
            int out = s * 2 * j;
            for (int q = 0; q < s; q++) {
                float ar = xr[in0 + q];
                float ai = xi[in0 + q];
                float br = xr[in1 + q];
                float bi = xi[in1 + q];
                yr[out + q] = ar + br;
                yi[out + q] = ai + bi;
                float dr = ar - br;
                float di = ai - bi;
                yr[out + s + q] = dr * w1r - di * w1i;
                yi[out + s + q] = dr * w1i + di * w1r;
            }
        }
    }

    private void radix4(float[] xr, float[] xi, float[] yr, float[] yi, int m, int s) {
        if (s == 1) {
            radix4First(xr, xi, yr, yi, m);
            return;
        }
        for (int j = 0; j < m; j++) {
            int e = j * s;
            float w1r = twiddleRe[e];
            float w1i = twiddleIm[e];
            float w2r = twiddleRe[2 * e];
            float w2i = twiddleIm[2 * e];
            float w3r = twiddleRe[3 * e];
            float w3i = twiddleIm[3 * e];
            int in0 = s * j;
            int in1 = s * (j + m);
            int in2 = s * (j + 2 * m);
            int in3 = s * (j + 3 * m);
            int out = s * 4 * j;
            for (int q = 0; q < s; q++) {
                float a0r = xr[in0 + q];
                float a0i = xi[in0 + q];
                float a1r = xr[in1 + q];
                float a1i = xi[in1 + q];
                float a2r = xr[in2 + q];
                float a2i = xi[in2 + q];
                float a3r = xr[in3 + q];
                float a3i = xi[in3 + q];
                float s02r = a0r + a2r;
                float s02i = a0i + a2i;
                float d02r = a0r - a2r;
                float d02i = a0i - a2i;
                float s13r = a1r + a3r;
                float s13i = a1i + a3i;
                float d13r = a1r - a3r;
                float d13i = a1i - a3i;
                yr[out + q] = s02r + s13r;
                yi[out + q] = s02i + s13i;
                // b1 = d02 - i d13, b2 = s02 - s13, b3 = d02 + i d13
                float b1r = d02r + d13i;
                float b1i = d02i - d13r;
                float b2r = s02r - s13r;
                float b2i = s02i - s13i;
                float b3r = d02r - d13i;
                float b3i = d02i + d13r;
                yr[out + s + q] = b1r * w1r - b1i * w1i;
                yi[out + s + q] = b1r * w1i + b1i * w1r;
                yr[out + 2 * s + q] = b2r * w2r - b2i * w2i;
                yi[out + 2 * s + q] = b2r * w2i + b2i * w2r;
                yr[out + 3 * s + q] = b3r * w3r - b3i * w3i;
                yi[out + 3 * s + q] = b3r * w3i + b3i * w3r;
            }
        }
    }

    /** The first radix-4 pass (stride 1): one butterfly per j, no inner loop. */
    private void radix4First(float[] xr, float[] xi, float[] yr, float[] yi, int m) {
        for (int j = 0; j < m; j++) {
            float a0r = xr[j];
            float a0i = xi[j];
            float a1r = xr[j + m];
            float a1i = xi[j + m];
            float a2r = xr[j + 2 * m];
            float a2i = xi[j + 2 * m];
            float a3r = xr[j + 3 * m];
            float a3i = xi[j + 3 * m];
            float s02r = a0r + a2r;
            float s02i = a0i + a2i;
            float d02r = a0r - a2r;
            float d02i = a0i - a2i;
            float s13r = a1r + a3r;
            float s13i = a1i + a3i;
            float d13r = a1r - a3r;
            float d13i = a1i - a3i;
            int out = 4 * j;
            yr[out] = s02r + s13r;
            yi[out] = s02i + s13i;
            float b1r = d02r + d13i;
            float b1i = d02i - d13r;
            float b2r = s02r - s13r;
            float b2i = s02i - s13i;
            float b3r = d02r - d13i;
            float b3i = d02i + d13r;
            float w1r = twiddleRe[j];
            float w1i = twiddleIm[j];
            float w2r = twiddleRe[2 * j];
            float w2i = twiddleIm[2 * j];
            float w3r = twiddleRe[3 * j];
            float w3i = twiddleIm[3 * j];
            yr[out + 1] = b1r * w1r - b1i * w1i;
            yi[out + 1] = b1r * w1i + b1i * w1r;
            yr[out + 2] = b2r * w2r - b2i * w2i;
            yi[out + 2] = b2r * w2i + b2i * w2r;
            yr[out + 3] = b3r * w3r - b3i * w3i;
            yi[out + 3] = b3r * w3i + b3i * w3r;
        }
    }

    private void radix3(float[] xr, float[] xi, float[] yr, float[] yi, int m, int s) {
        for (int j = 0; j < m; j++) {
            int e = j * s;
            float w1r = twiddleRe[e];
            float w1i = twiddleIm[e];
            float w2r = twiddleRe[2 * e];
            float w2i = twiddleIm[2 * e];
            int in0 = s * j;
            int in1 = s * (j + m);
            int in2 = s * (j + 2 * m);
            int out = s * 3 * j;
            for (int q = 0; q < s; q++) {
                float a0r = xr[in0 + q];
                float a0i = xi[in0 + q];
                float a1r = xr[in1 + q];
                float a1i = xi[in1 + q];
                float a2r = xr[in2 + q];
                float a2i = xi[in2 + q];
                float tr = a1r + a2r;
                float ti = a1i + a2i;
                float mr = a0r - 0.5f * tr;
                float mi = a0i - 0.5f * ti;
                // -i sin(60) (a1 - a2)
                float vr = SIN60 * (a1i - a2i);
                float vi = -SIN60 * (a1r - a2r);
                yr[out + q] = a0r + tr;
                yi[out + q] = a0i + ti;
                float b1r = mr + vr;
                float b1i = mi + vi;
                float b2r = mr - vr;
                float b2i = mi - vi;
                yr[out + s + q] = b1r * w1r - b1i * w1i;
                yi[out + s + q] = b1r * w1i + b1i * w1r;
                yr[out + 2 * s + q] = b2r * w2r - b2i * w2i;
                yi[out + 2 * s + q] = b2r * w2i + b2i * w2r;
            }
        }
    }

    private void radix5(float[] xr, float[] xi, float[] yr, float[] yi, int m, int s) {
        if (m == 1) {
            radix5Last(xr, xi, yr, yi, s);
            return;
        }
        for (int j = 0; j < m; j++) {
            int e = j * s;
            float w1r = twiddleRe[e];
            float w1i = twiddleIm[e];
            float w2r = twiddleRe[2 * e];
            float w2i = twiddleIm[2 * e];
            float w3r = twiddleRe[3 * e];
            float w3i = twiddleIm[3 * e];
            float w4r = twiddleRe[4 * e];
            float w4i = twiddleIm[4 * e];
            int in0 = s * j;
            int out = s * 5 * j;
            for (int q = 0; q < s; q++) {
                float a0r = xr[in0 + q];
                float a0i = xi[in0 + q];
                float a1r = xr[in0 + s * m + q];
                float a1i = xi[in0 + s * m + q];
                float a2r = xr[in0 + 2 * s * m + q];
                float a2i = xi[in0 + 2 * s * m + q];
                float a3r = xr[in0 + 3 * s * m + q];
                float a3i = xi[in0 + 3 * s * m + q];
                float a4r = xr[in0 + 4 * s * m + q];
                float a4i = xi[in0 + 4 * s * m + q];
                float s14r = a1r + a4r;
                float s14i = a1i + a4i;
                float d14r = a1r - a4r;
                float d14i = a1i - a4i;
                float s23r = a2r + a3r;
                float s23i = a2i + a3i;
                float d23r = a2r - a3r;
                float d23i = a2i - a3i;
                yr[out + q] = a0r + s14r + s23r;
                yi[out + q] = a0i + s14i + s23i;
                // real parts of the pairs, then -i times the odd parts
                float p1r = a0r + C1 * s14r + C2 * s23r;
                float p1i = a0i + C1 * s14i + C2 * s23i;
                float p2r = a0r + C2 * s14r + C1 * s23r;
                float p2i = a0i + C2 * s14i + C1 * s23i;
                float o1r = S1 * d14r + S2 * d23r; // b1 = p1 - i o1, b4 = p1 + i o1
                float o1i = S1 * d14i + S2 * d23i;
                float o2r = S2 * d14r - S1 * d23r; // b2 = p2 - i o2, b3 = p2 + i o2
                float o2i = S2 * d14i - S1 * d23i;
                float b1r = p1r + o1i;
                float b1i = p1i - o1r;
                float b4r = p1r - o1i;
                float b4i = p1i + o1r;
                float b2r = p2r + o2i;
                float b2i = p2i - o2r;
                float b3r = p2r - o2i;
                float b3i = p2i + o2r;
                yr[out + s + q] = b1r * w1r - b1i * w1i;
                yi[out + s + q] = b1r * w1i + b1i * w1r;
                yr[out + 2 * s + q] = b2r * w2r - b2i * w2i;
                yi[out + 2 * s + q] = b2r * w2i + b2i * w2r;
                yr[out + 3 * s + q] = b3r * w3r - b3i * w3i;
                yi[out + 3 * s + q] = b3r * w3i + b3i * w3r;
                yr[out + 4 * s + q] = b4r * w4r - b4i * w4i;
                yi[out + 4 * s + q] = b4r * w4i + b4i * w4r;
            }
        }
    }

    /** The last radix-5 pass (one group): its twiddles are all 1. */
    private static void radix5Last(float[] xr, float[] xi, float[] yr, float[] yi, int s) {
        for (int q = 0; q < s; q++) {
            float a0r = xr[q];
            float a0i = xi[q];
            float a1r = xr[s + q];
            float a1i = xi[s + q];
            float a2r = xr[2 * s + q];
            float a2i = xi[2 * s + q];
            float a3r = xr[3 * s + q];
            float a3i = xi[3 * s + q];
            float a4r = xr[4 * s + q];
            float a4i = xi[4 * s + q];
            float s14r = a1r + a4r;
            float s14i = a1i + a4i;
            float d14r = a1r - a4r;
            float d14i = a1i - a4i;
            float s23r = a2r + a3r;
            float s23i = a2i + a3i;
            float d23r = a2r - a3r;
            float d23i = a2i - a3i;
            yr[q] = a0r + s14r + s23r;
            yi[q] = a0i + s14i + s23i;
            float p1r = a0r + C1 * s14r + C2 * s23r;
            float p1i = a0i + C1 * s14i + C2 * s23i;
            float p2r = a0r + C2 * s14r + C1 * s23r;
            float p2i = a0i + C2 * s14i + C1 * s23i;
            float o1r = S1 * d14r + S2 * d23r;
            float o1i = S1 * d14i + S2 * d23i;
            float o2r = S2 * d14r - S1 * d23r;
            float o2i = S2 * d14i - S1 * d23i;
            yr[s + q] = p1r + o1i;
            yi[s + q] = p1i - o1r;
            yr[2 * s + q] = p2r + o2i;
            yi[2 * s + q] = p2i - o2r;
            yr[3 * s + q] = p2r - o2i;
            yi[3 * s + q] = p2i + o2r;
            yr[4 * s + q] = p1r - o1i;
            yi[4 * s + q] = p1i + o1r;
        }
    }
}
