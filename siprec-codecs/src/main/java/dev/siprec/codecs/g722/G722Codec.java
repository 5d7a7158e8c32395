package dev.siprec.codecs.g722;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import java.util.List;

/** G.722 at 64 kbit/s (RFC 3551 §4.5.2: {@code G722/8000}, 16 kHz audio). */
public final class G722Codec implements AudioCodec {

    /** The codec provider (the registry makes one; so may a service loader). */
    public G722Codec() {
    }

    @Override
    public List<String> encodings() {
        return List.of("G722");
    }

    @Override
    public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                   int outputChannels) {
        // the RTP clock is 8000 although the audio is 16 kHz; some SRCs write 16000, which works
        // the same as long as their timestamps agree
        return (clockRate == 8000 || clockRate == 16000) && channels == 1 ? new G722Decoder(1) : null;
    }
}
