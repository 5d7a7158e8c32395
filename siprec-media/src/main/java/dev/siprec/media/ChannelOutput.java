package dev.siprec.media;

/**
 * One output channel of a stream: the decoder's samples converted to the output rate, time
 * scaled while the stream glides to its place, and written into a ring indexed by timeline
 * position, which the frame clock drains ({@link #drainInto}). A mono stream has one; a stereo
 * stream recorded as two channels has one per side, driven in lockstep. On the loop.
 */
final class ChannelOutput {

    private final short[] ring;
    private final int mask;
    private final TimeScaler scaler = new TimeScaler();
    private RateConverter converter;
    private short[] converted;
    private short[] scaled;

    /** @param ringSize a power of two: how far ahead of the frame being delivered audio may be written */
    ChannelOutput(int ringSize) {
        this.ring = new short[ringSize];
        this.mask = ringSize - 1;
    }

    /** Conversion from {@code codecRate} for blocks of up to {@code maxSamples} (a new decoder). */
    void tune(int codecRate, int outputRate, int maxSamples) {
        converter = new RateConverter(codecRate, outputRate);
        converted = new short[converter.outputLength(maxSamples) + 8];
        scaled = new short[(int) (converted.length * (1 + TimeScaler.MAX_SPEED)) + 4 * TimeScaler.HALF];
    }

    /** How far ahead of the frame being delivered audio may be written. */
    int capacity() {
        return ring.length;
    }

    /** The converter's constant delay, in output samples. */
    int latency() {
        return converter.latency();
    }

    /** A new source: no filter or scaler history carries over. */
    void reset() {
        converter.reset();
        scaler.reset();
    }

    /** Converts {@code n} decoded samples; returns how many output samples that gave. */
    int convert(short[] decoded, int n) {
        return converter.convert(decoded, n, converted);
    }

    /** Keeps the last {@code m} converted samples as the scaler's history (placed as they are). */
    void remember(int m) {
        scaler.remember(converted, m);
    }

    /** Scales the last {@code m} converted samples at {@code speed}; returns how many came out. */
    int scale(int m, double speed) {
        return scaler.process(converted, m, speed, scaled);
    }

    /** Scales out what the scaler holds; returns how many samples came out. */
    int flushScaler() {
        return scaler.flush(scaled);
    }

    /** Samples the scaler holds back for its next block. */
    double held() {
        return scaler.held();
    }

    long samplesInserted() {
        return scaler.inserted();
    }

    long samplesDropped() {
        return scaler.dropped();
    }

    /**
     * Writes {@code n} samples, the converted ones or (with {@code scaledOnes}) the scaled ones,
     * at timeline position {@code at}; what falls before {@code windowStart} was delivered already.
     */
    void place(long at, long windowStart, int n, boolean scaledOnes) {
        short[] from = scaledOnes ? scaled : converted;
        long start = Math.max(at, windowStart);
        long end = Math.min(at + n, windowStart + ring.length);
        for (long p = start; p < end; p++) {
            ring[(int) (p & mask)] = from[(int) (p - at)];
        }
    }

    /** Holds the sample before {@code from} over {@code [from, to)}. */
    void hold(long from, long to) {
        short hold = ring[(int) ((from - 1) & mask)];
        for (long p = from; p < to; p++) {
            ring[(int) (p & mask)] = hold;
        }
    }

    /** Sets one sample (comfort noise). */
    void set(long position, short sample) {
        ring[(int) (position & mask)] = sample;
    }

    /**
     * Adds samples {@code [start, end)} into channel {@code channel} of the interleaved frame
     * {@code out} (saturating), and clears them from the ring. Added, not assigned: a channel
     * can be fed by more than one stream over time (one that took over the channel of a removed
     * one), and the frame starts as silence.
     */
    void drainInto(long start, long end, short[] out, int channels, int channel) {
        for (long p = start; p < end; p++) {
            int idx = (int) (p & mask);
            int o = (int) (p - start) * channels + channel;
            int v = out[o] + ring[idx];
            out[o] = (short) (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
            ring[idx] = 0;
        }
    }
}
