package dev.siprec.media;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the media session tests share: one event loop, a virtual clock the test moves, and the
 * session under test, stopped (its buffers and ports released) after each test.
 */
abstract class VirtualClockSessionTest {

    static final long MS = 1_000_000L;

    EventLoopGroup group;
    final AtomicLong clock = new AtomicLong();
    MediaSession session;

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stopSessionAndLoop() throws Exception {
        if (session != null) {
            session.stop().get(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
