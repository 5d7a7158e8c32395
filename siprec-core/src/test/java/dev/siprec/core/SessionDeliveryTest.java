package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionDeliveryTest {

    /** Runs tasks only when asked: the test plays the delivery thread. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }
    }

    final List<String> seen = new ArrayList<>();
    final List<short[]> buffers = new ArrayList<>();

    SessionDelivery delivery(java.util.concurrent.Executor executor, int maxFrames) {
        return new SessionDelivery("s", executor, f -> {
            seen.add("frame@" + f.position + ":" + f.samples[0] + "/" + f.samples[1] + " c" + f.concealedChannels
                    + " a" + f.arrivalNanos[1]);
            buffers.add(f.samples);
        }, maxFrames, 2);
    }

    static short[] frame(int left, int right) {
        short[] s = new short[4];
        s[0] = (short) left;
        s[1] = (short) right;
        return s;
    }

    @Test
    void callsKeepTheirOrderAndFramesAreCopies() {
        ManualExecutor ex = new ManualExecutor();
        SessionDelivery d = delivery(ex, 10);
        d.offer(() -> seen.add("started"));
        short[] shared = frame(1, 2);
        d.offerFrame(0, shared, 2, 0, new long[] {5, 6});
        shared[0] = 99; // the media session reuses its array for the next frame
        d.offer(() -> seen.add("dtmf"));
        d.offerFrame(2, frame(3, 4), 2, 2, new long[] {Long.MIN_VALUE, 7});
        d.offer(() -> seen.add("ended"));
        assertThat(seen).isEmpty(); // nothing runs on the producer's thread
        assertThat(ex.tasks).hasSize(1); // scheduled once, however much is queued
        ex.runAll();
        assertThat(seen).containsExactly("started", "frame@0:1/2 c0 a6", "dtmf", "frame@2:3/4 c2 a7", "ended");
        DeliveryStats s = d.stats(LatencyStats.EMPTY);
        assertThat(s.framesDelivered()).isEqualTo(2);
        assertThat(s.framesDropped()).isZero();
        assertThat(s.mostFramesQueued()).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsNewFramesButNeverOtherCalls() {
        ManualExecutor ex = new ManualExecutor();
        SessionDelivery d = delivery(ex, 3);
        for (int i = 0; i < 5; i++) {
            d.offerFrame(2L * i, frame(i, i), 2, 0, new long[2]);
            int k = i;
            d.offer(() -> seen.add("event" + k));
        }
        ex.runAll();
        // frames 3 and 4 found three queued and were dropped; every event arrived, in order
        assertThat(seen).containsExactly("frame@0:0/0 c0 a0", "event0", "frame@2:1/1 c0 a0", "event1",
                "frame@4:2/2 c0 a0", "event2", "event3", "event4");
        assertThat(d.stats(LatencyStats.EMPTY)).isEqualTo(new DeliveryStats(3, 2, 3, LatencyStats.EMPTY));
        // once drained, frames flow again, at their own positions (the gap shows what was lost)
        d.offerFrame(10, frame(5, 5), 2, 0, new long[2]);
        ex.runAll();
        assertThat(seen.get(seen.size() - 1)).isEqualTo("frame@10:5/5 c0 a0");
    }

    @Test
    void frameBuffersAreReusedOnceDelivered() {
        ManualExecutor ex = new ManualExecutor();
        SessionDelivery d = delivery(ex, 4);
        for (int round = 0; round < 50; round++) {
            d.offerFrame(round, frame(round, 0), 2, 0, new long[2]);
            d.offerFrame(round, frame(round, 1), 2, 0, new long[2]);
            ex.runAll();
        }
        // a listener that keeps up needs two buffers here, however long the session runs
        assertThat(buffers.stream().map(System::identityHashCode).distinct().count()).isEqualTo(2);
    }

    @Test
    void aSlowListenerDoesNotHoldUpTheProducerAndOneSessionRunsOneCallAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
            List<Long> positions = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch release = new CountDownLatch(1);
            SessionDelivery d = new SessionDelivery("slow", pool, f -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                    release.await(5, TimeUnit.SECONDS); // the first call blocks until the producer is done
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                positions.add(f.position);
                inside.decrementAndGet();
            }, 50, 1);
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                d.offerFrame(i, new short[] {1}, 1, 0, new long[1]);
            }
            long producerMillis = (System.nanoTime() - t0) / 1_000_000;
            CountDownLatch ended = new CountDownLatch(1);
            d.offer(ended::countDown);
            release.countDown();
            assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(producerMillis).as("the producer never waits for the listener").isLessThan(2000);
            assertThat(most.get()).isEqualTo(1);
            // 50 queued while the first call was blocked (one of them in it); the rest dropped
            DeliveryStats s = d.stats(LatencyStats.EMPTY);
            assertThat(s.framesDelivered() + s.framesDropped()).isEqualTo(200);
            assertThat(s.framesDropped()).isEqualTo(150);
            assertThat(positions).isSorted().hasSize(50);
        } finally {
            pool.shutdownNow();
        }
    }
}
