package dev.siprec.codecs;

/**
 * Waveform-domain packet loss concealment for decoders without one of their own: repeats
 * the last pitch period of the decoded output, fades it to silence, and cross-fades back
 * into the decoded signal when packets return.
 *
 * <ul>
 *   <li>The pitch period is the lag (2.5 to 20 ms) with the highest normalised
 *       autocorrelation over the last 10 ms: repeating one period continues a voiced signal
 *       without a step, where repeating an arbitrary block would click.</li>
 *   <li>Gain: full for the first 10 ms of a loss, then a per-sample linear ramp down, silent
 *       from 60 ms on, so a long loss fades out instead of buzzing.</li>
 *   <li>After a loss, the first 10 ms of decoded audio are cross-faded from the concealment's
 *       own continuation.</li>
 * </ul>
 *
 * One instance per stream, fed every decoded block through {@link #remember}. No allocation
 * after construction.
 */
final class PitchConcealer {

    private final int rate;
    private final short[] history; // the most recent output, oldest first
    private final int minLag;
    private final int maxLag;
    private final int window;
    private final int fullGainSamples;
    private final int silentAfter;
    private final short[] fade;
    private int filled;
    private int lag; // pitch period of the current loss, 0 when not concealing
    private int phase; // position within the repeated period
    private int concealed; // samples concealed in the current loss
    private int fadeLeft; // samples of cross-fade still to apply after the loss
    private final int seam; // samples over which a seam correction ramps out
    private int seamOffset; // predicted next sample minus the period's first sample

    PitchConcealer(int sampleRate) {
        this.rate = sampleRate;
        this.minLag = sampleRate / 400 + 1; // just over 2.5 ms, longer than a seam
        this.maxLag = sampleRate / 50; // 20 ms
        this.window = sampleRate / 100; // 10 ms
        this.history = new short[maxLag + window];
        this.fullGainSamples = sampleRate / 100;
        this.silentAfter = sampleRate * 60 / 1000;
        this.fade = new short[sampleRate / 100]; // 10 ms
        this.seam = sampleRate / 400; // 2.5 ms
    }

    /** Records decoded output; cross-fades its start if it follows a loss. */
    void remember(short[] out, int offset, int n) {
        if (fadeLeft > 0) {
            int k = Math.min(fadeLeft, n);
            int done = fade.length - fadeLeft;
            for (int i = 0; i < k; i++) {
                int w = done + i + 1; // weight of the decoded signal, out of fade.length
                out[offset + i] = (short) ((fade[done + i] * (fade.length - w) + out[offset + i] * w) / fade.length);
            }
            fadeLeft -= k;
        }
        lag = 0;
        concealed = 0;
        append(out, offset, n);
    }

    /** Writes {@code n} concealment samples. */
    void conceal(short[] out, int offset, int n) {
        if (lag == 0) {
            lag = filled < history.length ? 0 : pitchLag();
            phase = 0;
            if (lag != 0) {
                // every seam (loss start, then each wrap of the period) goes from the last real
                // sample to the period's first; a linear prediction of the next real sample tells
                // how far off that is, and the offset is ramped out over a few samples
                int last = history[history.length - 1];
                int predicted = 2 * last - history[history.length - 2];
                seamOffset = predicted - history[history.length - lag];
            }
            if (lag == 0) {
                java.util.Arrays.fill(out, offset, offset + n, (short) 0);
                concealed += n;
                return;
            }
        }
        for (int i = 0; i < n; i++) {
            out[offset + i] = next();
        }
        // the concealment's continuation, for the cross-fade into the next decoded block
        int savedPhase = phase;
        int savedConcealed = concealed;
        for (int i = 0; i < fade.length; i++) {
            fade[i] = next();
        }
        phase = savedPhase;
        concealed = savedConcealed;
        fadeLeft = fade.length;
        // the history stays as it was before the loss: a longer loss keeps repeating the same
        // period with a continuing phase and gain ramp
    }

    private short next() {
        int start = history.length - lag;
        int v = history[start + phase];
        if (phase < seam) {
            v += seamOffset * (seam - phase) / seam;
        }
        phase = phase + 1 == lag ? 0 : phase + 1;
        int gain;
        if (concealed < fullGainSamples) {
            gain = 1024;
        } else if (concealed >= silentAfter) {
            gain = 0;
        } else {
            gain = 1024 - (int) (1024L * (concealed - fullGainSamples) / (silentAfter - fullGainSamples));
        }
        concealed++;
        v = (v * gain) >> 10;
        return (short) Math.max(-32768, Math.min(32767, v));
    }

    /** The lag in [minLag, maxLag] whose normalised correlation with the last window is highest. */
    private int pitchLag() {
        int end = history.length;
        int best = maxLag / 2;
        double bestScore = -1;
        for (int t = minLag; t <= maxLag; t++) {
            long xy = 0;
            long yy = 0;
            for (int i = end - window; i < end; i++) {
                int x = history[i];
                int y = history[i - t];
                xy += (long) x * y;
                yy += (long) y * y;
            }
            if (yy == 0) {
                continue;
            }
            double score = xy <= 0 ? -((double) xy * xy) / yy : ((double) xy * xy) / yy;
            if (score > bestScore) {
                bestScore = score;
                best = t;
            }
        }
        return best;
    }

    private void append(short[] src, int offset, int n) {
        if (n >= history.length) {
            System.arraycopy(src, offset + n - history.length, history, 0, history.length);
        } else {
            System.arraycopy(history, n, history, 0, history.length - n);
            System.arraycopy(src, offset, history, history.length - n, n);
        }
        filled = Math.min(history.length, filled + n);
    }

    void reset() {
        java.util.Arrays.fill(history, (short) 0);
        filled = 0;
        lag = 0;
        concealed = 0;
        fadeLeft = 0;
    }
}
