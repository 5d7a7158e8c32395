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
     * Whether {@link #newDecoder} would return a decoder for this encoding and channel count
     * ({@code opus/48000/2}, RFC 7587 §7, names two channels whether or not the sender uses them).
     */
    public static boolean isSupported(String encodingName, int clockRate, int channels) {
        return newDecoder(encodingName, clockRate, channels) != null;
    }

    /**
     * A new decoder for one stream, or {@code null} when this encoding is not supported.
     *
     * @param channels channel count from the rtpmap (1 when absent)
     */
    public static AudioDecoder newDecoder(String encodingName, int clockRate, int channels) {
        return newDecoder(encodingName, clockRate, channels, 48000);
    }

    /**
     * A new decoder for one stream that produces {@code preferredRate} when the codec can (Opus
     * decodes directly at 8, 12, 16, 24 or 48 kHz, saving a rate conversion), or {@code null}
     * when this encoding is not supported.
     */
    public static AudioDecoder newDecoder(String encodingName, int clockRate, int channels, int preferredRate) {
        return newDecoder(encodingName, clockRate, channels, preferredRate, 1);
    }

    /**
     * As {@link #newDecoder(String, int, int, int)}, with {@code outputChannels} 2 to keep a
     * two-channel stream's channels apart (Opus); codecs with one channel give one either way.
     */
    public static AudioDecoder newDecoder(String encodingName, int clockRate, int channels, int preferredRate,
                                          int outputChannels) {
        switch (encodingName.toUpperCase(Locale.ROOT)) {
            case "PCMU":
                return clockRate == 8000 && channels == 1 ? G711Decoder.ulaw() : null;
            case "PCMA":
                return clockRate == 8000 && channels == 1 ? G711Decoder.alaw() : null;
            case "G722":
                // RFC 3551 §4.5.2: the RTP clock is 8000 although the audio is 16 kHz; some
                // SRCs write 16000, which works the same as long as their timestamps agree
                return (clockRate == 8000 || clockRate == 16000) && channels == 1 ? new G722Decoder(1) : null;
            case "G729":
                // RFC 3551 §4.5.6; Annex B SID frames are decoded whether or not annexb=no
                return clockRate == 8000 && channels == 1 ? new dev.siprec.codecs.g729.G729Decoder() : null;
            case "OPUS":
                // RFC 7587 §7: always opus/48000/2; a stereo stream is down-mixed unless asked otherwise
                if (clockRate != 48000 || channels < 1 || channels > 2) {
                    return null;
                }
                boolean direct = preferredRate == 8000 || preferredRate == 12000 || preferredRate == 16000
                        || preferredRate == 24000 || preferredRate == 48000;
                return new OpusRtpDecoder(direct ? preferredRate : 48000, outputChannels == 2 ? 2 : 1);
            default:
                return null;
        }
    }
}
