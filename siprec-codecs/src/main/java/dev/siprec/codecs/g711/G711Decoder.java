package dev.siprec.codecs.g711;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.PitchConcealer;

/**
 * G.711 µ-law (PCMU, RTP payload type 0) or A-law (PCMA, payload type 8) decoder: one byte
 * per sample at 8 kHz (RFC 3551 §4.5.14). Lost packets are concealed by pitch repetition with
 * a fade to silence ({@link PitchConcealer}, on the plan of G.711 Appendix I without its
 * output delay).
 */
public final class G711Decoder implements AudioDecoder {

    private final boolean alaw;
    private final PitchConcealer concealer = new PitchConcealer(8000);

    private G711Decoder(boolean alaw) {
        this.alaw = alaw;
    }

    /** A µ-law (PCMU) decoder. */
    public static G711Decoder ulaw() {
        return new G711Decoder(false);
    }

    /** An A-law (PCMA) decoder. */
    public static G711Decoder alaw() {
        return new G711Decoder(true);
    }

    @Override
    public int sampleRate() {
        return 8000;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int maxSamplesPerChannel(int payloadLength) {
        return payloadLength;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        if (length < 0 || offset < 0 || offset + length > payload.length || outOffset + length > out.length) {
            return MALFORMED;
        }
        if (alaw) {
            for (int i = 0; i < length; i++) {
                out[outOffset + i] = G711.alawToLinear(payload[offset + i]);
            }
        } else {
            for (int i = 0; i < length; i++) {
                out[outOffset + i] = G711.ulawToLinear(payload[offset + i]);
            }
        }
        concealer.remember(out, outOffset, length);
        return length;
    }

    @Override
    public int conceal(int samplesPerChannel, short[] out, int outOffset) {
        concealer.conceal(out, outOffset, samplesPerChannel);
        return samplesPerChannel;
    }

    @Override
    public void reset() {
        concealer.reset();
    }
}
