package dev.siprec.benchmarks;

import dev.siprec.codecs.g722.G722Decoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * G.722 decoding, one op = one 20 ms RTP payload (160 octets -> 320 samples at 16 kHz),
 * walking through 60 s of speech: the kit's {@code speech60_16k.g722}, the same file the C
 * reference harness times ({@code -Dsiprec.g722=PATH}; random codes when it is absent).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class G722DecoderBenchmark {

    byte[] stream;
    final short[] pcm = new short[320];
    G722Decoder decoder;
    int offset;

    @Setup
    public void load() throws IOException {
        Path p = Paths.get(System.getProperty("siprec.g722", "../shared/codec-reference/ref/g722/speech60_16k.g722"));
        if (Files.exists(p)) {
            stream = Files.readAllBytes(p);
        } else {
            stream = new byte[480_000];
            new Random(1).nextBytes(stream);
        }
        decoder = new G722Decoder(1);
    }

    @Benchmark
    public short decode20ms() {
        decoder.decode(stream, offset, 160, pcm, 0);
        offset += 160;
        if (offset + 160 > stream.length) {
            offset = 0;
        }
        return pcm[319];
    }
}
