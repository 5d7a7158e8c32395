package dev.siprec.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The timer lanes on their own, on a clock the test moves. */
class SipTimersTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final SipTimers timers = new SipTimers(null, 10, now::get);
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000L);
        timers.runDue();
    }

    @Test
    void timersRunOnceWhenDueInDeadlineOrderAcrossLanes() {
        timers.schedule(() -> ran.add("a500"), 500);
        timers.schedule(() -> ran.add("b32000"), 32_000);
        advanceMillis(100);
        timers.schedule(() -> ran.add("c500"), 500); // due at 600
        timers.schedule(() -> ran.add("d1000"), 1000); // due at 1100
        advanceMillis(399);
        assertThat(ran).isEmpty();
        advanceMillis(1);
        assertThat(ran).containsExactly("a500");
        advanceMillis(600);
        assertThat(ran).containsExactly("a500", "c500", "d1000");
        advanceMillis(40_000);
        advanceMillis(40_000);
        assertThat(ran).containsExactly("a500", "c500", "d1000", "b32000");
    }

    @Test
    void aCancelledTimerNeverRunsAndLetsGoOfItsTask() {
        Object[] heavy = {new byte[1 << 20]};
        SipTimers.Timer t = timers.schedule(() -> ran.add("cancelled " + heavy.length), 500);
        timers.schedule(() -> ran.add("kept"), 500);
        t.cancel();
        t.cancel(); // idempotent
        assertThat(timers.pending()).isEqualTo(2); // it waits in its lane until its deadline, as a shell
        advanceMillis(500);
        assertThat(ran).containsExactly("kept");
        assertThat(timers.pending()).isZero();
    }

    @Test
    void aFailingTaskDoesNotStopTheOthersAndEmptyLanesGo() {
        for (int i = 0; i < 1000; i++) { // a peer varying Session-Expires: one lane per delay
            int delay = 90_000 + i;
            timers.schedule(() -> ran.add("s" + delay), delay);
        }
        timers.schedule(() -> {
            throw new IllegalStateException("a bug in a timer task");
        }, 50);
        timers.schedule(() -> ran.add("after the failure"), 50);
        advanceMillis(50);
        assertThat(ran).containsExactly("after the failure");
        advanceMillis(100_000);
        assertThat(ran).hasSize(1001);
        assertThat(timers.pending()).isZero();
        advanceMillis(10);
        timers.schedule(() -> ran.add("again"), 90_000); // a retired lane's delay arms a fresh lane
        advanceMillis(90_000);
        assertThat(ran).endsWith("again");
    }

    @Test
    void timersArmedFromManyThreadsAllRun() throws Exception {
        AtomicLong count = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    timers.schedule(count::incrementAndGet, 500 * (1 + i % 4));
                }
            });
            threads.add(th);
            th.start();
        }
        while (threads.stream().anyMatch(Thread::isAlive)) {
            advanceMillis(1); // the driver runs while they arm
        }
        advanceMillis(5000);
        assertThat(count.get()).isEqualTo(40_000);
    }
}
