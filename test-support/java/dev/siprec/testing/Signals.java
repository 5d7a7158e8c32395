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
}
