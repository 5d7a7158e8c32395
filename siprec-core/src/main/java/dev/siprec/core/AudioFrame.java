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
    private long concealedChannels;

    /** A frame over {@code samples}; the library creates these, tests and tools may too. */
    public AudioFrame(int sampleRate, int channels, short[] samples, int samplesPerChannel, long position) {
        this(sampleRate, channels, samples, samplesPerChannel, position, 0);
    }

    /**
     * A frame over {@code samples} with some channels marked concealed.
     *
     * @param concealedChannels bit {@code c} set when channel {@code c} holds concealment
     */
    public AudioFrame(int sampleRate, int channels, short[] samples, int samplesPerChannel, long position,
                      long concealedChannels) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.samples = samples;
        this.samplesPerChannel = samplesPerChannel;
        this.position = position;
        this.concealedChannels = concealedChannels;
    }

    void set(short[] samples, int samplesPerChannel, long position, long concealedChannels) {
        this.samples = samples;
        this.samplesPerChannel = samplesPerChannel;
        this.position = position;
        this.concealedChannels = concealedChannels;
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

    /**
     * Whether some of this channel in this frame was made by the codec's loss concealment
     * (packets lost in the network), not decoded from what the SRC sent. Channels from 64 on
     * are never marked.
     */
    public boolean isConcealed(int channel) {
        return channel < 64 && (concealedChannels & (1L << channel)) != 0;
    }

    /**
     * Copies one channel out as mono PCM: a stream on its own, for an application that handles
     * each participant separately (one recogniser per speaker).
     *
     * @param dst receives {@link #samplesPerChannel()} samples from {@code offset}
     * @return the number of samples copied
     */
    public int copyChannel(int channel, short[] dst, int offset) {
        if (channel < 0 || channel >= channels) {
            throw new IndexOutOfBoundsException("channel " + channel + " of " + channels);
        }
        for (int i = 0; i < samplesPerChannel; i++) {
            dst[offset + i] = samples[i * channels + channel];
        }
        return samplesPerChannel;
    }

    /** A copy that stays valid after the callback. */
    public AudioFrame copy() {
        return new AudioFrame(sampleRate, channels, Arrays.copyOf(samples, samplesPerChannel * channels),
                samplesPerChannel, position, concealedChannels);
    }
}
