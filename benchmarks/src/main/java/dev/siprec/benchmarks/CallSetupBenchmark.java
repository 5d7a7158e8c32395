package dev.siprec.benchmarks;

import dev.siprec.core.EndReason;
import dev.siprec.core.RecordingListener;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.SiprecServer;
import dev.siprec.core.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one SIPREC call's setup and teardown through the whole server in this JVM: a
 * {@link SiprecServer} on loopback (SIP stack, admission, metadata, SDP answer, RTP sockets,
 * session start and end, the listener's callbacks) and an SRC on a plain UDP socket. One
 * invocation runs {@value #BATCH} calls the way an SBC offers them under load: the INVITEs
 * back to back, then for each 200 OK its ACK and at once its BYE, until every BYE is answered.
 * No media. The time per call is wall-clock with the server and the SRC sharing the machine,
 * so it bounds the server's cost from above; {@code -prof gc} gives the bytes allocated per
 * call on all threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class CallSetupBenchmark {

    static final int BATCH = 100;

    /** Netty's native epoll sockets (true) or the JDK's NIO (false). */
    @Param({"true", "false"})
    public boolean nativeTransport;

    private SiprecServer server;
    private DatagramChannel sip;
    private InetSocketAddress srs;
    private InetSocketAddress local;
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    private long round;
    private final AtomicLong ended = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        server = SiprecServer.builder().sip(Transport.UDP, new InetSocketAddress(lo, 0)).mediaAddress(lo)
                .rtpPortRange(40000, 49999).maxSessionRate(1_000_000).nativeTransport(nativeTransport)
                .listener(new RecordingListener() {
                    @Override
                    public void onAudio(RecordingSession session, dev.siprec.core.AudioFrame frame) {
                    }

                    @Override
                    public void onSessionEnded(RecordingSession session, EndReason reason) {
                        ended.incrementAndGet();
                    }
                }).start();
        if (server.nativeTransport() != nativeTransport) {
            throw new IllegalStateException("native epoll transport unavailable here");
        }
        srs = server.sipAddresses(Transport.UDP).get(0);
        sip = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        sip.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        sip.configureBlocking(false);
        local = (InetSocketAddress) sip.getLocalAddress();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        server.close();
        sip.close();
    }

    /** {@value #BATCH} calls: INVITE, 200 OK, ACK, BYE, 200 OK each. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long calls() throws IOException {
        round++;
        Map<String, LoadRun.Call> open = new HashMap<>();
        for (int i = 0; i < BATCH; i++) {
            String callId = "setup-" + round + "-" + i + "@bench";
            LoadRun.send(sip, srs, LoadRun.invite(local, srs, callId));
            open.put(callId, null);
        }
        int answered = 0;
        int byes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (byes < BATCH) {
            in.clear();
            if (sip.receive(in) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("calls not completed: " + answered + " answered, " + byes
                            + " ended");
                }
                LockSupport.parkNanos(20_000);
                continue;
            }
            in.flip();
            String msg = StandardCharsets.ISO_8859_1.decode(in).toString();
            Matcher st = LoadRun.STATUS.matcher(msg);
            if (!st.find()) {
                continue;
            }
            int code = Integer.parseInt(st.group(1));
            if (code < 200) {
                continue;
            }
            if (code != 200) {
                throw new IllegalStateException("refused: " + msg.lines().findFirst().orElse(""));
            }
            if (msg.contains(" BYE\r\n")) {
                byes++;
                continue;
            }
            Matcher id = LoadRun.CALL_ID.matcher(msg);
            Matcher tag = LoadRun.TO_TAG.matcher(msg);
            if (!id.find() || !tag.find()) {
                continue;
            }
            LoadRun.Call call = new LoadRun.Call(id.group(1).trim(), tag.group(1), new InetSocketAddress[0]);
            // the first 200 OK of one of ours (a retransmitted one finds its call answered)
            if (open.containsKey(call.callId()) && open.put(call.callId(), call) == null) {
                answered++;
                LoadRun.send(sip, srs, LoadRun.inDialog("ACK", 1, local, srs, call));
                LoadRun.send(sip, srs, LoadRun.inDialog("BYE", 2, local, srs, call));
            }
        }
        return ended.get();
    }
}
