package dev.siprec.codecs.g729;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.FormatParameters;
import java.util.List;
import java.util.Locale;

/** G.729 with Annex A and B ({@code G729/8000}, RFC 3551 §4.5.6). */
public final class G729Codec implements AudioCodec {

    /** The codec provider (the registry makes one; so may a service loader). */
    public G729Codec() {
    }

    @Override
    public List<String> encodings() {
        return List.of("G729");
    }

    @Override
    public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                   int outputChannels) {
        // Annex B SID frames are decoded whether or not annexb=no
        return clockRate == 8000 && channels == 1 ? new G729Decoder() : null;
    }

    /**
     * {@code annexb} (RFC 4856 §2.1.9; absent means yes), echoed as offered: an SRC that offered
     * {@code annexb=no} sees it kept, one that said nothing is not told otherwise. The decoder
     * takes SID frames either way.
     */
    @Override
    public String answerParameters(String encoding, String offeredFmtp) {
        String v = FormatParameters.parameter(offeredFmtp, "annexb");
        v = v == null ? null : v.toLowerCase(Locale.ROOT);
        return "no".equals(v) || "yes".equals(v) ? "annexb=" + v : null;
    }
}
