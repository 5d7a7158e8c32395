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
     * @param concealedChannels bit {@code c} set when some of channel {@code c} in this frame was
     *     made by the codec's loss concealment rather than decoded from received packets
     *     (channels 0-63)
     * @param arrivalNanos per channel, the session clock's reading when the oldest packet decoded
     *     into this frame arrived, or {@code Long.MIN_VALUE} when none was (silence, concealment, noise); valid only
     *     during this call. The latency from arrival to the application is measured from it.
     */
    void onFrame(long position, short[] samples, int samplesPerChannel, int channels, long concealedChannels,
                 long[] arrivalNanos);

    /**
     * An RFC 4733 telephone event (a DTMF digit) ended on a channel's stream. Reported once per
     * event, when its first end packet arrives (or when the next event starts, if every end
     * packet was lost), so usually before the frames that hold its time are delivered.
     *
     * @param channel the channel of the stream that carried it
     * @param event the event code: 0-9 digits, 10 '*', 11 '#', 12-15 A-D, 16 flash
     * @param position where it started on the session timeline (samples per channel)
     * @param durationMillis how long it lasted
     */
    default void onTelephoneEvent(int channel, int event, long position, int durationMillis) {
    }
}
