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
 * the same PCM and the same final range after every packet. Skipped with a message when the
 * harness is absent or cannot run (it needs {@code libopus0}; CI installs it).
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

    @ParameterizedTest(name = "{0} at {1} Hz, {2} ch, {3}")
    @MethodSource("cases")
    void sameAsLibopus(String stream, int rate, int channels, String loss, @TempDir Path tmp) throws Exception {
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
        long[] ranges = OpusDecoderTest.decoderRanges(rng, packets.size());
        short[] reference = Kit.readS16(pcm);
        short[] out = OpusDecoderTest.decodeWithLoss(new OpusDecoder(rate, channels), channels, packets, lost,
                loss.equals("fec"), ranges);
        OpusDecoderTest.assertSamePcm(stream + " at " + rate + " Hz, " + channels + " ch, " + loss, out, out.length,
                reference);
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
