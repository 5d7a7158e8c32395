package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Libopus as a live oracle: the kit's {@code opus_ref} harness (Debian's libopus 1.3.1) decodes
 * every SILK-only stream of the kit and RFC 8251 vectors 02-04 at every output rate, mono and
 * stereo, as sent, with the kit's loss pattern concealed, and with FEC; our decoder must give
 * the same PCM and the same final range after every packet. Every other stream of the kit
 * (CELT, hybrid, mode switches) and all 12 RFC 8251 vectors are decoded too, with the same final
 * ranges and PCM within float rounding of libopus's float build ({@link OpusCeltHybridTest}).
 * Skipped with a message when the harness is absent or cannot run (it needs {@code libopus0};
 * CI installs it).
 */
class OpusOracleTest {

    private static final String[] STREAMS = {
        "ref/opus/silk_nb_10ms_cbr_8k", "ref/opus/silk_nb_20ms_vbr_6k", "ref/opus/silk_mb_20ms_vbr_12k",
        "ref/opus/silk_mb_60ms_cbr_14k", "ref/opus/silk_wb_10ms_vbr_16k", "ref/opus/silk_wb_20ms_fec_24k",
        "ref/opus/silk_wb_40ms_dtx_16k", "ref/opus/silk_wb_60ms_cbr_32k", "ref/opus/st_silk_wb_20ms_vbr_32k",
        "vectors/opus/testvector02", "vectors/opus/testvector03", "vectors/opus/testvector04",
    };

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String stream : STREAMS) {
            for (int rate : new int[] {8000, 12000, 16000, 24000, 48000}) {
                for (int channels = 1; channels <= 2; channels++) {
                    cases.add(Arguments.of(stream, rate, channels, "sent"));
                    if (rate == 8000 || rate == 48000) {
                        cases.add(Arguments.of(stream, rate, channels, "plc"));
                        cases.add(Arguments.of(stream, rate, channels, "fec"));
                    }
                }
            }
        }
        return cases.stream();
    }

    private static final String[] MIXED = {
        "ref/opus/celt_fb_2.5ms_cbr_64k", "ref/opus/celt_fb_5ms_vbr_64k", "ref/opus/celt_fb_10ms_cbr_96k",
        "ref/opus/celt_fb_20ms_vbr_128k", "ref/opus/celt_wb_20ms_cvbr_32k", "ref/opus/hybrid_swb_10ms_vbr_24k",
        "ref/opus/hybrid_fb_10ms_cbr_40k", "ref/opus/hybrid_fb_20ms_fec_48k", "ref/opus/auto_voip_20ms_vbr_dtx_24k",
        "ref/opus/st_celt_fb_10ms_cbr_96k", "ref/opus/st_hybrid_fb_20ms_vbr_64k", "ref/opus/st_auto_audio_20ms_vbr_128k",
        "vectors/opus/testvector01", "vectors/opus/testvector05", "vectors/opus/testvector06",
        "vectors/opus/testvector07", "vectors/opus/testvector08", "vectors/opus/testvector09",
        "vectors/opus/testvector10", "vectors/opus/testvector11", "vectors/opus/testvector12",
    };

    static Stream<Arguments> mixedCases() {
        List<Arguments> cases = new ArrayList<>();
        for (String stream : MIXED) {
            for (int rate : new int[] {8000, 12000, 16000, 24000, 48000}) {
                for (int channels = 1; channels <= 2; channels++) {
                    cases.add(Arguments.of(stream, rate, channels, "sent"));
                }
            }
            cases.add(Arguments.of(stream, 48000, 2, "plc"));
            cases.add(Arguments.of(stream, 48000, 1, "fec"));
        }
        for (String vector : new String[] {"02", "03", "04"}) {
            cases.add(Arguments.of("vectors/opus/testvector" + vector, 48000, 2, "sent"));
        }
        return cases.stream();
    }

    /**
     * CELT, hybrid, mode switches and all 12 RFC 8251 vectors at every output rate, mono and
     * stereo: final ranges exact, PCM within 40 dB SNR of libopus's as sent (with loss too where libopus's concealment is the noise
     * fill this decoder implements, that is after hybrid packets), never silent or clipped where
     * libopus is not.
     */
    @ParameterizedTest(name = "{0} at {1} Hz, {2} ch, {3}")
    @MethodSource("mixedCases")
    void closeToLibopus(String stream, int rate, int channels, String loss, @TempDir Path tmp) throws Exception {
        Oracle o = oracle(stream, rate, channels, loss, tmp);
        short[] out = OpusDecoderTest.decodeWithLoss(new OpusDecoder(rate, channels), channels, o.packets, o.lost,
                loss.equals("fec"), o.ranges);
        String what = stream + " at " + rate + " Hz, " + channels + " ch, " + loss;
        assertThat(out.length).as(what).isEqualTo(o.reference.length);
        double snr = OpusCeltHybridTest.snr(o.reference, out);
        if (loss.equals("sent") || !stream.contains("celt") && !stream.contains("auto") && !stream.contains("vector")) {
            assertThat(snr).as(what + ": SNR dB").isGreaterThan(OpusCeltHybridTest.MIN_SNR_DB);
        }
        if (loss.equals("sent")) {
            OpusCeltHybridTest.assertCarriesSignal(what, o.reference, out);
        }
    }

    private record Oracle(List<OpusDemo.Packet> packets, boolean[] lost, long[] ranges, short[] reference) {
    }

    private static Oracle oracle(String stream, int rate, int channels, String loss, Path tmp) throws Exception {
        Path kit = Kit.path("codec-reference");
        Path oracle = kit.resolve("bin/opus_ref");
        assumeTrue(runs(oracle), "skipped: " + oracle + " does not run here (it needs Debian's libopus0)");
        Path bit = kit.resolve(stream + ".bit");
        Path pattern = kit.resolve("ref/opus/loss_pattern_300.txt");
        List<String> command = new ArrayList<>(List.of(oracle.toString(), "dec", "--rate", String.valueOf(rate), "--ch",
                String.valueOf(channels)));
        if (!loss.equals("sent")) {
            command.addAll(List.of("--loss-pattern", pattern.toString()));
        }
        if (loss.equals("fec")) {
            command.add("--fec");
        }
        Path pcm = tmp.resolve("ref.raw");
        Path rng = tmp.resolve("ref.rng");
        command.addAll(List.of(bit.toString(), pcm.toString(), rng.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("log"))).isZero();
        List<OpusDemo.Packet> packets = OpusDemo.read(bit);
        boolean[] lost = loss.equals("sent") ? new boolean[packets.size()]
                : OpusDecoderTest.lossPattern(pattern, packets.size());
        return new Oracle(packets, lost, OpusDecoderTest.decoderRanges(rng, packets.size()), Kit.readS16(pcm));
    }

    @ParameterizedTest(name = "{0} at {1} Hz, {2} ch, {3}")
    @MethodSource("cases")
    void sameAsLibopus(String stream, int rate, int channels, String loss, @TempDir Path tmp) throws Exception {
        Oracle o = oracle(stream, rate, channels, loss, tmp);
        short[] out = OpusDecoderTest.decodeWithLoss(new OpusDecoder(rate, channels), channels, o.packets, o.lost,
                loss.equals("fec"), o.ranges);
        OpusDecoderTest.assertSamePcm(stream + " at " + rate + " Hz, " + channels + " ch, " + loss, out, out.length,
                o.reference);
    }

    private static Boolean runnable;

    private static synchronized boolean runs(Path oracle) throws IOException, InterruptedException {
        if (runnable == null) {
            runnable = false;
            if (Files.isExecutable(oracle)) {
                Process p = new ProcessBuilder(oracle.toString(), "version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                runnable = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            }
        }
        return runnable;
    }
}
