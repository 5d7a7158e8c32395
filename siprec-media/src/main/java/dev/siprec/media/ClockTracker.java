package dev.siprec.media;

/**
 * Where a leg's least delayed packets put it, and how fast that moves: the lower envelope of
 * the offsets between each packet's arrival and the place its RTP timestamp gives it, as a line
 * over the last seconds.
 *
 * <p>Network delay only ever adds to an offset, so the smallest offsets show the sender's clock
 * against ours: constant for equal clocks, a line with a slope for a sender whose clock runs
 * fast (negative) or slow (positive). Each half second the smallest offset (after removing the
 * slope known so far) is kept; a least-squares line through the last 16 of them, fitted again
 * without the points that sit well above it (a stall that delayed a whole half second), gives
 * the slope and the envelope now. Until three are in, the smallest offset so far is the
 * envelope and the slope is 0. All in output samples; no allocation.
 */
final class ClockTracker {

    private static final int POINTS = 16;

    private final long window;
    private final long tolerance; // how far above the line a point may sit and still count
    private final double[] times = new double[POINTS];
    private final double[] mins = new double[POINTS];
    private final boolean[] use = new boolean[POINTS];
    private int count;
    private int head;
    private boolean open;
    private long origin; // time 0 of the fit
    private long windowEnd;
    private double windowMin;
    private double runningMin;
    private double slope;
    private double intercept; // the envelope at origin
    private boolean fitted;

    /** For a leg at {@code outputRate} samples per second. */
    ClockTracker(int outputRate) {
        this.window = outputRate / 2;
        this.tolerance = outputRate * 3L / 1000;
    }

    /** Forgets everything (a new source or anchor). */
    void reset() {
        count = 0;
        head = 0;
        open = false;
        fitted = false;
        slope = 0;
    }

    /** One packet: it arrived at {@code arrival}, {@code offset} after the place its timestamp gives it. */
    void add(long arrival, long offset) {
        if (!open) {
            open = true;
            origin = arrival;
            windowEnd = arrival + window;
            windowMin = Double.POSITIVE_INFINITY;
            runningMin = offset;
        }
        if (arrival >= windowEnd) {
            close();
            windowEnd = arrival - windowEnd >= window ? arrival + window : windowEnd + window;
        }
        windowMin = Math.min(windowMin, offset - slope * (arrival - origin));
        runningMin = Math.min(runningMin, offset);
    }

    private void close() {
        if (windowMin == Double.POSITIVE_INFINITY) {
            return;
        }
        double t = windowEnd - window / 2.0 - origin;
        times[head] = t;
        mins[head] = windowMin + slope * t;
        head = (head + 1) % POINTS;
        count = Math.min(POINTS, count + 1);
        windowMin = Double.POSITIVE_INFINITY;
        if (count >= 3) {
            java.util.Arrays.fill(use, true);
            fit();
            // again without the points well above the line: windows in which every packet was held up
            boolean dropped = false;
            for (int i = 0; i < count; i++) {
                if (mins[i] - (intercept + slope * times[i]) > tolerance) {
                    use[i] = false;
                    dropped = true;
                }
            }
            if (dropped) {
                fit();
            }
            fitted = true;
        }
    }

    private void fit() {
        double n = 0;
        double st = 0;
        double sm = 0;
        for (int i = 0; i < count; i++) {
            if (use[i]) {
                n++;
                st += times[i];
                sm += mins[i];
            }
        }
        if (n < 2) {
            return;
        }
        double tm = st / n;
        double mm = sm / n;
        double stt = 0;
        double stm = 0;
        for (int i = 0; i < count; i++) {
            if (use[i]) {
                stt += (times[i] - tm) * (times[i] - tm);
                stm += (times[i] - tm) * (mins[i] - mm);
            }
        }
        slope = stt == 0 ? 0 : stm / stt;
        intercept = mm - slope * tm;
    }

    /** The envelope at time {@code at}: the offset of a packet that met no delay. */
    double envelope(long at) {
        if (!open) {
            return 0;
        }
        if (!fitted) {
            return runningMin;
        }
        return intercept + slope * (at - origin);
    }

    /** How fast the envelope moves: output samples per output sample (the sender's clock error, negated). */
    double slope() {
        return fitted ? slope : 0;
    }

    /** Moves everything measured by {@code samples} (the anchor moved the other way). */
    void shift(long samples) {
        intercept += samples;
        runningMin += samples;
        windowMin += samples;
        for (int i = 0; i < count; i++) {
            mins[i] += samples;
        }
    }
}
