package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RtpPortPoolTest {

    @Test
    void handsOutEvenPortsNextFitAndTakesThemBack() {
        RtpPortPool pool = new RtpPortPool(40001, 40007, 0);
        assertThat(pool.size()).isEqualTo(3);
        assertThat(pool.acquire()).isEqualTo(40002);
        assertThat(pool.acquire()).isEqualTo(40004);
        pool.release(40002);
        assertThat(pool.acquire()).isEqualTo(40006); // next-fit: the port just freed waits its turn
        assertThat(pool.acquire()).isEqualTo(40002);
        assertThat(pool.acquire()).isEqualTo(-1);
        pool.release(40003); // not one of ours
        pool.release(12345);
        assertThat(pool.available()).isZero();
        pool.release(40004);
        assertThat(pool.available()).isEqualTo(1);
    }

    @Test
    void startsAtARandomPortAndStillHandsOutEveryOne() {
        java.util.Set<Integer> firsts = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            firsts.add(new RtpPortPool(40000, 40999).acquire());
        }
        assertThat(firsts.size()).isGreaterThan(10);
        RtpPortPool pool = new RtpPortPool(40000, 40009);
        java.util.Set<Integer> all = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            all.add(pool.acquire());
        }
        assertThat(all).containsExactlyInAnyOrder(40000, 40002, 40004, 40006, 40008);
    }

    @Test
    void rejectsRangesWithoutEvenPorts() {
        assertThatThrownBy(() -> new RtpPortPool(40001, 40001)).hasMessageContaining("no even port");
        assertThatThrownBy(() -> new RtpPortPool(5, 1)).hasMessageContaining("invalid");
    }
}
