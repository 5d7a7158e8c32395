package dev.siprec.codecs.opus;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.FormatParameters;
import java.util.List;

/** Opus over RTP (RFC 7587: always {@code opus/48000/2}). */
public final class OpusCodec implements AudioCodec {

    /** The codec provider (the registry makes one; so may a service loader). */
    public OpusCodec() {
    }

    @Override
    public List<String> encodings() {
        return List.of("OPUS");
    }

    @Override
    public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                   int outputChannels) {
        // RFC 7587 §7: a stereo stream is down-mixed unless two output channels are asked for
        if (clockRate != 48000 || channels < 1 || channels > 2) {
            return null;
        }
        boolean direct = preferredRate == 8000 || preferredRate == 12000 || preferredRate == 16000
                || preferredRate == 24000 || preferredRate == 48000;
        return new OpusRtpDecoder(direct ? preferredRate : 48000, outputChannels == 2 ? 2 : 1);
    }

    /**
     * Opus's parameters as a receiver states them (RFC 7587 §6.1): we play back full band
     * ({@code maxplaybackrate=48000}); we take stereo when the sender says it sends stereo
     * ({@code sprop-stereo=1}; the recording down-mixes it, but a stereo encoding keeps both
     * talkers of a conference bridge intact); we ask for in-band FEC, which the decoder uses to
     * recover lost packets ({@code useinbandfec=1}); and we welcome DTX when the sender offered
     * it ({@code usedtx=1}), since silence is filled with the decoder's comfort noise.
     */
    @Override
    public String answerParameters(String encoding, String offeredFmtp) {
        boolean stereo = "1".equals(FormatParameters.parameter(offeredFmtp, "sprop-stereo"));
        boolean dtx = "1".equals(FormatParameters.parameter(offeredFmtp, "usedtx"));
        return "maxplaybackrate=48000;stereo=" + (stereo ? 1 : 0) + ";useinbandfec=1" + (dtx ? ";usedtx=1" : "");
    }
}
