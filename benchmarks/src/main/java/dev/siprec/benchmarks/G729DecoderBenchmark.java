package dev.siprec.benchmarks;

import dev.siprec.codecs.g729.G729Decoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * G.729A+B decoding, one op = 20 ms of audio (two 10 ms frames), walking through 60 s of
 * speech: the kit's {@code speech60_8k_novad} (speech frames only) or {@code speech60_8k_vad}
 * (speech, SID and untransmitted frames), the streams the kit's C harness times with bcg729
 * ({@code -Dsiprec.g729=DIR}; random speech frames when the kit is absent).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3) // three JVMs: one fork's JIT decisions vary its result by a few percent
public class G729DecoderBenchmark {

    @Param({"novad", "vad"})
    public String stream;

    byte[] data;
    int[] sizes;
    int[] offsets;
    final short[] pcm = new short[160];
    G729Decoder decoder;
    int frame;

    @Setup
    public void load() throws IOException {
        Path dir = Paths.get(System.getProperty("siprec.g729", "../shared/codec-reference/ref/g729"));
        Path bits = dir.resolve("speech60_8k_" + stream + ".g729");
        if (Files.exists(bits)) {
            data = Files.readAllBytes(bits);
            List<String> lines = Files.readAllLines(dir.resolve("speech60_8k_" + stream + ".sizes"));
            sizes = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> Integer.parseInt(l.trim())).toArray();
        } else {
            data = new byte[60_000];
            new Random(1).nextBytes(data);
            sizes = new int[6000];
            java.util.Arrays.fill(sizes, 10);
        }
        offsets = new int[sizes.length];
        for (int i = 1; i < sizes.length; i++) {
            offsets[i] = offsets[i - 1] + sizes[i - 1];
        }
        decoder = new G729Decoder();
    }

    @Benchmark
    public short decode20ms() {
        for (int k = 0; k < 2; k++) {
            int n = sizes[frame];
            if (n == 0) {
                decoder.fillSilence(80, pcm, 80 * k);
            } else {
                decoder.decode(data, offsets[frame], n, pcm, 80 * k);
            }
            if (++frame == sizes.length) {
                frame = 0;
                decoder.reset();
            }
        }
        return pcm[159];
    }
}
