package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FFT and the inverse MDCT against their definitions, computed directly in double. */
class CeltMdctTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 8, 12, 15, 30, 60, 120, 240, 480, 100, 72})
    void fftIsTheDft(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] re = new float[n];
        float[] im = new float[n];
        for (int k = 0; k < n; k++) {
            re[k] = (float) (rnd.nextDouble() * 2 - 1);
            im[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] outRe = new float[n];
        float[] outIm = new float[n];
        new ComplexFft(n).forward(re, im, outRe, outIm);
        double worst = 0;
        for (int j = 0; j < n; j++) {
            double sr = 0;
            double si = 0;
            for (int k = 0; k < n; k++) {
                double a = -2 * Math.PI * ((long) j * k % n) / n;
                sr += re[k] * Math.cos(a) - im[k] * Math.sin(a);
                si += re[k] * Math.sin(a) + im[k] * Math.cos(a);
            }
            worst = Math.max(worst, Math.hypot(outRe[j] - sr, outIm[j] - si));
        }
        // single precision over up to log(n) stages: well under 1e-5 of the inputs' scale sqrt(n)
        assertThat(worst).as("largest error, n = %d", n).isLessThan(1e-5 * Math.sqrt(n) * 10);
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 14, 0, -4})
    void otherSizesAreRefused(int n) {
        assertThatThrownBy(() -> new ComplexFft(n)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {120, 240, 480, 960})
    void inverseMdctIsItsDefinition(int m) {
        SplittableRandom rnd = new SplittableRandom(m);
        int stride = 3; // read as one of three interleaved blocks, as CELT's short blocks are
        float[] x = new float[m * stride];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] y = new float[2 * m + 5];
        new CeltMdct(m).inverse(x, 1, stride, y, 5);
        double worst = 0;
        double peak = 0;
        for (int n = 0; n < 2 * m; n++) {
            double s = 0;
            for (int k = 0; k < m; k++) {
                s += x[1 + k * stride] * Math.cos(2 * Math.PI / (2 * m) * (n + 0.5 + m / 2.0) * (k + 0.5));
            }
            worst = Math.max(worst, Math.abs(y[5 + n] - s));
            peak = Math.max(peak, Math.abs(s));
        }
        assertThat(worst / peak).as("largest error relative to the peak, m = %d", m).isLessThan(1e-5);
    }

    /** Time-domain aliasing cancels: windowed overlap-add of consecutive blocks gives the input back. */
    @ParameterizedTest
    @ValueSource(ints = {120, 960})
    void overlapAddReconstructs(int m) {
        SplittableRandom rnd = new SplittableRandom(7 * m);
        int blocks = 6;
        double[] signal = new double[(blocks + 1) * m];
        for (int i = 0; i < signal.length; i++) {
            signal[i] = rnd.nextDouble() * 2 - 1;
        }
        // the sine window (Princen-Bradley): w[n]^2 + w[n+m]^2 = 1
        double[] w = new double[2 * m];
        for (int n = 0; n < 2 * m; n++) {
            w[n] = Math.sin(Math.PI / (2 * m) * (n + 0.5));
        }
        CeltMdct mdct = new CeltMdct(m);
        double[] out = new double[signal.length];
        float[] x = new float[m];
        float[] y = new float[2 * m];
        for (int b = 0; b < blocks; b++) {
            // forward MDCT by its definition, then our inverse, windowed and scaled by 2/m
            for (int k = 0; k < m; k++) {
                double s = 0;
                for (int n = 0; n < 2 * m; n++) {
                    s += w[n] * signal[b * m + n] * Math.cos(2 * Math.PI / (2 * m) * (n + 0.5 + m / 2.0) * (k + 0.5));
                }
                x[k] = (float) s;
            }
            mdct.inverse(x, 0, 1, y, 0);
            for (int n = 0; n < 2 * m; n++) {
                out[b * m + n] += w[n] * y[n] * 2 / m;
            }
        }
        double worst = 0;
        for (int i = m; i < blocks * m; i++) { // the first and last half-blocks lack a partner
            worst = Math.max(worst, Math.abs(out[i] - signal[i]));
        }
        assertThat(worst).isLessThan(1e-4);
    }
}
