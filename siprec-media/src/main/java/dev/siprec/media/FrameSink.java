package dev.siprec.media;

/** Receives the aligned output of a {@link MediaSession}, on the session's event loop. */
public interface FrameSink {

    /**
     * One frame of interleaved PCM.
     *
     * @param position index of the frame's first sample (per channel) on the session timeline,
     *     counted from the moment the session started
     * @param samples interleaved samples; valid only during this call (the array is reused)
     * @param samplesPerChannel samples per channel in this frame
     * @param channels number of channels
     */
    void onFrame(long position, short[] samples, int samplesPerChannel, int channels);
}
