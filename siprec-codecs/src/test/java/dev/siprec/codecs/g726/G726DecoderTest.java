package dev.siprec.codecs.g726;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * G.726-32 against Debian's spandsp, the oracle (src/test/g726-oracle/make.sh regenerates the
 * vectors): a speech-like signal that spandsp encoded, and random codewords that drive every
 * code through every state (clipping, tone detection, transitions). Sample for sample.
 */
class G726DecoderTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = G726DecoderTest.class.getResourceAsStream("/g726/" + name)) {
            return in.readAllBytes();
        }
    }

    static short[] pcm(String name) throws IOException {
        byte[] b = resource(name);
        short[] out = new short[b.length / 2];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    static void assertBitExact(String codes, String reference) throws IOException {
        byte[] c = resource(codes);
        short[] expected = pcm(reference);
        G726Decoder d = new G726Decoder();
        short[] got = new short[c.length];
        for (int i = 0; i < c.length; i++) {
            got[i] = d.decode(c[i] & 0x0F);
        }
        for (int i = 0; i < c.length; i++) {
            if (got[i] != expected[i]) {
                assertThat(got[i]).as("%s: sample %d of %d", codes, i, c.length).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void aSpeechLikeSignalDecodesBitExactWithSpandsp() throws IOException {
        assertBitExact("signal.codes", "signal.spandsp.s16");
    }

    @Test
    void randomCodewordsDecodeBitExactWithSpandsp() throws IOException {
        assertBitExact("random.codes", "random.spandsp.s16");
    }

    @Test
    void rtpPayloadsCarryTheFirstCodewordInTheLowNibbleAndResetStartsOver() throws IOException {
        byte[] c = resource("signal.codes");
        short[] expected = pcm("signal.spandsp.s16");
        byte[] payload = new byte[80]; // 20 ms: 160 codewords
        G726Decoder d = new G726Decoder();
        short[] out = new short[d.maxSamplesPerChannel(payload.length)];
        for (int packet = 0; packet < 10; packet++) {
            for (int i = 0; i < 80; i++) {
                payload[i] = (byte) ((c[packet * 160 + 2 * i] & 0x0F) | (c[packet * 160 + 2 * i + 1] << 4));
            }
            assertThat(d.decode(payload, 0, 80, out, 0)).isEqualTo(160);
            for (int i = 0; i < 160; i++) {
                assertThat(out[i]).isEqualTo(expected[packet * 160 + i]);
            }
        }
        d.reset();
        payload[0] = (byte) ((c[0] & 0x0F) | (c[1] << 4));
        d.decode(payload, 0, 1, out, 0);
        assertThat(out[0]).isEqualTo(expected[0]);
        assertThat(out[1]).isEqualTo(expected[1]);
        assertThat(new G726Codec().newDecoder("G726-32", 8000, 1, 48000, 1)).isInstanceOf(G726Decoder.class);
        assertThat(new G726Codec().newDecoder("g721", 8000, 1, 48000, 1)).isInstanceOf(G726Decoder.class);
    }
}
