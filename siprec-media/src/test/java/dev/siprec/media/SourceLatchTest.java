package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SourceLatchTest {

    private static final InetSocketAddress SRC = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);
    private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.2", 5000);
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstSenderOwnsTheStreamAndAnotherTakesOverOnlyAfterItWentSilent() {
        SourceLatch latch = new SourceLatch();
        assertThat(latch.isFree()).isTrue();
        assertThat(latch.takeOver(SRC, 0, 1)).isTrue();
        assertThat(latch.fromOwner(SRC, SECOND)).isTrue();
        assertThat(latch.fromOwner(OTHER, SECOND)).isFalse();
        assertThat(latch.takeOver(OTHER, SECOND + SourceLatch.SOURCE_IDLE_NANOS, 1)).isFalse(); // idle exactly 2 s
        assertThat(latch.takeOver(OTHER, SECOND + SourceLatch.SOURCE_IDLE_NANOS + 1, 1)).isTrue(); // SBC fail-over
        assertThat(latch.fromOwner(OTHER, 3 * SECOND)).isTrue();
        assertThat(latch.fromOwner(SRC, 3 * SECOND)).isFalse();
    }

    @Test
    void theSdpAddressTakesTheStreamAtOnceUnlessTheOwnerSendsFromIt() {
        SourceLatch latch = new SourceLatch();
        latch.prefer(OTHER.getAddress());
        assertThat(latch.takeOver(SRC, 0, 1)).isTrue();
        assertThat(latch.takeOver(OTHER, 1, 1)).isTrue();
        assertThat(latch.takeOver(SRC, 2, 1)).isFalse();
        assertThat(latch.takeOver(new InetSocketAddress("127.0.0.2", 5002), 3, 1)).isFalse(); // owner is preferred
    }

    @Test
    void releaseLetsTheNextSenderLatchAndRtcpIsCheckedByHostOnly() {
        SourceLatch latch = new SourceLatch();
        assertThat(latch.ownerHostOrFree(OTHER.getAddress())).isTrue();
        latch.takeOver(SRC, 0, 1);
        assertThat(latch.ownerHostOrFree(SRC.getAddress())).isTrue();
        assertThat(latch.ownerHostOrFree(OTHER.getAddress())).isFalse();
        latch.release();
        assertThat(latch.isFree()).isTrue();
        assertThat(latch.takeOver(OTHER, 1, 1)).isTrue();
    }
}
