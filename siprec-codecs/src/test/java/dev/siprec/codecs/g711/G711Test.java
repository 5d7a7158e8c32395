package dev.siprec.codecs.g711;

import dev.siprec.codecs.AudioDecoder;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.siprec.testing.Kit.readS16;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void ulawDecodesSegmentEndpointsOfTheRecommendation() {
        assertThat(G711.ulawToLinear(0xFF)).isEqualTo((short) 0);
        assertThat(G711.ulawToLinear(0x7F)).isEqualTo((short) 0);
        assertThat(G711.ulawToLinear(0x80)).isEqualTo((short) 32124);
        assertThat(G711.ulawToLinear(0x00)).isEqualTo((short) -32124);
        assertThat(G711.ulawToLinear(0xFE)).isEqualTo((short) 8); // first interval of segment 0: 1 x 8
        assertThat(G711.ulawToLinear(0xEF)).isEqualTo((short) 132); // end of segment 0
    }

    @Test
    void alawDecodesSegmentEndpointsOfTheRecommendation() {
        assertThat(G711.alawToLinear(0xD5)).isEqualTo((short) 8);
        assertThat(G711.alawToLinear(0x55)).isEqualTo((short) -8);
        assertThat(G711.alawToLinear(0xAA)).isEqualTo((short) 32256);
        assertThat(G711.alawToLinear(0x2A)).isEqualTo((short) -32256);
    }

    @Test
    void decodingIsMonotonicAcrossAllPositiveCodes() {
        // µ-law: codes 0xFF down to 0x80 are increasing positive values
        for (int c = 0xFE; c >= 0x80; c--) {
            assertThat(G711.ulawToLinear(c)).isGreaterThan(G711.ulawToLinear(c + 1));
        }
        // A-law: even bits inverted; the positive magnitude order is code ^ 0x55 from 0x80 to 0xFF
        for (int m = 0x81; m <= 0xFF; m++) {
            assertThat(G711.alawToLinear(m ^ 0x55)).isGreaterThan(G711.alawToLinear((m - 1) ^ 0x55));
        }
    }

    @Test
    void encodeThenDecodeIsIdentityOnEveryCode() {
        for (int c = 0; c < 256; c++) {
            if (c != 0x7F) { // µ-law negative zero encodes back to positive zero
                assertThat(G711.linearToUlaw(G711.ulawToLinear(c)) & 0xFF).as("ulaw %02x", c).isEqualTo(c);
            }
            assertThat(G711.linearToAlaw(G711.alawToLinear(c)) & 0xFF).as("alaw %02x", c).isEqualTo(c);
        }
    }

    @Test
    void decoderRejectsOutOfBoundsInsteadOfThrowing() {
        AudioDecoder d = G711Decoder.ulaw();
        assertThat(d.decode(new byte[10], 5, 10, new short[20], 0)).isEqualTo(AudioDecoder.MALFORMED);
        assertThat(d.decode(new byte[10], 0, 10, new short[5], 0)).isEqualTo(AudioDecoder.MALFORMED);
        short[] out = new short[4];
        assertThat(d.conceal(4, out, 0)).isEqualTo(4);
        assertThat(out).containsOnly((short) 0); // nothing decoded yet: silence
    }

    @Test
    void aLostPacketContinuesTheSignalAndALongLossFadesOut() {
        AudioDecoder d = G711Decoder.ulaw();
        byte[] tone = new byte[480]; // 60 ms of 250 Hz
        for (int i = 0; i < tone.length; i++) {
            tone[i] = G711.linearToUlaw((int) (10000 * Math.sin(2 * Math.PI * 250 * i / 8000.0)));
        }
        short[] pcm = new short[480];
        d.decode(tone, 0, 480, pcm, 0);
        short[] lost = new short[160];
        d.conceal(160, lost, 0);
        double err = 0;
        double energy = 0;
        for (int i = 0; i < 160; i++) {
            double truth = G711.ulawToLinear(G711.linearToUlaw((int) (10000 * Math.sin(2 * Math.PI * 250 * (480 + i) / 8000.0))));
            err += (lost[i] - truth) * (lost[i] - truth);
            energy += truth * truth;
        }
        assertThat(10 * Math.log10(energy / err)).as("SNR of the concealed 20 ms").isGreaterThan(15);
        short[] more = new short[480];
        d.conceal(480, more, 0); // 20 to 80 ms into the loss
        for (int i = 320; i < 480; i++) {
            assertThat(more[i]).isZero();
        }
    }

    @Test
    void decodeTablesMatchSpandspAndTheItuStl() throws IOException {
        short[] ulaw = readS16(Kit.path("codec-reference/ref/g711/ulaw_decode_table.s16le"));
        short[] alaw = readS16(Kit.path("codec-reference/ref/g711/alaw_decode_table.s16le"));
        for (int c = 0; c < 256; c++) {
            assertThat(G711.ulawToLinear(c)).as("ulaw %02x", c).isEqualTo(ulaw[c]);
            assertThat(G711.alawToLinear(c)).as("alaw %02x", c).isEqualTo(alaw[c]);
        }
    }

    @Test
    void encodersMatchTheItuStlForAllInputs() throws IOException {
        byte[] ulaw = Files.readAllBytes(Kit.path("codec-reference/ref/g711/ulaw_encode_table_itu_stl.u8"));
        byte[] alaw = Files.readAllBytes(Kit.path("codec-reference/ref/g711/alaw_encode_table_itu_stl.u8"));
        for (int k = 0; k < 65536; k++) {
            assertThat(G711.linearToUlaw(k - 32768)).as("ulaw of %d", k - 32768).isEqualTo(ulaw[k]);
            assertThat(G711.linearToAlaw(k - 32768)).as("alaw of %d", k - 32768).isEqualTo(alaw[k]);
        }
    }

    @Test
    void decodesTheKitsSpeechBitExact() throws IOException {
        for (String law : new String[] {"ulaw", "alaw"}) {
            byte[] codes = Files.readAllBytes(Kit.path("codec-reference/ref/g711/speech20_8k." + law));
            short[] ref = readS16(Kit.path("codec-reference/ref/g711/speech20_8k." + law + ".dec.raw"));
            AudioDecoder d = law.equals("ulaw") ? G711Decoder.ulaw() : G711Decoder.alaw();
            short[] out = new short[codes.length];
            assertThat(d.decode(codes, 0, codes.length, out, 0)).isEqualTo(codes.length);
            assertThat(out).isEqualTo(ref);
        }
    }
}
