package dev.siprec.benchmarks;

import dev.siprec.codecs.g726.G726Decoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * G.726-32 decoding speed, per sample: the spandsp-encoded test signal of the codec tests
 * (4 s), in 20 ms RTP payloads (two codewords per octet). spandsp's own decoder is timed on
 * the same codewords by the oracle harness ({@code g726_ref bench}), in the same run; see
 * benchmarks/README.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class G726DecoderBenchmark {

    private static final int SAMPLES = 32_000;
    private byte[] payloads;
    private final short[] out = new short[SAMPLES];
    private G726Decoder decoder;

    @Setup
    public void load() throws IOException {
        byte[] codes;
        try (var in = G726DecoderBenchmark.class.getResourceAsStream("/g726/signal.codes")) {
            codes = in != null ? in.readAllBytes()
                    : Files.readAllBytes(Path.of("siprec-codecs/src/test/resources/g726/signal.codes"));
        }
        payloads = new byte[SAMPLES / 2];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = (byte) ((codes[2 * i] & 0x0F) | (codes[2 * i + 1] << 4));
        }
        decoder = new G726Decoder();
    }

    /** The whole signal, 80 octets (20 ms) at a time, from a fresh state. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public short decode() {
        decoder.reset();
        for (int at = 0; at < payloads.length; at += 80) {
            decoder.decode(payloads, at, 80, out, 2 * at);
        }
        return out[SAMPLES - 1];
    }
}
