package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopLagTest {

    @Test
    void aLoopThatFallsBehindMakesTheServerOverloadedUntilItCatchesUp() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        LoopLag lag = new LoopLag(group, 100);
        Admission admission = new Admission(10, 1000, 16, 0);
        admission.lag = lag;
        try {
            Thread.sleep(200);
            assertThat(lag.overloaded()).as("idle loops").isFalse();
            assertThat(admission.refuse(0)).isNull();
            // one loop busy for 400 ms: work queued behind it waits that long
            group.next().submit(() -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }).get(2, TimeUnit.SECONDS);
            boolean seen = false;
            for (int i = 0; i < 20 && !seen; i++) {
                seen = lag.overloaded();
                Thread.sleep(5);
            }
            assertThat(seen).as("overloaded right after the stall (lag %.0f ms)", lag.lagMillis()).isTrue();
            assertThat(admission.refuse(0)).isIn("Server overloaded", null); // (it may have caught up)
            Thread.sleep(600); // caught up: the lag decays by a tenth every 10 ms
            assertThat(lag.overloaded()).isFalse();
            assertThat(admission.refuse(0)).isNull();
        } finally {
            lag.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
