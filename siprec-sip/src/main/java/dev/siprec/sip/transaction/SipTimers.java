package dev.siprec.sip.transaction;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's timers: RFC 3261 §17 (T1 doubling to T2, 64*T1, T4) and RFC 4028 session
 * timers. A call arms half a dozen of them, almost all with the same few delays, and
 * cancels most before they fire. So there is one FIFO lane per delay: arming appends (its
 * deadline is the latest of its lane), cancelling sets a flag, and one driver task drains
 * what is due from the head of each lane every {@code resolutionMillis}. Both are O(1),
 * where a priority queue would sift through the tens of thousands of 32-second timers a
 * busy server holds on every arm, cancel and expiry.
 *
 * <p>Thread-safe: timers are armed and cancelled from any thread; tasks run on the driver's
 * executor, one at a time, with no lock held.
 */
public final class SipTimers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipTimers.class);

    /** An armed timer: runs its task once when due, unless cancelled first. */
    public static final class Timer {
        private final long due;
        // dropped on cancel: a cancelled timer waits in its lane until its deadline, and must
        // not keep its transaction (the request, the response) alive until then
        private volatile Runnable task;

        Timer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        /** Keeps the task from running; idempotent, and harmless once it has run. */
        public void cancel() {
            task = null;
        }
    }

    /** The timers of one delay, in deadline order; guarded by its own monitor. */
    private static final class Lane {
        final ArrayDeque<Timer> timers = new ArrayDeque<>();
        boolean retired; // removed from the map while empty: arm in a fresh lane
    }

    private final Map<Long, Lane> lanes = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> driver;
    private final java.util.function.LongSupplier clock;

    /** Timers driven every {@code resolutionMillis} on {@code executor}, on the system clock. */
    public SipTimers(EventExecutor executor, long resolutionMillis) {
        this(executor, resolutionMillis, System::nanoTime);
    }

    /** As above, on a nanosecond clock of the caller's (tests drive it by hand). */
    public SipTimers(EventExecutor executor, long resolutionMillis, java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.driver = executor == null ? null
                : executor.scheduleAtFixedRate(this::runDue, resolutionMillis, resolutionMillis, TimeUnit.MILLISECONDS);
    }

    /** Arms a timer that runs {@code task} once {@code delayMillis} have passed. */
    public Timer schedule(Runnable task, long delayMillis) {
        Long key = Math.max(0, delayMillis);
        while (true) {
            Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
            synchronized (lane) {
                if (!lane.retired) {
                    // read under the lane's lock, so that deadlines in a lane never decrease
                    Timer t = new Timer(clock.getAsLong() + key * 1_000_000L, task);
                    lane.timers.addLast(t);
                    return t;
                }
            }
        }
    }

    /** Runs every timer that is due and not cancelled; retires lanes left empty. */
    public void runDue() {
        long now = clock.getAsLong();
        for (Map.Entry<Long, Lane> e : lanes.entrySet()) {
            Lane lane = e.getValue();
            while (true) {
                Timer t;
                synchronized (lane) {
                    t = lane.timers.peekFirst();
                    if (t == null) {
                        // an empty lane goes (a peer that varies Session-Expires must not grow the map)
                        lane.retired = true;
                        lanes.remove(e.getKey(), lane);
                        break;
                    }
                    if (t.due - now > 0) {
                        break;
                    }
                    lane.timers.pollFirst();
                }
                Runnable task = t.task;
                if (task != null) {
                    t.task = null;
                    try {
                        task.run();
                    } catch (VirtualMachineError fatal) {
                        throw fatal;
                    } catch (RuntimeException failure) {
                        log.error("SIP timer task failed", failure);
                    }
                }
            }
        }
    }

    /** Timers armed and not yet run or discarded, cancelled ones included (tests, monitoring). */
    public int pending() {
        int n = 0;
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                n += lane.timers.size();
            }
        }
        return n;
    }

    /** Stops the driver; armed timers never run. */
    @Override
    public void close() {
        if (driver != null) {
            driver.cancel(false);
        }
        lanes.clear();
    }
}
