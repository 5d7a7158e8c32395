package dev.siprec.benchmarks;

import dev.siprec.codecs.g711.G711;
import dev.siprec.media.srtp.SrtpContext;
import dev.siprec.media.srtp.SrtpParameters;
import dev.siprec.media.srtp.SrtpSuite;
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
 * What SRTP adds to a 20 ms G.711 packet on the way in: the datagram's bytes are copied into
 * the receive buffer (as the socket does), unprotected ({@code none}: left as they are) and
 * the 160 samples decoded. The difference to {@code none} is SRTP's cost per packet. The
 * packets of a whole sequence-number cycle are protected beforehand with consecutive indices,
 * so the replay window takes every one; a new receiving context starts each cycle.
 *
 * <p>Run with {@code -jvmArgsAppend -XX:-UseAESIntrinsics} for the cost without AES-NI.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpBenchmark {

    /** The suite, or none for plain RTP (the reference). */
    @Param({"none", "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public String suite;

    private static final int PACKETS = 65_536;
    private byte[][] wire;
    private SrtpParameters params;
    private SrtpContext receiver;
    private ByteBuf buf;
    private final short[] pcm = new short[160];
    private int next;

    @Setup(Level.Trial)
    public void protect() {
        buf = Unpooled.directBuffer(256);
        wire = new byte[PACKETS][];
        SrtpContext sender = null;
        if (!suite.equals("none")) {
            SrtpSuite s = SrtpSuite.valueOf(suite);
            byte[] key = new byte[s.keyLength()];
            byte[] salt = new byte[s.saltLength()];
            new java.util.Random(1).nextBytes(key);
            params = SrtpParameters.of(s, key, salt);
            sender = SrtpContext.outbound(params);
            receiver = SrtpContext.inbound(params);
        }
        java.util.Random r = new java.util.Random(2);
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf b = Unpooled.buffer(200);
            b.writeByte(0x80).writeByte(0).writeShort(i).writeInt(i * 160).writeInt(0x5EC0DE);
            for (int k = 0; k < 160; k++) {
                b.writeByte(r.nextInt(256));
            }
            if (sender != null) {
                sender.protectRtp(b);
            }
            wire[i] = new byte[b.readableBytes()];
            b.readBytes(wire[i]);
            b.release();
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        buf.release();
    }

    @Benchmark
    public short packet() {
        if (next == PACKETS) { // a new cycle: the packets carry ROC 0 again, so a new receiver
            next = 0;
            if (params != null) {
                receiver = SrtpContext.inbound(params);
            }
        }
        byte[] datagram = wire[next++];
        buf.clear().writeBytes(datagram);
        if (receiver != null && receiver.unprotectRtp(buf) != SrtpContext.Result.OK) {
            throw new IllegalStateException("packet did not authenticate");
        }
        int at = buf.readerIndex() + 12;
        short acc = 0;
        for (int i = 0; i < 160; i++) {
            pcm[i] = G711.ulawToLinear(buf.getByte(at + i));
            acc ^= pcm[i];
        }
        return acc;
    }
}
