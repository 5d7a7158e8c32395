package dev.siprec.core;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How far behind the server's event loops run: each loop runs a probe every 10 ms, and a probe
 * that runs late says how long work queued on that loop waits. Past the limit the server is
 * overloaded whatever the configured rates say (a slower machine, another process on the same
 * cores, a burst of retransmissions), and new sessions are refused at once so that the calls it
 * has keep their time. Thread-safe; the probes cost one task per loop every 10 ms.
 */
final class LoopLag {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    // A fresh JVM stalls its loops while it loads and compiles their code: the first seconds'
    // lag says nothing of load (on the 2-core test machine it refused the first calls of a test)
    static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final long started = System.nanoTime();

    private final long limitNanos;
    private final List<ScheduledFuture<?>> probes = new ArrayList<>();
    private final long[] lags; // per loop: the recent worst lag, fading with time
    private final long[] latest; // per loop: the last probe's lag
    private final long[] lastRun; // per loop: when its probe last ran

    LoopLag(EventLoopGroup group, long limitMillis) {
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMillis);
        int loops = 0;
        for (EventExecutor ignored : group) {
            loops++;
        }
        this.lags = new long[loops];
        this.latest = new long[loops];
        this.lastRun = new long[loops];
        java.util.Arrays.fill(lastRun, System.nanoTime());
        if (limitMillis <= 0) {
            return;
        }
        int index = 0;
        for (EventExecutor loop : group) {
            int i = index++;
            long[] last = {System.nanoTime()};
            // with a fixed delay: a late probe is not followed by a burst of catching-up runs
            probes.add(loop.scheduleWithFixedDelay(() -> {
                long now = System.nanoTime();
                long lag = Math.max(0, now - last[0] - PERIOD_NANOS);
                // the worst lag fades by a tenth every 10 ms of time (a half-life of about 70 ms)
                double fade = Math.pow(0.9, (double) (now - last[0]) / PERIOD_NANOS);
                last[0] = now;
                synchronized (lags) {
                    lags[i] = Math.max((long) (lags[i] * fade), lag);
                    latest[i] = lag;
                    lastRun[i] = now;
                }
            }, PERIOD_NANOS, PERIOD_NANOS, TimeUnit.NANOSECONDS));
        }
    }

    /**
     * Whether work on a loop waits longer than the limit now: its probe is overdue by more than
     * the limit (a loop so busy that even the probe does not get its turn), or its recent worst
     * lag is past the limit and its last probe still waited half of it. A loop that is behind
     * keeps every probe waiting; one pause (a garbage collection, a long task) is over by the
     * next probe.
     */
    boolean overloaded() {
        long now = System.nanoTime();
        if (limitNanos <= 0 || now - started < WARM_UP_NANOS) {
            return false;
        }
        synchronized (lags) {
            for (int i = 0; i < lags.length; i++) {
                if (now - lastRun[i] - PERIOD_NANOS > limitNanos
                        || (lags[i] > limitNanos && latest[i] > limitNanos / 2)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The recent worst lag of any loop, in milliseconds. */
    double lagMillis() {
        return worstNanos() / 1e6;
    }

    private long worstNanos() {
        long worst = 0;
        synchronized (lags) {
            for (long l : lags) {
                worst = Math.max(worst, l);
            }
        }
        return worst;
    }

    void close() {
        probes.forEach(p -> p.cancel(false));
    }
}
