package dev.siprec.core;

/**
 * Latency from packet arrival to the application: for each delivered frame, the time from the
 * arrival of the oldest packet decoded into it to the start of its
 * {@link RecordingListener#onAudio} call. It includes the playout (jitter buffer) delay, the
 * frame duration and any time spent waiting for the listener.
 *
 * @param frames frames measured (those that held received audio)
 * @param meanMillis mean latency, 0 when none was measured
 * @param maxMillis highest latency, 0 when none was measured
 */
public record LatencyStats(long frames, double meanMillis, double maxMillis) {

    /** Nothing measured. */
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0);
}
