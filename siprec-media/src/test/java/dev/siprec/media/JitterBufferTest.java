package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitterBufferTest {

    final List<ByteBuf> made = new ArrayList<>();

    ByteBuf payload(int tag) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(4).writeInt(tag);
        made.add(b);
        return b;
    }

    int popTag(JitterBuffer jb) {
        ByteBuf b = jb.pop();
        int tag = b.getInt(0);
        b.release();
        return tag;
    }

    @Test
    void reordersBySequenceNumber() {
        JitterBuffer jb = new JitterBuffer(16);
        jb.insert(101, 160, payload(101));
        jb.insert(100, 0, payload(100));
        jb.insert(102, 320, payload(102));
        assertThat(jb.peekPosition()).isZero();
        assertThat(popTag(jb)).isEqualTo(100);
        assertThat(popTag(jb)).isEqualTo(101);
        assertThat(popTag(jb)).isEqualTo(102);
        assertThat(jb.lostOnLastPop()).isZero();
        assertThat(jb.peekPosition()).isEqualTo(Long.MAX_VALUE);
        assertThat(made).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void countsLossWhenSkippingAGapAndCallsLaterArrivalsLate() {
        JitterBuffer jb = new JitterBuffer(16);
        jb.insert(10, 0, payload(10));
        jb.insert(13, 480, payload(13));
        popTag(jb);
        assertThat(popTag(jb)).isEqualTo(13);
        assertThat(jb.lostOnLastPop()).isEqualTo(2);
        assertThat(jb.insert(11, 160, payload(11))).isEqualTo(JitterBuffer.Result.LATE);
        assertThat(made).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void tellsDuplicatesHeldOrAlreadyPlayedFromLatePackets() {
        JitterBuffer jb = new JitterBuffer(16);
        assertThat(jb.insert(5, 0, payload(5))).isEqualTo(JitterBuffer.Result.STORED);
        assertThat(jb.insert(5, 0, payload(5))).isEqualTo(JitterBuffer.Result.DUPLICATE);
        jb.insert(6, 160, payload(6));
        popTag(jb);
        popTag(jb);
        assertThat(jb.insert(6, 160, payload(6))).isEqualTo(JitterBuffer.Result.DUPLICATE);
        assertThat(jb.insert(5, 0, payload(5))).isEqualTo(JitterBuffer.Result.DUPLICATE);
        assertThat(made).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void aJumpBeyondCapacityRestartsAndClearReleasesEverything() {
        JitterBuffer jb = new JitterBuffer(8);
        jb.insert(1, 0, payload(1));
        jb.insert(2, 160, payload(2));
        jb.insert(5000, 9000, payload(5000));
        assertThat(jb.size()).isEqualTo(1);
        assertThat(jb.peekSequence()).isEqualTo(5000);
        jb.insert(5001, 9160, payload(5001));
        jb.clear();
        assertThat(jb.size()).isZero();
        assertThat(made).allMatch(b -> b.refCnt() == 0);
    }
}
