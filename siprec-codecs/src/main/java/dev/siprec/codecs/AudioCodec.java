package dev.siprec.codecs;

import java.util.List;

/**
 * The service-provider interface of a codec: which SDP {@code rtpmap} encoding names it decodes,
 * a decoder per stream, and the {@code a=fmtp} parameters a receiver of it answers with. The
 * built-in codecs (G.711, G.722, G.726-32, G.729, Opus) implement it; an application adds one by
 * passing it to {@code dev.siprec.codecs.registry.CodecRegistry#with}, or by listing its class in
 * {@code META-INF/services/dev.siprec.codecs.AudioCodec} (found by {@link java.util.ServiceLoader}).
 * Implementations are stateless and thread-safe; the decoders they make are not.
 */
public interface AudioCodec {

    /** The rtpmap encoding names this codec decodes, compared case-insensitively ({@code PCMU}). */
    List<String> encodings();

    /**
     * A new decoder for one stream, or {@code null} when this clock rate or channel count is not
     * one the codec decodes.
     *
     * @param encoding the offer's encoding name, one of {@link #encodings()}
     * @param clockRate the RTP clock rate from the rtpmap
     * @param channels the channel count from the rtpmap (1 when absent)
     * @param preferredRate the rate the caller will resample to; a codec that can decode at it
     *     directly should (Opus: 8, 12, 16, 24 or 48 kHz)
     * @param outputChannels 2 to keep a two-channel stream's channels apart; mono codecs give one
     */
    AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate, int outputChannels);

    /**
     * The {@code a=fmtp} parameters a receiver of this codec answers with (RFC 3264 §6.1), or
     * {@code null} for none. By default none.
     *
     * @param offeredFmtp the offer's fmtp line for the payload type, or {@code null}
     */
    default String answerParameters(String encoding, String offeredFmtp) {
        return null;
    }
}
