package dev.siprec.media;

/**
 * Converts decoded PCM to the session's output rate by an integer ratio: linear
 * interpolation up, block averaging down. Deliberately simple; it keeps one sample of state
 * so that interpolation is continuous across packets. A band-limited resampler replaces it
 * with the media pipeline work (see docs/architecture.md).
 */
final class RateConverter {

    private final int up;
    private final int down;
    private int previous;

    RateConverter(int inputRate, int outputRate) {
        if (outputRate % inputRate == 0) {
            up = outputRate / inputRate;
            down = 1;
        } else if (inputRate % outputRate == 0) {
            up = 1;
            down = inputRate / outputRate;
        } else {
            throw new IllegalArgumentException("no integer ratio between " + inputRate + " and " + outputRate + " Hz");
        }
    }

    /** Output samples produced for {@code inputSamples} input samples. */
    int outputLength(int inputSamples) {
        return inputSamples * up / down;
    }

    /** Converts {@code n} samples from {@code in} into {@code out}; returns samples written. */
    int convert(short[] in, int n, short[] out) {
        if (up == 1 && down == 1) {
            System.arraycopy(in, 0, out, 0, n);
            return n;
        }
        int w = 0;
        if (up > 1) {
            int prev = previous;
            for (int i = 0; i < n; i++) {
                int cur = in[i];
                for (int k = 1; k <= up; k++) {
                    out[w++] = (short) (prev + (cur - prev) * k / up);
                }
                prev = cur;
            }
            previous = prev;
            return w;
        }
        for (int i = 0; i + down <= n; i += down) {
            int sum = 0;
            for (int k = 0; k < down; k++) {
                sum += in[i + k];
            }
            out[w++] = (short) (sum / down);
        }
        return w;
    }

    void reset() {
        previous = 0;
    }
}
