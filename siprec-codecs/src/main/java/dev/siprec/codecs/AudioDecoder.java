package dev.siprec.codecs;

/**
 * Decodes the payloads of one RTP stream to 16-bit linear PCM.
 *
 * <p>One instance per stream: decoders keep state between frames (ADPCM predictors, LPC
 * filters, concealment history) and are not thread-safe. Decoders never allocate on the
 * decode path and never throw on malformed payloads: they return {@link #MALFORMED} and the
 * caller counts the drop.
 */
public interface AudioDecoder {

    /** Returned by {@link #decode} when a payload cannot be decoded; nothing was written. */
    int MALFORMED = -1;

    /** The sample rate of the PCM this decoder produces, in Hz. */
    int sampleRate();

    /** The number of interleaved channels this decoder produces. */
    int channels();

    /**
     * The largest number of samples per channel that {@link #decode} can write for a payload
     * of {@code payloadLength} bytes; callers size their output arrays with it.
     */
    int maxSamplesPerChannel(int payloadLength);

    /**
     * Decodes one payload.
     *
     * @return the number of samples per channel written to {@code out} starting at
     *     {@code outOffset}, or {@link #MALFORMED}
     */
    int decode(byte[] payload, int offset, int length, short[] out, int outOffset);

    /**
     * Writes {@code samplesPerChannel} samples that stand in for lost audio. The default is
     * silence; codecs with their own concealment override it.
     *
     * @return the number of samples per channel written
     */
    default int conceal(int samplesPerChannel, short[] out, int outOffset) {
        java.util.Arrays.fill(out, outOffset, outOffset + samplesPerChannel * channels(), (short) 0);
        return samplesPerChannel;
    }

    /**
     * Writes {@code samplesPerChannel} samples for lost audio that ends where the payload
     * {@code next} (already received) begins: codecs with in-band forward error correction
     * (Opus, RFC 6716 §4.2.4) recover the loss from it; the default conceals. Decode
     * {@code next} itself with {@link #decode} afterwards.
     *
     * @return the number of samples per channel written
     */
    default int recover(byte[] next, int offset, int length, int samplesPerChannel, short[] out, int outOffset) {
        return conceal(samplesPerChannel, out, outOffset);
    }

    /**
     * Whether the sender has stopped sending on purpose, in a way this codec fills with its own
     * comfort noise (G.729 Annex B after a SID frame). The recorder then asks
     * {@link #fillSilence} for the time until the next packet instead of leaving silence.
     */
    default boolean continuesNoise() {
        return false;
    }

    /**
     * Writes {@code samplesPerChannel} samples for time the sender left without packets on
     * purpose (discontinuous transmission). The default is silence.
     *
     * @return the number of samples per channel written
     */
    default int fillSilence(int samplesPerChannel, short[] out, int outOffset) {
        java.util.Arrays.fill(out, outOffset, outOffset + samplesPerChannel * channels(), (short) 0);
        return samplesPerChannel;
    }

    /** Forgets all state, as after a change of source. */
    void reset();
}
