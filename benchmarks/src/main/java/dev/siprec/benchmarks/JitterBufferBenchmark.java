package dev.siprec.benchmarks;

import dev.siprec.media.JitterBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The jitter buffer alone: one op inserts one packet and pops the next in sequence order, with
 * {@code depth} packets held (the playout delay in packets) and, when {@code reordered}, every
 * pair of packets arriving swapped. The payload is one retained buffer (reference counting is
 * part of the cost; no allocation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JitterBufferBenchmark {

    @Param({"3", "15"})
    int depth;

    @Param({"false", "true"})
    boolean reordered;

    final JitterBuffer jitter = new JitterBuffer(64);
    ByteBuf payload;
    long next; // next packet to send, in sending order

    @Setup(Level.Trial)
    public void setUp() {
        payload = Unpooled.directBuffer(160).writeZero(160);
        for (long s = 0; s < depth; s++) { // fill to the working depth
            insertNext();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jitter.clear();
        payload.release();
    }

    private void insertNext() {
        long k = next++;
        long seq = reordered ? k ^ 1 : k; // 1, 0, 3, 2, ...
        jitter.insert(seq, seq * 160, payload.retain(), 0, k);
    }

    @Benchmark
    public long insertAndPop() {
        insertNext();
        ByteBuf p = jitter.pop();
        long position = jitter.lostOnLastPop();
        p.release();
        return position;
    }
}
