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
            case "G726-32":
            case "G721": // RFC 3551 §4.5.4: the static payload type 2 of old, G.726 at 32 kbit/s
                return clockRate == 8000 && channels == 1 ? new G726Decoder() : null;
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
    /**
     * The {@code a=fmtp} parameters a receiver of this codec answers with (RFC 3264 §6.1), or
     * {@code null} for none; {@code offeredFmtp} is the offer's line for it (or {@code null}).
     * The decoders here decide: Opus states what it plays back, G.729 echoes {@code annexb}.
     */
    public static String answerParameters(String encodingName, String offeredFmtp) {
        switch (encodingName.toUpperCase(Locale.ROOT)) {
            case "OPUS":
                return opusReceiver(offeredFmtp);
            case "G729":
                return g729AnnexB(offeredFmtp);
            default:
                return null;
        }
    }

    /**
     * Opus's parameters as a receiver states them (RFC 7587 §6.1): we play back full band
     * ({@code maxplaybackrate=48000}); we take stereo when the sender says it sends stereo
     * ({@code sprop-stereo=1}; the recording down-mixes it, but a stereo encoding keeps both
     * talkers of a conference bridge intact); we ask for in-band FEC, which the decoder uses to
     * recover lost packets ({@code useinbandfec=1}); and we welcome DTX when the sender offered
     * it ({@code usedtx=1}), since silence is filled with the decoder's comfort noise.
     */
    private static String opusReceiver(String offeredFmtp) {
        boolean stereo = "1".equals(parameter(offeredFmtp, "sprop-stereo"));
        boolean dtx = "1".equals(parameter(offeredFmtp, "usedtx"));
        return "maxplaybackrate=48000;stereo=" + (stereo ? 1 : 0) + ";useinbandfec=1" + (dtx ? ";usedtx=1" : "");
    }

    /**
     * G.729's {@code annexb} parameter (RFC 4856 §2.1.9; absent means yes), echoed as offered: an
     * SRC that offered {@code annexb=no} sees it kept, one that said nothing is not told
     * otherwise. The decoder takes SID frames either way.
     */
    private static String g729AnnexB(String offeredFmtp) {
        String v = parameter(offeredFmtp, "annexb");
        v = v == null ? null : v.toLowerCase(Locale.ROOT);
        return "no".equals(v) || "yes".equals(v) ? "annexb=" + v : null;
    }

    /** A {@code name=value} parameter of a {@code ;}-separated fmtp list (name case-insensitive), or null. */
    private static String parameter(String fmtp, String name) {
        if (fmtp == null) {
            return null;
        }
        for (String param : fmtp.split(";")) {
            String[] kv = param.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase(name)) {
                return kv[1].trim();
            }
        }
        return null;
    }
}
