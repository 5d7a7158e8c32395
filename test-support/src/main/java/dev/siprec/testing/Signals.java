package dev.siprec.testing;

/** Measurements on recorded PCM that the tests of several modules share. */
public final class Signals {

    private Signals() {
    }

    /**
     * Power of one frequency in {@code x[from, from+n)} (Goertzel), to tell which tone a channel
     * carries without an FFT.
     */
    public static double power(short[] x, int from, int n, double hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < from + n; i++) {
            double s = x[i] + k * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2;
    }

    /** Index of the first sample louder than the G.711 idle noise, or -1 for silence. */
    public static int firstSound(short[] x) {
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) > 200) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The share of a signal's energy above {@code hz}, in dB (10 log10 of energy above over
     * total), from Hann-windowed 4096-point FFTs over {@code x[from, from+n)}, half overlapped.
     * A clean 8 kHz codec up-sampled has nothing above 4 kHz but the converter's stopband
     * leakage (below -60 dB); a hole or a step at a packet boundary spreads over every band.
     */
    public static double energyAboveDb(short[] x, int from, int n, int rate, double hz) {
        int size = 4096;
        double[] re = new double[size];
        double[] im = new double[size];
        double above = 0;
        double total = 0;
        int cut = (int) Math.ceil(hz * size / rate);
        for (int start = from; start + size <= from + n; start += size / 2) {
            for (int i = 0; i < size; i++) {
                double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / size);
                re[i] = x[start + i] * w;
                im[i] = 0;
            }
            fft(re, im);
            for (int k = 1; k < size / 2; k++) {
                double e = re[k] * re[k] + im[k] * im[k];
                total += e;
                if (k >= cut) {
                    above += e;
                }
            }
        }
        return total == 0 ? Double.NEGATIVE_INFINITY : 10 * Math.log10(Math.max(above, 1e-30) / total);
    }

    /** In-place radix-2 FFT (length a power of two). */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double angle = -2 * Math.PI / len;
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < len / 2; k++) {
                    double c = Math.cos(angle * k);
                    double s = Math.sin(angle * k);
                    int a = i + k;
                    int b = a + len / 2;
                    double tr = re[b] * c - im[b] * s;
                    double ti = re[b] * s + im[b] * c;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
