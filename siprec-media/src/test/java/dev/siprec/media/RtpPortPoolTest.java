package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RtpPortPoolTest {

    @Test
    void handsOutEvenPortsNextFitAndTakesThemBack() {
        RtpPortPool pool = new RtpPortPool(40001, 40007);
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
    void rejectsRangesWithoutEvenPorts() {
        assertThatThrownBy(() -> new RtpPortPool(40001, 40001)).hasMessageContaining("no even port");
        assertThatThrownBy(() -> new RtpPortPool(5, 1)).hasMessageContaining("invalid");
    }
}
