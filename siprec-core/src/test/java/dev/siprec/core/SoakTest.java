package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a steady call rate with media through one server must leave nothing behind: the
 * heap after a collection, the threads and the open descriptors stay flat while calls come and
 * go. Short by default (12 s at 20 calls/s, one-second calls); {@code -Dsiprec.soak.seconds=600}
 * runs it longer.
 */
class SoakTest {

    static final int CALLS_PER_SECOND = 20;

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long openDescriptors() throws Exception {
        Path fd = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return -1; // not Linux: not measured
        }
        try (var s = Files.list(fd)) {
            return s.count();
        }
    }

    record Sample(double second, long heap, int threads, long descriptors, int active) {
    }

    @Test
    void aSteadyCallRateLeavesHeapThreadsAndDescriptorsFlat() throws Exception {
        int seconds = Integer.getInteger("siprec.soak.seconds", 12);
        AtomicInteger ended = new AtomicInteger();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // T1 of 50 ms: transactions live their 64*T1 for 3.2 s, so the test sees the steady state
        // of what SIP keeps on purpose and can tell it from what accumulates
        SiprecServer server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(44000, 44999)
                .sipTimerT1(java.time.Duration.ofMillis(50)).sampleRate(16000).listener(new RecordingListener() {
                    @Override
                    public void onAudio(RecordingSession session, AudioFrame frame) {
                    }

                    @Override
                    public void onSessionEnded(RecordingSession session, EndReason reason) {
                        ended.incrementAndGet();
                    }
                }).start();
        ExecutorService callers = Executors.newFixedThreadPool(3 * CALLS_PER_SECOND);
        ((java.util.concurrent.ThreadPoolExecutor) callers).prestartAllCoreThreads(); // the test's own threads, up front
        List<Sample> samples = new ArrayList<>();
        List<Future<Integer>> calls = new ArrayList<>();
        try {
            InetSocketAddress sip = server.sipAddresses(Transport.UDP).get(0);
            long start = System.nanoTime();
            int started = 0;
            for (int tick = 0; tick < seconds * 10; tick++) { // two calls every 100 ms
                for (int i = 0; i < CALLS_PER_SECOND / 10; i++) {
                    calls.add(callers.submit(() -> {
                        try (TestSrc src = new TestSrc(sip, false)) {
                            int code = src.recordingInvite("1", "2").statusCode();
                            if (code == 200) {
                                src.ack();
                                src.streamTones(50, 440, 1000); // 1 s of media on both streams
                                src.bye();
                            }
                            return code;
                        }
                    }));
                    started++;
                }
                if (tick % 20 == 19) { // every 2 s (the first sample after the server's warm-up)
                    samples.add(new Sample((System.nanoTime() - start) / 1e9, heapAfterGc(),
                            ManagementFactory.getThreadMXBean().getThreadCount(), openDescriptors(),
                            server.activeSessions().size()));
                }
                long next = start + (tick + 1) * 100_000_000L;
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            }
            int answered = 0;
            java.util.Map<Integer, Integer> others = new java.util.TreeMap<>(); // status -> calls, for the message
            for (Future<Integer> f : calls) {
                int code = f.get(30, TimeUnit.SECONDS);
                answered += code == 200 ? 1 : 0;
                if (code != 200) {
                    others.merge(code, 1, Integer::sum);
                }
            }
            for (int i = 0; i < 100 && ended.get() < answered; i++) {
                Thread.sleep(50);
            }
            samples.forEach(s -> System.out.printf("soak %.0f s: heap after GC %.1f MB, %d threads, %d descriptors, "
                    + "%d sessions%n", s.second(), s.heap() / 1e6, s.threads(), s.descriptors(), s.active()));
            assertThat(answered).as("calls answered of %d (other answers: %s)", started, others).isEqualTo(started);
            assertThat(ended.get()).isEqualTo(answered);
            assertThat(server.activeSessions()).isEmpty();
            assertThat(server.rtpPortsInUse()).isZero();
            // flat: from the second sample (4 s: server and JIT warm, transactions at their
            // steady number, 20 calls in flight) to the last
            Sample first = samples.get(1);
            Sample last = samples.get(samples.size() - 1);
            assertThat(last.heap() - first.heap()).as("heap growth after GC (bytes)").isLessThan(2_000_000L);
            assertThat(last.threads() - first.threads()).as("thread growth").isLessThanOrEqualTo(2);
            if (first.descriptors() >= 0) {
                assertThat(last.descriptors() - first.descriptors()).as("descriptor growth").isLessThanOrEqualTo(20);
            }
        } finally {
            callers.shutdownNow();
            server.close();
        }
    }
}
