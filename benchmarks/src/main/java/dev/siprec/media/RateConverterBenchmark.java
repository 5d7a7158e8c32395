package dev.siprec.media;

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

/** The rate converter alone: 20 ms of input converted, per rate pair. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateConverterBenchmark {

    @Param({"8000:16000", "8000:48000", "48000:16000"})
    String pair;

    RateConverter converter;
    short[] in;
    short[] out;

    @Setup
    public void setUp() {
        String[] r = pair.split(":");
        int from = Integer.parseInt(r[0]);
        int to = Integer.parseInt(r[1]);
        converter = new RateConverter(from, to);
        in = new short[from / 50];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / from));
        }
        out = new short[converter.outputLength(in.length) + 16];
    }

    @Benchmark
    public int twentyMillis() {
        return converter.convert(in, in.length, out);
    }
}
