package dev.siprec.codecs;

/**
 * Waveform-domain packet loss concealment for decoders without one of their own, on the plan of
 * ITU-T G.711 Appendix I: repeat the last pitch periods of the decoded output, fade them to
 * silence, and overlap into the decoded signal when packets return.
 *
 * <ul>
 *   <li>The pitch period is the lag (2.5 to 20 ms) with the highest normalised
 *       autocorrelation over the last 10 ms: repeating whole periods continues a voiced signal
 *       without a step, where repeating an arbitrary block would click.</li>
 *   <li>As in Appendix I, the first 10 ms of a loss repeat one period, the next 10 ms two,
 *       and from 20 ms on three (each switch overlap-added over a quarter period), so a longer
 *       loss does not buzz on one period.</li>
 *   <li>Gain: full for the first 10 ms of a loss, then a per-sample linear ramp down, silent
 *       from 60 ms on (Appendix I: 20% per 10 ms), so a long loss fades out.</li>
 *   <li>After a loss, the first decoded samples are cross-faded from the concealment's own
 *       continuation, over 4 ms plus 4 ms per further 10 ms lost, at most 10 ms (Appendix I).</li>
 * </ul>
 *
 * Unlike Appendix I it adds no output delay (3.75 ms there, to overlap the loss's start into
 * audio not yet played): the step at the start of a loss is ramped out over 2.5 ms from a
 * linear prediction instead, so that decoded audio keeps its place across timestamp gaps.
 * One instance per stream, fed every decoded block through {@link #remember}. No allocation
 * after construction.
 */
public final class PitchConcealer {

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
    private int fadeLength; // its whole length
    private final int seam; // samples over which a seam correction ramps out
    private int seamOffset; // predicted next sample minus the pattern's first sample, for each wrap
    private int rampOffset; // the offset being ramped out since the last wrap (or the loss's start)
    private int periods; // periods repeated now: 1, then 2 after 10 ms, 3 after 20 ms
    private int blendLeft; // samples of the quarter-period overlap after a switch still to go
    private int blendLength;
    private final short[] blend; // the old pattern's continuation over the overlap
    private final short[] savedBlend; // blend, kept while the cross-fade's look-ahead runs
    private final int fadeStep; // recovery cross-fade per 10 ms lost (Appendix I: 4 ms)

    /** A concealer for mono PCM at {@code sampleRate} Hz. */
    public PitchConcealer(int sampleRate) {
        this.rate = sampleRate;
        this.minLag = sampleRate / 400 + 1; // just over 2.5 ms, longer than a seam
        this.maxLag = sampleRate / 50; // 20 ms
        this.window = sampleRate / 100; // 10 ms
        this.history = new short[3 * maxLag + window]; // three periods and the correlation window
        this.fullGainSamples = sampleRate / 100;
        this.silentAfter = sampleRate * 60 / 1000;
        this.fade = new short[sampleRate / 100]; // 10 ms
        this.seam = sampleRate / 400; // 2.5 ms
        this.blend = new short[maxLag / 4 + 1];
        this.savedBlend = new short[blend.length];
        this.fadeStep = sampleRate / 250; // 4 ms
    }

    /** Records decoded output; cross-fades its start if it follows a loss. */
    public void remember(short[] out, int offset, int n) {
        if (fadeLeft > 0) {
            int k = Math.min(fadeLeft, n);
            int done = fadeLength - fadeLeft;
            for (int i = 0; i < k; i++) {
                int w = done + i + 1; // weight of the decoded signal, out of fadeLength
                out[offset + i] = (short) ((fade[done + i] * (fadeLength - w) + out[offset + i] * w) / fadeLength);
            }
            fadeLeft -= k;
        }
        lag = 0;
        concealed = 0;
        append(out, offset, n);
    }

    /** Writes {@code n} concealment samples. */
    public void conceal(short[] out, int offset, int n) {
        if (lag == 0) {
            lag = filled < window + maxLag ? 0 : pitchLag();
            phase = 0;
            periods = 1;
            blendLeft = 0;
            if (lag != 0) {
                // every seam (loss start, then each wrap of the period) goes from the last real
                // sample to the period's first; a linear prediction of the next real sample tells
                // how far off that is, and the offset is ramped out over a few samples
                int last = history[history.length - 1];
                int predicted = 2 * last - history[history.length - 2];
                seamOffset = predicted - history[history.length - lag];
                rampOffset = seamOffset;
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
        // the concealment's continuation, for the cross-fade into the next decoded block: 4 ms
        // and 4 ms per further 10 ms lost, at most 10 ms (G.711 Appendix I)
        int savedPhase = phase;
        int savedConcealed = concealed;
        int savedPeriods = periods;
        int savedBlendLeft = blendLeft;
        int savedBlendLength = blendLength;
        int savedSeamOffset = seamOffset;
        int savedRampOffset = rampOffset;
        System.arraycopy(blend, 0, savedBlend, 0, blend.length);
        fadeLength = Math.min(fade.length, fadeStep * ((concealed + window - 1) / window));
        for (int i = 0; i < fadeLength; i++) {
            fade[i] = next();
        }
        phase = savedPhase;
        concealed = savedConcealed;
        periods = savedPeriods;
        blendLeft = savedBlendLeft;
        blendLength = savedBlendLength;
        seamOffset = savedSeamOffset;
        rampOffset = savedRampOffset;
        System.arraycopy(savedBlend, 0, blend, 0, blend.length);
        fadeLeft = fadeLength;
        // the history stays as it was before the loss: a longer loss keeps repeating the same
        // period with a continuing phase and gain ramp
    }

    private short next() {
        if ((concealed == window || concealed == 2 * window) && periods < 3 && filled >= (periods + 1) * lag + 2) {
            widen();
        }
        int length = periods * lag;
        int start = history.length - length;
        int v = history[start + phase];
        if (phase < seam) {
            v += rampOffset * (seam - phase) / seam;
        }
        if (blendLeft > 0) { // overlap-add from the old pattern into the wider one
            int w = blendLength - blendLeft + 1;
            v = (blend[blendLength - blendLeft] * (blendLength + 1 - w) + v * w) / (blendLength + 1);
            blendLeft--;
        }
        if (phase + 1 == length) {
            phase = 0;
            rampOffset = seamOffset; // a wrap: from the last real sample to the pattern's first
        } else {
            phase++;
        }
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

    /**
     * Repeats one more period from here on (G.711 Appendix I, at 10 and 20 ms into a loss): the
     * same phase one period further back, overlap-added over a quarter period with what the
     * old pattern would have played.
     */
    private void widen() {
        blendLength = Math.max(1, lag / 4);
        int oldLength = periods * lag;
        int oldStart = history.length - oldLength;
        for (int i = 0, p = phase; i < blendLength; i++) {
            int v = history[oldStart + p];
            if (p < seam) {
                v += (p >= phase ? rampOffset : seamOffset) * (seam - p) / seam;
            }
            blend[i] = (short) Math.max(-32768, Math.min(32767, v));
            p = p + 1 == oldLength ? 0 : p + 1;
        }
        blendLeft = blendLength;
        periods++;
        // the wider pattern's wraps go from the last real sample to a sample one more period
        // back; a ramp in progress runs out as it was
        int last = history[history.length - 1];
        int predicted = 2 * last - history[history.length - 2];
        seamOffset = predicted - history[history.length - periods * lag];
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

    /** Forgets the history, as after a change of source. */
    public void reset() {
        java.util.Arrays.fill(history, (short) 0);
        filled = 0;
        lag = 0;
        concealed = 0;
        fadeLeft = 0;
    }
}
