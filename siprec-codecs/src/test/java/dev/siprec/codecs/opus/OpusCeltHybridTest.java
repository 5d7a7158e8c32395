package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CELT, hybrid and mode-switching streams of the kit against libopus's decodes: the final range
 * after every packet equals the encoder's (or, with loss, libopus's decoder's), and the PCM is
 * within the float rounding of libopus's float build (at least 40 dB SNR per stream; the
 * float and fixed-point builds of libopus differ at that level).
 */
class OpusCeltHybridTest {

    static final double MIN_SNR_DB = 40;

    @ParameterizedTest
    @CsvSource({"celt_fb_2.5ms_cbr_64k, 48", "celt_fb_5ms_vbr_64k, 48", "celt_fb_10ms_cbr_96k, 48",
        "celt_fb_20ms_vbr_128k, 48", "celt_fb_20ms_vbr_128k, 16", "celt_fb_20ms_vbr_128k, 8",
        "celt_wb_20ms_cvbr_32k, 48", "hybrid_swb_10ms_vbr_24k, 48", "hybrid_fb_10ms_cbr_40k, 48",
        "hybrid_fb_10ms_cbr_40k, 16", "hybrid_fb_10ms_cbr_40k, 8", "hybrid_fb_20ms_fec_48k, 48",
        "auto_voip_20ms_vbr_dtx_24k, 48", "st_celt_fb_10ms_cbr_96k, 48", "st_hybrid_fb_20ms_vbr_64k, 48",
        "st_auto_audio_20ms_vbr_128k, 48"})
    void closeToLibopusWithExactRanges(String name, int kHz) throws IOException {
        int channels = name.startsWith("st_") ? 2 : 1;
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        short[] reference = Kit.readS16(dir.resolve(name + "." + kHz + "k.dec.raw"));
        long[] ranges = packets.stream().mapToLong(OpusDemo.Packet::finalRange).toArray();
        short[] out = OpusDecoderTest.decodeWithLoss(new OpusDecoder(kHz * 1000, channels), channels, packets,
                new boolean[packets.size()], false, ranges);
        assertThat(out.length).isEqualTo(reference.length);
        assertThat(snr(reference, out)).as(name + " at " + kHz + " kHz, SNR dB").isGreaterThan(MIN_SNR_DB);
        assertCarriesSignal(name, reference, out);
    }

    /** The hybrid stream with the kit's loss pattern: CELT's part concealed, SILK's recovered or concealed. */
    @ParameterizedTest
    @CsvSource({"plc", "fec"})
    void hybridLossAsLibopus(String how) throws IOException {
        String name = "hybrid_fb_20ms_fec_48k";
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        boolean[] lost = OpusDecoderTest.lossPattern(dir.resolve("loss_pattern_300.txt"), packets.size());
        short[] reference = Kit.readS16(dir.resolve(name + ".48k.loss_" + how + ".dec.raw"));
        long[] ranges = OpusDecoderTest.decoderRanges(dir.resolve(name + ".48k.loss_" + how + ".rng"), packets.size());
        short[] out = OpusDecoderTest.decodeWithLoss(new OpusDecoder(48000, 1), 1, packets, lost, how.equals("fec"),
                ranges);
        assertThat(out.length).isEqualTo(reference.length);
        assertThat(snr(reference, out)).as(name + " with loss (" + how + "), SNR dB").isGreaterThan(MIN_SNR_DB);
    }

    /**
     * A long loss in a CELT stream and in a hybrid one: the concealment carries on at about the
     * level of the audio before it (no hole), fades, never grows back, and the next packet
     * decodes with its exact final range.
     */
    @ParameterizedTest
    @CsvSource({"celt_fb_20ms_vbr_128k", "hybrid_fb_20ms_fec_48k", "st_celt_fb_10ms_cbr_96k"})
    void aLongLossFadesOutAndDecodingResumes(String name) throws IOException {
        int channels = name.startsWith("st_") ? 2 : 1;
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        OpusDecoder decoder = new OpusDecoder(48000, channels);
        short[] pcm = new short[5760 * 2];
        int at = 0;
        double before = 0;
        // decode into loud audio
        while (at < packets.size()) {
            OpusDemo.Packet p = packets.get(at++);
            int n = decoder.decode(p.data(), 0, p.data().length, pcm, 0);
            before = energy(pcm, n * channels) / (n * channels);
            if (at > 20 && before > 1e6) {
                break;
            }
        }
        assertThat(before).as("loud audio found").isGreaterThan(1e6);
        double[] lost = new double[40];
        for (int k = 0; k < lost.length; k++) {
            assertThat(decoder.conceal(960, pcm, 0)).isEqualTo(960);
            lost[k] = energy(pcm, 960 * channels) / (960 * channels);
        }
        assertThat(lost[0]).as("the first 20 ms carry on").isGreaterThan(before / 30);
        assertThat(lost[39]).as("800 ms on, well down").isLessThan(lost[0] / 10);
        for (int k = 1; k < lost.length; k++) {
            assertThat(lost[k]).as("frame %d", k).isLessThanOrEqualTo(lost[k - 1] * 1.5 + 1);
        }
        OpusDemo.Packet next = packets.get(at);
        assertThat(decoder.decode(next.data(), 0, next.data().length, pcm, 0)).isPositive();
        assertThat(decoder.finalRange()).isEqualTo(next.finalRange());
    }

    private static double energy(short[] pcm, int n) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += (double) pcm[i] * pcm[i];
        }
        return e;
    }

    /** Nothing silent or clipped where the reference is not, per 20 ms (a listen-free check). */
    static void assertCarriesSignal(String what, short[] reference, short[] out) {
        int block = 960;
        for (int b = 0; b + block <= reference.length; b += block) {
            double er = 0;
            double eo = 0;
            int clippedRef = 0;
            int clippedOut = 0;
            for (int i = b; i < b + block; i++) {
                er += (double) reference[i] * reference[i];
                eo += (double) out[i] * out[i];
                clippedRef += Math.abs(reference[i]) >= 32767 ? 1 : 0;
                clippedOut += Math.abs(out[i]) >= 32767 ? 1 : 0;
            }
            if (er > block * 100.0) {
                assertThat(eo).as("%s: block at %d is silent", what, b).isGreaterThan(er / 10);
            }
            assertThat(clippedOut).as("%s: clipping at %d", what, b).isLessThanOrEqualTo(clippedRef + 2);
        }
    }

    static double snr(short[] reference, short[] out) {
        double s = 0;
        double e = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = reference[i] - out[i];
            s += (double) reference[i] * reference[i];
            e += d * d;
        }
        return e == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(s / e);
    }
}
