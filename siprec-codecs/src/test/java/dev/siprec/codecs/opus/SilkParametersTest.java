package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every symbol of the SILK layer read in order: the range decoder then ends on the encoder's
 * final range, packet after packet. One wrong table entry, condition or order shows here.
 */
class SilkParametersTest {

    /** Checks every SILK-only packet of a stream; returns {checked, skipped}. */
    static int[] check(Path file) throws IOException {
        OpusPacket p = new OpusPacket();
        RangeDecoder d = new RangeDecoder();
        SilkParameters silk = new SilkParameters();
        int checked = 0;
        int skipped = 0;
        int index = 0;
        for (OpusDemo.Packet packet : OpusDemo.read(file)) {
            index++;
            assertThat(p.parse(packet.data(), 0, packet.data().length)).isNull();
            if (p.mode() != OpusPacket.Mode.SILK) {
                skipped++; // hybrid and CELT need the CELT layer too
                continue;
            }
            boolean verifiable = true;
            long range = 0;
            for (int f = 0; f < p.frameCount(); f++) {
                int len = p.frameLength(f);
                if (len <= 1) {
                    range = 0; // DTX: a frame of at most one byte is decoded as a loss, range 0
                    continue;
                }
                d.init(packet.data(), p.frameOffset(f), len);
                silk.read(d, p.bandwidth(), p.frameSamples48k() / 48, p.stereo());
                if (d.tell() + 17 <= 8 * len) {
                    verifiable = false; // a redundant CELT frame follows (§4.5.1), in the range too
                }
                range = d.finalRange();
            }
            if (!verifiable) {
                skipped++;
                continue;
            }
            assertThat(Long.toHexString(range)).as("%s packet %d", file.getFileName(), index)
                    .isEqualTo(Long.toHexString(packet.finalRange()));
            checked++;
        }
        return new int[] {checked, skipped};
    }

    @Test
    void theKitsSilkStreamsEndOnTheEncodersFinalRange() throws IOException {
        Path dir = Kit.path("codec-reference/ref/opus");
        int streams = 0;
        try (var files = Files.list(dir)) {
            for (Path bit : files.filter(f -> f.getFileName().toString().matches("(st_)?silk_.*\\.bit")).sorted().toList()) {
                int[] r = check(bit);
                assertThat(r[0]).as("%s: packets checked (skipped %d)", bit.getFileName(), r[1]).isGreaterThan(50);
                streams++;
            }
        }
        assertThat(streams).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theSilkOnlyRfc8251VectorsEndOnTheEncodersFinalRange() throws IOException {
        Path dir = Kit.path("codec-reference/vectors/opus");
        for (int v = 2; v <= 4; v++) {
            int[] r = check(dir.resolve(String.format("testvector%02d.bit", v)));
            assertThat(r[0]).as("vector %d: packets checked (skipped %d)", v, r[1]).isGreaterThan(100);
        }
    }

    @Test
    void silkOnlyPacketsAmongOtherModesEndRightToo() throws IOException {
        // the mixed streams (auto mode, and the vectors that switch modes): their SILK-only
        // packets, after hybrid or CELT ones, and those carrying a redundant CELT frame skipped
        int checked = 0;
        Path kit = Kit.path("codec-reference/ref/opus");
        try (var files = Files.list(kit)) {
            for (Path bit : files.filter(f -> f.getFileName().toString().matches("(auto|hybrid|celt|st_(hybrid|celt|auto)).*\\.bit"))
                    .sorted().toList()) {
                checked += check(bit)[0];
            }
        }
        Path vectors = Kit.path("codec-reference/vectors/opus");
        for (int v : new int[] {1, 5, 6, 7, 8, 9, 10, 11, 12}) {
            checked += check(vectors.resolve(String.format("testvector%02d.bit", v)))[0];
        }
        assertThat(checked).as("SILK-only packets in mixed streams").isGreaterThan(500);
    }

    @Test
    void aBlockCodedWithLsbsOnlyHasItsSignsRead() {
        // A mono 20 ms NB frame written symbol by symbol with the test encoder: unvoiced, all
        // blocks empty except the first, which has no pulses and one LSb per coefficient. Its
        // non-zero coefficients still carry signs, from the pulse-count-0 PDF.
        RangeDecoderTest.Encoder e = new RangeDecoderTest.Encoder(256);
        e.bitLogp(1, 1); // VAD
        e.bitLogp(0, 1); // no LBRR
        icdf(e, 1, SilkTables.FRAME_TYPE_ACTIVE); // type 3: unvoiced, high offset
        icdf(e, 2, SilkTables.GAIN_MSB[1]);
        icdf(e, 5, SilkTables.GAIN_LSB);
        for (int k = 1; k < 4; k++) {
            icdf(e, 4, SilkTables.GAIN_DELTA);
        }
        icdf(e, 0, SilkTables.NLSF_STAGE1[0]);
        for (int k = 0; k < 10; k++) {
            icdf(e, 4, SilkTables.NLSF_STAGE2[SilkTables.NLSF_CB_NBMB[0].charAt(k) - 'a']);
        }
        icdf(e, 4, SilkTables.NLSF_INTERPOLATION);
        icdf(e, 2, SilkTables.SEED);
        icdf(e, 3, SilkTables.RATE_LEVEL[0]);
        icdf(e, 17, SilkTables.PULSE_COUNT[3]); // block 0: one LSb level...
        icdf(e, 0, SilkTables.PULSE_COUNT[9]); // ...and no pulses
        for (int b = 1; b < 10; b++) {
            icdf(e, 0, SilkTables.PULSE_COUNT[3]);
        }
        int[] lsbs = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1};
        for (int bit : lsbs) {
            icdf(e, bit, SilkTables.LSB);
        }
        int[] signs = {0, 1, 1, 0, 1, 0, 0, 1, 0};
        int[] pdf = SilkTables.SIGN_ICDF[1][1][0];
        for (int sign : signs) { // one per non-zero coefficient
            icdf(e, sign, pdf);
        }
        long range = e.done();
        RangeDecoder d = new RangeDecoder();
        d.init(e.out, 0, e.out.length);
        SilkParameters silk = new SilkParameters();
        silk.read(d, OpusPacket.Bandwidth.NB, 20, false);
        assertThat(d.finalRange()).isEqualTo(range);
        int[] x = silk.lastFrame().pulses;
        int nonZero = 0;
        for (int j = 0; j < 16; j++) {
            assertThat(Math.abs(x[j])).isEqualTo(lsbs[j]);
            if (lsbs[j] != 0) {
                assertThat(x[j]).as("coefficient %d", j).isEqualTo(signs[nonZero++] == 0 ? -1 : 1);
            }
        }
    }

    static void icdf(RangeDecoderTest.Encoder e, int symbol, int[] icdf) {
        e.icdf(symbol, icdf, 8);
    }
}
