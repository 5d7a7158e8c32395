package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Quality of the rate converter, measured with sine tones fed in 20 ms blocks (as the media
 * path does): gain in the passband, and how far images (up-sampling) and aliases
 * (down-sampling) are pushed down.
 */
class RateConverterTest {

    /** Level of one frequency in dB relative to full scale amplitude 1, over the steady part. */
    static double levelDb(short[] y, int rate, double hz) {
        int from = y.length / 4;
        int n = y.length / 2;
        double re = 0;
        double im = 0;
        double windowSum = 0;
        for (int i = 0; i < n; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)); // Hann
            double a = 2 * Math.PI * hz * (from + i) / rate;
            re += w * y[from + i] * Math.cos(a);
            im += w * y[from + i] * Math.sin(a);
            windowSum += w;
        }
        double amplitude = 2 * Math.hypot(re, im) / windowSum;
        return 20 * Math.log10(Math.max(amplitude, 1e-9));
    }

    static double db(double amplitude) {
        return 20 * Math.log10(amplitude);
    }

    @Test
    void equalRatesAreAnExactCopy() {
        RateConverter c = new RateConverter(16000, 16000);
        short[] x = {1, -2, 3, 32767, -32768};
        short[] y = new short[5];
        assertThat(c.convert(x, 5, y)).isEqualTo(5);
        assertThat(y).isEqualTo(x);
        assertThat(c.latency()).isZero();
    }

    @Test
    void upsamplingKeepsThePassbandAndRejectsImages() {
        int[][] pairs = {{8000, 16000}, {8000, 48000}, {16000, 48000}, {12000, 16000}, {24000, 48000}};
        for (int[] p : pairs) {
            for (double hz : new double[] {300, 1000, 0.4 * p[0]}) {
                short[] y = convertTone(p[0], p[1], hz);
                assertThat(levelDb(y, p[1], hz) - db(10000)).as("%d->%d passband at %.0f Hz", p[0], p[1], hz)
                        .isBetween(-0.1, 0.1);
                double image = p[0] - hz; // the first image of zero stuffing
                assertThat(levelDb(y, p[1], image) - db(10000)).as("%d->%d image at %.0f Hz", p[0], p[1], image)
                        .isLessThan(-70);
            }
        }
    }

    @Test
    void downsamplingRejectsAliases() {
        int[][] pairs = {{16000, 8000}, {48000, 8000}, {48000, 16000}, {16000, 12000}};
        for (int[] p : pairs) {
            short[] pass = convertTone(p[0], p[1], 1000);
            assertThat(levelDb(pass, p[1], 1000) - db(10000)).as("%d->%d passband", p[0], p[1]).isBetween(-0.1, 0.1);
            double above = 0.6 * p[1]; // above the output's Nyquist: would alias to 0.4 x out
            short[] y = convertTone(p[0], p[1], above);
            assertThat(levelDb(y, p[1], p[1] - above) - db(10000)).as("%d->%d alias of %.0f Hz", p[0], p[1], above)
                    .isLessThan(-70);
        }
    }

    @Test
    void latencyIsConstantAndKnown() {
        RateConverter c = new RateConverter(8000, 16000);
        short[] impulse = new short[160];
        impulse[0] = 10000;
        short[] y = new short[c.outputLength(160)];
        int n = c.convert(impulse, 160, y);
        int peak = 0;
        for (int i = 1; i < n; i++) {
            if (Math.abs(y[i]) > Math.abs(y[peak])) {
                peak = i;
            }
        }
        assertThat(Math.abs(peak - c.latency())).isLessThanOrEqualTo(1);
    }

    /** A 1 s tone through the converter in 20 ms blocks. */
    static short[] convertTone(int in, int out, double hz) {
        RateConverter c = new RateConverter(in, out);
        int block = in / 50;
        short[] x = new short[block];
        short[] part = new short[c.outputLength(block)];
        short[] y = new short[out + part.length * 2];
        int w = 0;
        for (int done = 0; done < in; done += block) {
            for (int i = 0; i < block; i++) {
                x[i] = (short) Math.round(10000 * Math.sin(2 * Math.PI * hz * (done + i) / in));
            }
            int n = c.convert(x, block, part);
            System.arraycopy(part, 0, y, w, n);
            w += n;
        }
        assertThat(w).isBetween(out - 2, out + 2);
        return java.util.Arrays.copyOf(y, w);
    }
}
