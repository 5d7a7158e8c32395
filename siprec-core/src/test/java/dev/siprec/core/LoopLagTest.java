package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopLagTest {

    @Test
    void aLoopThatStaysBehindMakesTheServerOverloadedAndOnePauseDoesNot() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        LoopLag lag = new LoopLag(group, 100);
        Admission admission = new Admission(10, 1000, 16, 0);
        admission.lag = lag;
        try {
            // during the warm-up nothing counts: stall a loop then and the server still takes calls
            group.next().submit(() -> spin(300)).get(2, TimeUnit.SECONDS);
            assertThat(lag.overloaded()).as("a stall while warming up").isFalse();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(LoopLag.WARM_UP_NANOS) + 200);
            assertThat(lag.overloaded()).as("idle loops").isFalse();
            assertThat(admission.refuse(0)).isNull();
            // one pause of 400 ms (a collection, a long task): over by the next probe, not overload
            io.netty.channel.EventLoop busy = group.next();
            busy.submit(() -> spin(400)).get(2, TimeUnit.SECONDS);
            Thread.sleep(30);
            assertThat(lag.lagMillis()).as("the pause is seen").isGreaterThan(200);
            assertThat(lag.overloaded()).as("one pause").isFalse();
            // a loop that stays behind: 150 ms tasks back to back, so everything queued on it
            // (the probe too) keeps waiting
            java.util.concurrent.atomic.AtomicBoolean behind = new java.util.concurrent.atomic.AtomicBoolean(true);
            Runnable[] chain = new Runnable[1];
            chain[0] = () -> {
                spin(150);
                if (behind.get()) {
                    busy.execute(chain[0]);
                }
            };
            busy.execute(chain[0]);
            boolean seen = false;
            for (int i = 0; i < 100 && !seen; i++) {
                seen = lag.overloaded();
                Thread.sleep(10);
            }
            behind.set(false);
            assertThat(seen).as("overloaded while a loop stays behind (lag %.0f ms)", lag.lagMillis()).isTrue();
            assertThat(admission.refuse(0)).isIn("Server overloaded", null); // (it may be catching up)
            for (int i = 0; i < 300 && lag.overloaded(); i++) { // the queued tasks drain
                Thread.sleep(20);
            }
            Thread.sleep(600); // caught up: the lag fades by a tenth every 10 ms
            assertThat(lag.overloaded()).isFalse();
            assertThat(admission.refuse(0)).isNull();
        } finally {
            lag.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void spin(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
