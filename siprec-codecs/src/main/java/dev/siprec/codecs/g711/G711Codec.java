package dev.siprec.codecs.g711;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import java.util.List;

/** G.711 µ-law and A-law (RFC 3551 §4.5.14: {@code PCMU/8000}, {@code PCMA/8000}). */
public final class G711Codec implements AudioCodec {

    /** The codec provider (the registry makes one; so may a service loader). */
    public G711Codec() {
    }

    @Override
    public List<String> encodings() {
        return List.of("PCMU", "PCMA");
    }

    @Override
    public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                   int outputChannels) {
        if (clockRate != 8000 || channels != 1) {
            return null;
        }
        return encoding.equalsIgnoreCase("PCMA") ? G711Decoder.alaw() : G711Decoder.ulaw();
    }
}
