package dev.siprec.benchmarks;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.g711.G711;
import dev.siprec.codecs.g711.G711Decoder;
import dev.siprec.codecs.g722.G722Decoder;
import dev.siprec.media.JitterBuffer;
import dev.siprec.media.RtpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
 * The receive path of one RTP packet, as a media leg runs it, without the socket: validate the
 * header in place (flyweight), keep the retained datagram (indices on the payload) in the jitter buffer, pop
 * it in sequence order, decode it into a reused array, release it. One op = one 20 ms packet.
 * The datagram buffer comes from Netty's pooled allocator, as a socket read would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PacketPathBenchmark {

    @Param({"PCMU", "G722"})
    String codec;

    final RtpPacket rtp = new RtpPacket();
    final JitterBuffer jitter = new JitterBuffer(512);
    final byte[] scratch = new byte[2048];
    final short[] pcm = new short[4096];
    final byte[] template = new byte[172];
    AudioDecoder decoder;
    ByteBuf datagram;
    int seq;

    @Setup(Level.Trial)
    public void setUp() {
        decoder = codec.equals("PCMU") ? G711Decoder.ulaw() : new G722Decoder();
        template[0] = (byte) 0x80;
        template[1] = (byte) (codec.equals("PCMU") ? 0 : 9);
        for (int i = 0; i < 160; i++) {
            template[12 + i] = G711.linearToUlaw((int) (8000 * Math.sin(i / 5.0)));
        }
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jitter.clear();
        datagram.release();
    }

    @Benchmark
    public int receiveBufferDecode() {
        // the "socket read": a datagram in a pooled direct buffer
        datagram.clear().writeBytes(template);
        datagram.setShort(2, seq);
        datagram.setInt(4, seq * 160);
        String problem = rtp.wrap(datagram);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        int from = rtp.payloadIndex();
        jitter.insert(seq, seq * 160L, datagram.retain().setIndex(from, from + rtp.payloadLength()));
        seq++;
        ByteBuf payload = jitter.pop();
        int n;
        try {
            int length = payload.readableBytes();
            payload.getBytes(payload.readerIndex(), scratch, 0, length);
            n = decoder.decode(scratch, 0, length, pcm, 0);
        } finally {
            payload.release();
        }
        return n + rtp.sequenceNumber();
    }
}
