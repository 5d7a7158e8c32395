package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mono SILK-only streams decoded at an output rate, against libopus's decodes in the kit. */
class OpusSilkDecoderTest {

    /**
     * Every mono SILK stream of the kit without empty frames (silk_nb_10ms_cbr_8k and
     * silk_wb_40ms_dtx_16k have some: libopus conceals those, which is not written yet).
     */
    @ParameterizedTest
    @CsvSource({"silk_nb_20ms_vbr_6k, 8", "silk_nb_20ms_vbr_6k, 16", "silk_nb_20ms_vbr_6k, 48",
        "silk_wb_20ms_fec_24k, 16", "silk_wb_20ms_fec_24k, 48", "silk_mb_20ms_vbr_12k, 48",
        "silk_mb_60ms_cbr_14k, 48", "silk_wb_10ms_vbr_16k, 48", "silk_wb_60ms_cbr_32k, 48"})
    void bitExactWithLibopus(String name, int kHz) throws IOException {
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        short[] reference = Kit.readS16(dir.resolve(name + "." + kHz + "k.dec.raw"));
        OpusSilkDecoder decoder = new OpusSilkDecoder(kHz * 1000);
        short[] out = new short[packets.size() * 120 * kHz];
        int n = 0;
        int index = 0;
        for (OpusDemo.Packet p : packets) {
            int got = decoder.decode(p.data(), 0, p.data().length, out, n);
            assertThat(got).as("packet %d", index).isPositive();
            assertThat(decoder.finalRange()).as("final range of packet %d", index).isEqualTo(p.finalRange());
            n += got;
            index++;
        }
        assertThat(n).isEqualTo(reference.length);
        for (int i = 0; i < n; i++) {
            if (out[i] != reference[i]) {
                throw new AssertionError(name + " at " + kHz + " kHz: first difference at sample " + i + ": " + out[i]
                        + " instead of " + reference[i]);
            }
        }
    }
}
