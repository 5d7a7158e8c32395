package dev.siprec.testing;

import java.time.Duration;

/**
 * Waiting in tests for something that happens on another thread: the condition is polled every
 * 10 ms until it holds, and the test fails, saying what it waited for, when it does not within
 * the time given. (A fixed sleep either waits too long or, on a slow CI machine, not long enough.)
 */
public final class Await {

    /** A condition; may throw (an event-loop round trip, say). */
    @FunctionalInterface
    public interface Condition {
        /** Whether it holds now. */
        boolean met() throws Exception;
    }

    private Await() {
    }

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what);
            }
            Thread.sleep(10);
        }
    }
}
