package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.CeltTables.OVERLAP;
import static dev.siprec.codecs.opus.CeltTables.WINDOW;

/**
 * Pitch-based concealment of a lost CELT frame (RFC 6716 §4.4 leaves the method open; this is
 * the approach the reference decoder takes, written here from its description): on the first
 * loss the pitch period of the decoded history is found by normalised correlation (coarse on a
 * half-rate copy, refined at full rate) and an order-24 LPC filter is fitted to its last
 * 1024 samples; the filter's residual over the last periods is repeated period by period,
 * each period scaled by how fast the residual was decaying (and by 0.8 per further loss), and
 * filtered back through the LPC synthesis filter from the last decoded samples, so that the
 * waveform continues without a step. Louder than what it copies, it is scaled down. The
 * samples past the frame are folded as an MDCT would fold them (with the post-filter undone),
 * so that the next decoded frame's overlap cancels its aliasing against them.
 */
final class CeltConcealment {

    static final int MAX_PERIOD = 1024;
    private static final int ORDER = 24;
    private static final int MIN_LAG = 100; // 480 Hz at 48 kHz
    private static final int MAX_LAG = 720; // 67 Hz
    private static final int WINDOW_LEN = 512; // correlation length at full rate

    private final float[][] lpc = new float[2][ORDER];
    private final float[] buffer = new float[MAX_PERIOD + ORDER]; // history, then its residual
    private final float[] residual = new float[MAX_PERIOD];
    private final float[] out = new float[960 + OVERLAP];
    private final float[] decimated = new float[(WINDOW_LEN + MAX_LAG) / 2 + 4];
    private final double[] ac = new double[ORDER + 1];
    private final double[] reflection = new double[ORDER];
    private final float[] folded = new float[OVERLAP];
    private int pitch = MIN_LAG;

    /**
     * The pitch period at the end of the output history {@code mem[c][.., end)} of
     * {@code channels} channels (averaged), and each channel's LPC filter: done on the first
     * lost frame of a run.
     */
    void analyse(float[][] mem, int end, int channels) {
        int len = (WINDOW_LEN + MAX_LAG) / 2;
        int from = end - 2 * len;
        for (int i = 0; i < len; i++) {
            float s = 0;
            for (int c = 0; c < channels; c++) {
                s += mem[c][from + 2 * i] + mem[c][from + 2 * i + 1];
            }
            decimated[i] = s;
        }
        // coarse: lags 50..360 at half rate over the last 256 half-rate samples
        int w = WINDOW_LEN / 2;
        int best = MIN_LAG / 2;
        double bestScore = -1;
        for (int lag = MIN_LAG / 2; lag <= MAX_LAG / 2; lag++) {
            double xy = 0;
            double yy = 1;
            for (int i = len - w; i < len; i++) {
                float y = decimated[i - lag];
                xy += decimated[i] * y;
                yy += y * y;
            }
            double score = xy > 0 ? xy * xy / yy : 0;
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        // refined at full rate around twice the coarse lag
        int centre = 2 * best;
        bestScore = -1;
        pitch = centre;
        for (int lag = Math.max(MIN_LAG, centre - 2); lag <= Math.min(MAX_LAG, centre + 2); lag++) {
            double xy = 0;
            double yy = 1;
            for (int c = 0; c < channels; c++) {
                float[] h = mem[c];
                for (int i = end - WINDOW_LEN; i < end; i++) {
                    xy += h[i] * h[i - lag];
                    yy += h[i - lag] * h[i - lag];
                }
            }
            double score = xy > 0 ? xy * xy / yy : 0;
            if (score > bestScore) {
                bestScore = score;
                pitch = lag;
            }
        }
        for (int c = 0; c < channels; c++) {
            fitLpc(mem[c], end, lpc[c]);
        }
    }

    /** Autocorrelation of the last 1024 samples, edges windowed, lag-windowed; Levinson-Durbin. */
    private void fitLpc(float[] h, int end, float[] a) {
        int from = end - MAX_PERIOD;
        for (int i = 0; i < MAX_PERIOD; i++) {
            float v = h[from + i];
            if (i < OVERLAP) {
                v *= WINDOW[i];
            } else if (i >= MAX_PERIOD - OVERLAP) {
                v *= WINDOW[MAX_PERIOD - 1 - i];
            }
            buffer[i] = v;
        }
        for (int k = 0; k <= ORDER; k++) {
            double s = 0;
            for (int i = k; i < MAX_PERIOD; i++) {
                s += (double) buffer[i] * buffer[i - k];
            }
            ac[k] = s;
        }
        ac[0] *= 1.0001; // a noise floor 40 dB down
        for (int k = 1; k <= ORDER; k++) {
            ac[k] -= ac[k] * (0.008 * 0.008) * k * k; // lag window: a smoother spectrum, a stable filter
        }
        // A(z) = 1 + sum a[k] z^-(k+1): prediction error e[n] = x[n] + sum a[k] x[n-k-1]
        double[] r = reflection;
        java.util.Arrays.fill(r, 0);
        java.util.Arrays.fill(a, 0f);
        double err = ac[0];
        if (err <= 0) {
            return;
        }
        for (int i = 0; i < ORDER; i++) {
            double acc = ac[i + 1];
            for (int j = 0; j < i; j++) {
                acc += r[j] * ac[i - j];
            }
            double k = -acc / err;
            for (int j = 0; j < (i + 1) / 2; j++) {
                double t1 = r[j];
                double t2 = r[i - 1 - j];
                r[j] = t1 + k * t2;
                r[i - 1 - j] = t2 + k * t1;
            }
            r[i] = k;
            err *= 1 - k * k;
            if (err < 0.001 * ac[0]) {
                break; // 30 dB of prediction gain is plenty
            }
        }
        for (int j = 0; j < ORDER; j++) {
            a[j] = (float) r[j];
        }
    }

    /**
     * Conceals one frame of channel {@code c}: writes {@code n} samples after the history end
     * {@code end} of {@code h}, and the folded overlap for the next frame after them.
     *
     * @param first whether this is the run's first lost frame (later ones fade by 0.8 more)
     * @param period the post-filter's current period, gain and taps, undone on the overlap
     */
    void extrapolate(float[] h, int end, int n, int c, boolean first, int period, float gain, int tapset) {
        float[] a = lpc[c];
        int t = pitch;
        int excLen = Math.min(2 * t, MAX_PERIOD);
        int base = end - MAX_PERIOD;
        for (int i = MAX_PERIOD - excLen; i < MAX_PERIOD; i++) {
            float e = h[base + i];
            for (int k = 0; k < ORDER; k++) {
                e += a[k] * h[base + i - 1 - k];
            }
            residual[i] = e;
        }
        // how fast the residual was decaying, period to period: never let it grow
        int half = excLen >> 1;
        double e1 = 1;
        double e2 = 1;
        for (int i = 0; i < half; i++) {
            float v = residual[MAX_PERIOD - half + i];
            e1 += v * v;
            v = residual[MAX_PERIOD - 2 * half + i];
            e2 += v * v;
        }
        float decay = (float) Math.sqrt(Math.min(e1, e2) / e2);
        int len = n + OVERLAP;
        float attenuation = (first ? 1f : 0.8f) * decay;
        double copied = 0;
        int from = MAX_PERIOD - t;
        for (int i = 0, j = 0; i < len; i++, j++) {
            if (j >= t) {
                j -= t;
                attenuation *= decay;
            }
            out[i] = attenuation * residual[from + j];
            float source = h[end - t + j];
            copied += source * source;
        }
        // back through 1/A(z), continuing from the last decoded samples
        for (int i = 0; i < len; i++) {
            float y = out[i];
            for (int k = 0; k < ORDER; k++) {
                int idx = i - 1 - k;
                y -= a[k] * (idx >= 0 ? out[idx] : h[end + idx]);
            }
            out[i] = y;
        }
        double made = 0;
        for (int i = 0; i < len; i++) {
            made += out[i] * out[i];
        }
        if (!(copied > 0.2 * made)) {
            java.util.Arrays.fill(out, 0, len, 0f); // unstable or far too loud: silence
        } else if (copied < made) {
            float ratio = (float) Math.sqrt((copied + 1) / (made + 1));
            for (int i = 0; i < OVERLAP; i++) {
                out[i] *= 1 - WINDOW[i] * (1 - ratio);
            }
            for (int i = OVERLAP; i < len; i++) {
                out[i] *= ratio;
            }
        }
        System.arraycopy(out, 0, h, end, n);
        // the overlap as the next frame's post-filter must find it: that filter undone (FIR)
        int p = Math.max(period, CeltTables.MIN_PERIOD);
        float g0 = gain * CeltDecoder.POSTFILTER_GAINS[tapset][0];
        float g1 = gain * CeltDecoder.POSTFILTER_GAINS[tapset][1];
        float g2 = gain * CeltDecoder.POSTFILTER_GAINS[tapset][2];
        for (int i = 0; i < OVERLAP; i++) {
            int at = n + i - p;
            folded[i] = out[n + i] - g0 * sample(h, end, at) - g1 * (sample(h, end, at + 1) + sample(h, end, at - 1))
                    - g2 * (sample(h, end, at + 2) + sample(h, end, at - 2));
        }
        // then folded as an MDCT frame's windowed tail is, y = f (f x + f' x'), f the falling window
        for (int i = 0; i < OVERLAP; i++) {
            float f = WINDOW[OVERLAP - 1 - i];
            h[end + n + i] = f * (f * folded[i] + WINDOW[i] * folded[OVERLAP - 1 - i]);
        }
    }

    private float sample(float[] h, int end, int idx) {
        return idx >= 0 ? out[idx] : h[end + idx];
    }
}
