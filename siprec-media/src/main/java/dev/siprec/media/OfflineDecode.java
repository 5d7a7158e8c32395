package dev.siprec.media;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.registry.CodecRegistry;
import java.util.List;

/**
 * The offline decode of a stream, which the recording of it must equal: its payloads, in
 * order, through a new decoder and a new rate converter of the kind a leg uses. For checks of
 * the recorded output (core's fidelity tests), without the network, the jitter buffer or the
 * clock.
 */
public final class OfflineDecode {

    private OfflineDecode() {
    }

    /** Decodes {@code payloads} of {@code encoding} (8000 Hz RTP clock) and converts them to {@code outputRate}. */
    public static short[] decode(String encoding, int outputRate, List<byte[]> payloads) {
        AudioDecoder decoder = CodecRegistry.defaults().newDecoder(encoding, 8000, 1, outputRate, 1);
        RateConverter converter = new RateConverter(decoder.sampleRate(), outputRate);
        short[] pcm = new short[4096];
        short[] converted = new short[converter.outputLength(pcm.length) + 8];
        short[] out = new short[payloads.size() * converter.outputLength(decoder.maxSamplesPerChannel(160))];
        int written = 0;
        for (byte[] p : payloads) {
            int n = decoder.decode(p, 0, p.length, pcm, 0);
            if (n < 0) {
                throw new IllegalArgumentException("undecodable payload");
            }
            int m = converter.convert(pcm, n, converted);
            System.arraycopy(converted, 0, out, written, m);
            written += m;
        }
        return java.util.Arrays.copyOf(out, written);
    }

    /** The converter's delay, in output samples, for {@code encoding} recorded at {@code outputRate}. */
    public static int latency(String encoding, int outputRate) {
        AudioDecoder decoder = CodecRegistry.defaults().newDecoder(encoding, 8000, 1, outputRate, 1);
        return new RateConverter(decoder.sampleRate(), outputRate).latency();
    }
}
