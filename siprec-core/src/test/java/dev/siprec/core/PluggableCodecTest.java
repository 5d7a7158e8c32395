package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.registry.CodecRegistry;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 19: an application adds a codec through the registry, and a call in it is answered and recorded. */
class PluggableCodecTest extends ServerTest {

    /** L16 mono at 8 kHz (RFC 3551 §4.5.11): 16-bit big-endian samples; the answer carries {@code x=1}. */
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
                    for (int i = 0; i < length / 2; i++) {
                        out[outOffset + i] = (short) (payload[offset + 2 * i] << 8 | payload[offset + 2 * i + 1] & 0xff);
                    }
                    return length % 2 == 0 ? length / 2 : MALFORMED;
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

    static final String L16_OFFER = TestSrc.offerCodecs("96", "a=rtpmap:96 L16/8000\r\n", "1", "2");

    /** 20 ms of one constant sample value, big-endian. */
    static TestSrc.Payloads constant(int value) {
        return (k, packet, offset) -> {
            for (int i = 0; i < 160; i++) {
                packet[offset + 2 * i] = (byte) (value >> 8);
                packet[offset + 2 * i + 1] = (byte) value;
            }
            return 320;
        };
    }

    @Test
    void anAddedCodecIsAnsweredAndRecorded() throws Exception {
        start(SiprecServer.builder().sampleRate(8000).codecs(CodecRegistry.defaults().with(new L16())));
        try (TestSrc src = new TestSrc(sipAddress(), false)) {
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(L16_OFFER, TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            String answer = new String(ok.body(), StandardCharsets.UTF_8);
            assertThat(answer).contains("a=rtpmap:96 L16/8000", "a=fmtp:96 x=1");
            src.ack();
            RecordingSession session = recorder.last();
            src.stream(50, 96, constant(1000), constant(-3000));
            assertThat(src.bye().statusCode()).isEqualTo(200);
            Await.until("the end", Duration.ofSeconds(3), () -> session.endReason() != null);
            short[][] audio = recorder.audio.get(session.id());
            int alice = session.channels().stream().filter(c -> c.label().equals("1")).findFirst().orElseThrow().index();
            int mid = 8000 / 2; // 0.5 s in: well inside the 1 s of audio
            assertThat(audio[alice][mid]).isEqualTo((short) 1000);
            assertThat(audio[1 - alice][mid]).isEqualTo((short) -3000);
            assertThat(session.stats(alice).packetsReceived()).isEqualTo(50);
        }
    }

    @Test
    void withoutItTheOfferIsDeclined() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sipAddress(), false)) {
            SipResponse r = src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(L16_OFFER, TestSrc.METADATA));
            assertThat(r.statusCode()).isEqualTo(488);
        }
    }
}
