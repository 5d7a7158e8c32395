package dev.siprec.media;

import dev.siprec.codecs.g711.G711;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * 20 ms of a two-leg PCMU call through everything a {@link MediaSession} does after the socket
 * read: for each leg a datagram in a pooled direct buffer (as the socket hands it over) goes
 * through {@code Leg.onPacket} (RTCP check, RTP flyweight, payload type, timing, drift, jitter
 * estimate, jitter buffer); then the clock moves 20 ms and {@code tick} delivers one stereo
 * frame (adaptive delay, pop, decode, ring, mix into the interleaved frame, the sink call).
 * One op = two packets and one frame. Driven on the benchmark thread with a virtual clock
 * (no ticker), which is the session's single-threaded model.
 *
 * <p>In package {@code dev.siprec.media} to reach the package-private leg and tick.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionPathBenchmark {

    /** Output rate: 8000 passes G.711 through, 16000 adds the rate converter. */
    @Param({"8000", "16000"})
    int outputRate;


    static final long FRAME_NANOS = 20_000_000L;

    DefaultEventLoop loop;
    MediaSession session;
    final byte[][] templates = new byte[2][172];
    // Datagram buffers reused round-robin; each keeps one reference of ours. A leg holds its own
    // reference until the packet is decoded (at most the playout delay, 15 packets), so 64 per
    // leg never collide. (Allocating per packet on the benchmark thread would measure Netty's
    // recycler for non-Netty threads: 116 B per buffer, which a socket read does not pay.)
    final ByteBuf[][] datagrams = new ByteBuf[2][64];
    long now;
    int seq;
    Blackhole sinkHole;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        sinkHole = bh;
        loop = new DefaultEventLoop();
        for (int leg = 0; leg < 2; leg++) {
            templates[leg][0] = (byte) 0x80;
            for (int i = 0; i < 160; i++) {
                templates[leg][12 + i] = G711.linearToUlaw((int) (8000 * Math.sin(i / (5.0 + 3 * leg))));
            }
        }
        session = new MediaSession(loop,
                List.of(new MediaSession.LegSpec(0, 0, "PCMU", 8000, 1, 101),
                        new MediaSession.LegSpec(1, 0, "PCMU", 8000, 1, 101)),
                new MediaSession.Settings(outputRate, 2, 20, 60, 300, true),
                (position, samples, n, channels, concealed, arrivals) -> sinkHole.consume(samples[n]),
                () -> now);
        for (ByteBuf[] ring : datagrams) {
            for (int i = 0; i < ring.length; i++) {
                ring[i] = PooledByteBufAllocator.DEFAULT.directBuffer(172);
            }
        }
        session.startDriven();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        session.stop().get(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        for (ByteBuf[] ring : datagrams) {
            for (ByteBuf b : ring) {
                b.release();
            }
        }
    }

    @Benchmark
    public void twentyMillisOfATwoLegCall() {
        int s = seq++;
        for (int leg = 0; leg < 2; leg++) {
            ByteBuf d = datagrams[leg][s & 63].clear();
            byte[] t = templates[leg];
            d.writeBytes(t, 0, 2).writeShort(s).writeInt(160 * s).writeInt(0x1000 + leg).writeBytes(t, 12, 160);
            session.leg(leg).onPacket(d, now + 100_000L * leg);
        }
        now += FRAME_NANOS;
        session.tick();
    }
}
