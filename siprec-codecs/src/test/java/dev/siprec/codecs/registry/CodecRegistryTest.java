package dev.siprec.codecs.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.g711.G711Decoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: the built-in codecs by name, their answer parameters, and codecs an application adds. */
class CodecRegistryTest {

    static final CodecRegistry CODECS = CodecRegistry.defaults();

    @Test
    void opusAnswersWhatItsDecoderPlaysBackAndMirrorsStereoAndDtxOffers() {
        // RFC 7587 §6.1: receiver parameters; stereo only when the sender said it sends stereo
        assertThat(CODECS.answerParameters("opus", null)).isEqualTo("maxplaybackrate=48000;stereo=0;useinbandfec=1");
        assertThat(CODECS.answerParameters("OPUS", "minptime=10; useinbandfec=1; sprop-stereo=1; usedtx=1"))
                .isEqualTo("maxplaybackrate=48000;stereo=1;useinbandfec=1;usedtx=1");
        assertThat(CODECS.answerParameters("opus", "sprop-stereo=0;usedtx=0"))
                .isEqualTo("maxplaybackrate=48000;stereo=0;useinbandfec=1");
    }

    @Test
    void g729EchoesAnExplicitAnnexBAndOtherCodecsHaveNoParameters() {
        assertThat(CODECS.answerParameters("G729", "annexb=no")).isEqualTo("annexb=no");
        assertThat(CODECS.answerParameters("g729", "AnnexB=YES")).isEqualTo("annexb=yes");
        assertThat(CODECS.answerParameters("G729", null)).isNull(); // absent means yes: nothing to say
        assertThat(CODECS.answerParameters("G729", "annexb=maybe")).isNull();
        assertThat(CODECS.answerParameters("PCMU", "annexb=no")).isNull();
        assertThat(CODECS.answerParameters("G722", null)).isNull();
    }

    @Test
    void g726At32KbitsIsDecodedUnderBothOfItsNames() {
        assertThat(CODECS.isSupported("G726-32", 8000, 1)).isTrue();
        assertThat(CODECS.isSupported("G721", 8000, 1)).isTrue(); // RFC 3551 §4.5.4: static type 2
        assertThat(CODECS.isSupported("G726-32", 16000, 1)).isFalse();
        assertThat(CODECS.isSupported("G726-24", 8000, 1)).isFalse(); // other rates: not yet
        assertThat(CODECS.answerParameters("G726-32", null)).isNull();
    }

    @Test
    void theBuiltInCodecsAnswerToTheirNamesClockRatesAndChannels() {
        assertThat(CODECS.encodings()).containsExactly("PCMU", "PCMA", "G722", "G726-32", "G721", "G729", "OPUS");
        assertThat(CODECS.newDecoder("pcmu", 8000, 1, 16000, 1)).isInstanceOf(G711Decoder.class);
        assertThat(CODECS.newDecoder("PCMA", 8000, 2, 16000, 1)).isNull();
        assertThat(CODECS.newDecoder("G722", 16000, 1, 16000, 1).sampleRate()).isEqualTo(16000);
        assertThat(CODECS.newDecoder("G729", 8000, 1, 16000, 1).sampleRate()).isEqualTo(8000);
        AudioDecoder opus = CODECS.newDecoder("opus", 48000, 2, 16000, 2);
        assertThat(opus.sampleRate()).isEqualTo(16000); // decoded straight at the recording's rate
        assertThat(opus.channels()).isEqualTo(2);
        assertThat(CODECS.newDecoder("opus", 48000, 2, 44100, 1).sampleRate()).isEqualTo(48000);
        assertThat(CODECS.newDecoder("opus", 8000, 1, 16000, 1)).isNull();
        assertThat(CODECS.isSupported("GSM", 8000, 1)).isFalse();
    }

    /** A codec an application brings: L16 mono at 8 kHz (RFC 3551 §4.5.11), big-endian samples. */
    static final class L16 implements AudioCodec {
        @Override
        public List<String> encodings() {
            return List.of("L16");
        }

        @Override
        public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                       int outputChannels) {
            return clockRate != 8000 || channels != 1 ? null : new AudioDecoder() {
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
                    return payloadLength / 2;
                }

                @Override
                public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
                    if (length % 2 != 0) {
                        return MALFORMED;
                    }
                    for (int i = 0; i < length / 2; i++) {
                        out[outOffset + i] = (short) (payload[offset + 2 * i] << 8 | payload[offset + 2 * i + 1] & 0xff);
                    }
                    return length / 2;
                }

                @Override
                public void reset() {
                }
            };
        }

        @Override
        public String answerParameters(String encoding, String offeredFmtp) {
            return "x=1";
        }
    }

    @Test
    void anApplicationAddsOrReplacesACodecWithoutChangingTheDefaults() {
        CodecRegistry mine = CODECS.with(new L16());
        assertThat(mine.encodings()).endsWith("L16");
        AudioDecoder d = mine.newDecoder("l16", 8000, 1, 16000, 1);
        short[] out = new short[2];
        assertThat(d.decode(new byte[] {0x12, 0x34, (byte) 0xff, (byte) 0xfe}, 0, 4, out, 0)).isEqualTo(2);
        assertThat(out).containsExactly((short) 0x1234, (short) -2);
        assertThat(mine.answerParameters("L16", null)).isEqualTo("x=1");
        assertThat(CODECS.isSupported("L16", 8000, 1)).isFalse(); // immutable: the defaults are untouched
        CodecRegistry replaced = CODECS.with(new AudioCodec() {
            @Override
            public List<String> encodings() {
                return List.of("pcmu");
            }

            @Override
            public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                           int outputChannels) {
                return null; // refuses PCMU altogether
            }
        });
        assertThat(replaced.isSupported("PCMU", 8000, 1)).isFalse();
        assertThat(replaced.isSupported("PCMA", 8000, 1)).isTrue();
    }
}
