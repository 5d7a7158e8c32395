package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mono SILK-only streams decoded at an output rate, against libopus's decodes in the kit. */
class OpusDecoderTest {

    /**
     * Every SILK stream of the kit without empty frames, mono and stereo (silk_nb_10ms_cbr_8k and
     * silk_wb_40ms_dtx_16k have some: libopus conceals those, which is not written yet).
     */
    @ParameterizedTest
    @CsvSource({"silk_nb_20ms_vbr_6k, 8", "silk_nb_20ms_vbr_6k, 16", "silk_nb_20ms_vbr_6k, 48",
        "silk_wb_20ms_fec_24k, 16", "silk_wb_20ms_fec_24k, 48", "silk_mb_20ms_vbr_12k, 48",
        "silk_mb_60ms_cbr_14k, 48", "silk_wb_10ms_vbr_16k, 48", "silk_wb_60ms_cbr_32k, 48",
        "st_silk_wb_20ms_vbr_32k, 48"})
    void bitExactWithLibopus(String name, int kHz) throws IOException {
        int channels = name.startsWith("st_") ? 2 : 1;
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        short[] reference = Kit.readS16(dir.resolve(name + "." + kHz + "k.dec.raw"));
        OpusDecoder decoder = new OpusDecoder(kHz * 1000, channels);
        short[] out = new short[packets.size() * 120 * kHz * channels];
        int n = 0;
        int index = 0;
        for (OpusDemo.Packet p : packets) {
            int got = decoder.decode(p.data(), 0, p.data().length, out, n);
            assertThat(got).as("packet %d", index).isPositive();
            assertThat(decoder.finalRange()).as("final range of packet %d", index).isEqualTo(p.finalRange());
            n += got * channels;
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

    /**
     * The SILK-only RFC 8251 test vectors decoded at 48 kHz stereo: the SHA-1 of the output must
     * be the one RFC 8251 §11 publishes for the official decode (libopus gives the same).
     */
    @ParameterizedTest
    @CsvSource({"02, 48ac1ff1995250a756e1e17bd32acefa8cd2b820", "03, d15567e919db2d0e818727092c0af8dd9df23c95",
        "04, 1249dd28f5bd1e39a66fd6d99449dca7a8316342"})
    void officialVectorsHaveTheRfc8251Sha1(String vector, String sha1) throws Exception {
        Path file = Kit.path("codec-reference/vectors/opus/testvector" + vector + ".bit");
        List<OpusDemo.Packet> packets = OpusDemo.read(file);
        OpusDecoder decoder = new OpusDecoder(48000, 2);
        short[] pcm = new short[5760 * 2];
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-1");
        byte[] le = new byte[pcm.length * 2];
        int index = 0;
        for (OpusDemo.Packet p : packets) {
            int got = decoder.decode(p.data(), 0, p.data().length, pcm, 0);
            assertThat(got).as("vector %s packet %d", vector, index).isPositive();
            assertThat(decoder.finalRange()).as("vector %s packet %d range", vector, index).isEqualTo(p.finalRange());
            for (int i = 0; i < 2 * got; i++) {
                le[2 * i] = (byte) pcm[i];
                le[2 * i + 1] = (byte) (pcm[i] >> 8);
            }
            digest.update(le, 0, 4 * got);
            index++;
        }
        assertThat(java.util.HexFormat.of().formatHex(digest.digest())).isEqualTo(sha1);
    }
}
