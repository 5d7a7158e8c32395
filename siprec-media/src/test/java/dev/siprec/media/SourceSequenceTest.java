package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SourceSequenceTest {

    @Test
    void sequenceNumbersAndTimestampsAreExtendedAcrossTheirWrap() {
        SourceSequence s = new SourceSequence();
        s.start(7, 65534, 0xFFFFFF60);
        long first = s.extendSeq(65534);
        long firstTs = s.extendTs(0xFFFFFF60);
        s.received(first, 0xFFFFFF60, firstTs);
        for (int i = 1; i <= 3; i++) {
            int seq = (65534 + i) & 0xFFFF;
            int ts = 0xFFFFFF60 + 160 * i;
            long ext = s.extendSeq(seq);
            long extTs = s.extendTs(ts);
            assertThat(ext).isEqualTo(first + i);
            assertThat(extTs).isEqualTo(firstTs + 160L * i);
            s.received(ext, ts, extTs);
        }
        assertThat(s.highestExtSeq()).isEqualTo(first + 3);
        // a late packet from before the wrap keeps its own, lower, number
        assertThat(s.extendSeq(65535)).isEqualTo(first + 1);
        assertThat(s.extendTs(0xFFFFFF60 + 160)).isEqualTo(firstTs + 160);
        assertThat(s.ssrc()).isEqualTo(7);
    }

    @Test
    void jitterFollowsRfc3550A8() {
        SourceSequence s = new SourceSequence();
        s.start(1, 0, 0);
        // 8 kHz: packets 20 ms apart in timestamp, arriving alternately 0 and 10 ms late
        double expected = 0;
        long lastTransit = Long.MIN_VALUE;
        for (int i = 0; i < 50; i++) {
            long extTs = s.extendTs(160 * i);
            long arrival = i * 20_000_000L + (i % 2) * 10_000_000L;
            s.transit(arrival, extTs, 8000);
            long transit = arrival / 1000 * 8000 / 1_000_000 - extTs;
            if (lastTransit != Long.MIN_VALUE) {
                expected += (Math.abs(transit - lastTransit) - expected) / 16;
            }
            lastTransit = transit;
        }
        assertThat(s.jitter()).isCloseTo(expected, within(1e-9));
        assertThat(s.jitter()).isGreaterThan(70).isLessThan(80); // |D| = 80 units each time
    }
}
