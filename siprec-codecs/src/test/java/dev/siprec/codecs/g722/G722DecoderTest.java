package dev.siprec.codecs.g722;

import dev.siprec.codecs.AudioDecoder;
import static dev.siprec.testing.Kit.readS16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class G722DecoderTest {

    static short[] resource(String name) throws IOException {
        try (InputStream in = G722DecoderTest.class.getResourceAsStream("/g722/" + name)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            short[] out = new short[b.remaining() / 2];
            b.asShortBuffer().get(out);
            return out;
        }
    }

    /**
     * Appendix II: each sub-band decoder alone (no QMF). 16 sync words at each end; the code
     * is in the high byte of each input word; outputs are the reconstructed signals, doubled.
     */
    static void checkSubBands(short[] codes, short[][] lowByMode, short[] high) {
        for (int mode = 1; mode <= 3; mode++) {
            G722Decoder low = new G722Decoder(mode);
            for (int i = 16; i < codes.length - 16; i++) {
                int rl = low.decodeLow((codes[i] >> 8) & 0x3F);
                assertThat((short) (rl << 1)).as("low band, mode %d, word %d", mode, i).isEqualTo(lowByMode[mode - 1][i]);
            }
        }
        G722Decoder d = new G722Decoder(1);
        for (int i = 16; i < codes.length - 16; i++) {
            int rh = d.decodeHigh((codes[i] >> 14) & 0x03);
            assertThat((short) (rh << 1)).as("high band, word %d", i).isEqualTo(high[i]);
        }
    }

    @Test
    void appendixIISequence2IsBitExactInEveryMode() throws IOException {
        checkSubBands(resource("bt2r2.cod"),
                new short[][] {resource("bt3l2.rc1"), resource("bt3l2.rc2"), resource("bt3l2.rc3")},
                resource("bt3h2.rc0"));
    }

    @Test
    void allAppendixIISequencesFromTheKit() throws IOException {
        Path dir = Kit.path("codec-reference/vectors/g722/itu_appII_le");
        for (String[] seq : new String[][] {{"bt2r1.cod", "bt3l1", "bt3h1"}, {"bt2r2.cod", "bt3l2", "bt3h2"},
            {"bt1d3.cod", "bt3l3", "bt3h3"}}) {
            short[][] low = new short[3][];
            for (int m = 1; m <= 3; m++) {
                low[m - 1] = readS16(dir.resolve(seq[1] + ".rc" + m));
            }
            checkSubBands(readS16(dir.resolve(seq[0])), low, readS16(dir.resolve(seq[2] + ".rc0")));
        }
    }

    static void assertDecodes(byte[] codes, int mode, short[] reference) {
        G722Decoder d = new G722Decoder(mode);
        short[] out = new short[2 * codes.length];
        // in 20 ms packets, as RTP delivers them
        int w = 0;
        for (int off = 0; off < codes.length; off += 160) {
            w += d.decode(codes, off, Math.min(160, codes.length - off), out, w);
        }
        assertThat(w).isEqualTo(2 * codes.length);
        assertThat(Arrays.copyOf(out, reference.length)).isEqualTo(reference);
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {1, 2, 3})
    void theStlFullCodecVectorIsBitExactWithTheQmf(int mode) throws IOException {
        byte[] codes;
        try (InputStream in = getClass().getResourceAsStream("/g722/stl_first4000.g722")) {
            codes = in.readAllBytes();
        }
        assertDecodes(codes, mode, resource("stl_first4000.mode" + mode + ".raw"));
    }

    @Test
    void wholeStlVectorsAndTheKitsSpeechFromTheKit() throws IOException {
        Path stl = Kit.path("codec-reference/vectors/g722/stl_g722demo");
        short[] words = readS16(stl.resolve("codspw.cod"));
        byte[] codes = new byte[words.length];
        for (int i = 0; i < words.length; i++) {
            codes[i] = (byte) words[i];
        }
        for (int mode = 1; mode <= 3; mode++) {
            assertDecodes(codes, mode, readS16(stl.resolve("outsp" + mode + ".bin")));
        }
        Path ref = Kit.path("codec-reference/ref/g722");
        assertDecodes(Files.readAllBytes(ref.resolve("speech60_16k.g722")), 1,
                readS16(ref.resolve("speech60_16k.mode1.dec.raw")));
        byte[] ten = Files.readAllBytes(ref.resolve("speech10_16k.g722"));
        assertDecodes(ten, 2, readS16(ref.resolve("speech10_16k.mode2.dec.raw")));
        assertDecodes(ten, 3, readS16(ref.resolve("speech10_16k.mode3.dec.raw")));
        for (String prompt : new String[] {"en_US_f_Allison_digits_5", "en_US_f_Allison_vm-intro"}) {
            assertDecodes(Files.readAllBytes(ref.resolve("asterisk/" + prompt + ".g722")), 1,
                    readS16(ref.resolve("asterisk/" + prompt + ".dec.raw")));
        }
    }

    @Test
    void badArgumentsAreRefusedWithoutThrowing() {
        G722Decoder d = new G722Decoder();
        assertThat(d.decode(new byte[10], 5, 10, new short[40], 0)).isEqualTo(AudioDecoder.MALFORMED);
        assertThat(d.decode(new byte[10], 0, 10, new short[19], 0)).isEqualTo(AudioDecoder.MALFORMED);
        assertThat(d.decode(new byte[0], 0, 0, new short[0], 0)).isZero();
        assertThatThrownBy(() -> new G722Decoder(4)).hasMessageContaining("mode must be 1, 2 or 3");
        // every octet is a valid code: random input decodes, and stays within 16 bits
        byte[] noise = new byte[8000];
        new java.util.Random(1).nextBytes(noise);
        short[] out = new short[16000];
        assertThat(d.decode(noise, 0, noise.length, out, 0)).isEqualTo(16000);
    }

    @Test
    void registeredForRtpAsG722At8000() {
        assertThat(new G722Codec().newDecoder("G722", 8000, 1, 48000, 1)).isInstanceOf(G722Decoder.class);
        assertThat(new G722Codec().newDecoder("g722", 8000, 1, 48000, 1).sampleRate()).isEqualTo(16000);
    }
}
