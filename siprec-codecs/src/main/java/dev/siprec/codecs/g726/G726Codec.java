package dev.siprec.codecs.g726;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import java.util.List;

/**
 * G.726 at 32 kbit/s ({@code G726-32/8000}, RFC 3551 §4.5.4), also under the name of the
 * static payload type 2 of old, {@code G721}.
 */
public final class G726Codec implements AudioCodec {

    /** The codec provider (the registry makes one; so may a service loader). */
    public G726Codec() {
    }

    @Override
    public List<String> encodings() {
        return List.of("G726-32", "G721");
    }

    @Override
    public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                   int outputChannels) {
        return clockRate == 8000 && channels == 1 ? new G726Decoder() : null;
    }
}
