package dev.siprec.core;

import java.util.Arrays;

/**
 * A frame of time-aligned PCM: 16-bit signed samples, interleaved, one channel per recorded
 * stream (see {@link RecordingSession#channels()}).
 *
 * <p>Valid only during {@link RecordingListener#onAudio}: the samples array is reused for the
 * next frame. Use {@link #copy()} to keep it.
 */
public final class AudioFrame {

    private final int sampleRate;
    private final int channels;
    private short[] samples;
    private int samplesPerChannel;
    private long position;

    /** A frame over {@code samples}; the library creates these, tests and tools may too. */
    public AudioFrame(int sampleRate, int channels, short[] samples, int samplesPerChannel, long position) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.samples = samples;
        this.samplesPerChannel = samplesPerChannel;
        this.position = position;
    }

    void set(short[] samples, int samplesPerChannel, long position) {
        this.samples = samples;
        this.samplesPerChannel = samplesPerChannel;
        this.position = position;
    }

    /** Samples per second per channel. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Number of interleaved channels. */
    public int channels() {
        return channels;
    }

    /** Samples per channel in this frame. */
    public int samplesPerChannel() {
        return samplesPerChannel;
    }

    /**
     * Position of the frame's first sample on the session timeline, in samples per channel
     * since the session was answered. Consecutive frames are contiguous.
     */
    public long position() {
        return position;
    }

    /** The interleaved samples; the first {@code samplesPerChannel * channels} are valid. */
    public short[] samples() {
        return samples;
    }

    /** One sample of one channel. */
    public short sample(int channel, int index) {
        return samples[index * channels + channel];
    }

    /** A copy that stays valid after the callback. */
    public AudioFrame copy() {
        return new AudioFrame(sampleRate, channels, Arrays.copyOf(samples, samplesPerChannel * channels),
                samplesPerChannel, position);
    }
}
