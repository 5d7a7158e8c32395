package dev.siprec.codecs;

import java.util.Locale;

/**
 * The codecs this library can decode, by their SDP {@code rtpmap} encoding names
 * (RFC 3551 / RFC 4855 names, compared case-insensitively).
 */
public final class Codecs {

    private Codecs() {
    }

    /**
     * Whether {@link #newDecoder} would return a decoder for this encoding.
     *
     * @param encodingName rtpmap encoding name, e.g. {@code PCMU}
     * @param clockRate the RTP clock rate from the rtpmap
     */
    public static boolean isSupported(String encodingName, int clockRate) {
        return newDecoder(encodingName, clockRate, 1) != null;
    }

    /**
     * A new decoder for one stream, or {@code null} when this encoding is not supported.
     *
     * @param channels channel count from the rtpmap (1 when absent)
     */
    public static AudioDecoder newDecoder(String encodingName, int clockRate, int channels) {
        switch (encodingName.toUpperCase(Locale.ROOT)) {
            case "PCMU":
                return clockRate == 8000 && channels == 1 ? G711Decoder.ulaw() : null;
            case "PCMA":
                return clockRate == 8000 && channels == 1 ? G711Decoder.alaw() : null;
            default:
                return null;
        }
    }
}
