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

/**
 * The time scaler on 20 ms of one channel at the output rate: what a leg pays per packet while it
 * follows a drifting sender ({@code scale}), and while it is in place ({@code remember}: the
 * history it keeps so that scaling can start at any block).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TimeScalerBenchmark {

    @Param({"8000", "16000", "48000"})
    int rate;

    TimeScaler scaler;
    short[] in;
    short[] out;
    double speed = 0.02;

    @Setup
    public void setUp() {
        scaler = new TimeScaler();
        in = new short[rate / 50];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        out = new short[in.length * 2];
    }

    @Benchmark
    public int scale() {
        speed = -speed; // 2% fast and slow in turn: the output stays bounded
        return scaler.process(in, in.length, speed, out);
    }

    @Benchmark
    public void remember() {
        scaler.remember(in, in.length);
    }
}
