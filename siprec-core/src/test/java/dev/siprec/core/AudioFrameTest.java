package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AudioFrameTest {

    @Test
    void aChannelCopiesOutAsMonoAndConcealmentIsPerChannel() {
        short[] interleaved = {1, -1, 2, -2, 3, -3, 99, 99}; // 3 samples of 2 channels, then stale data
        AudioFrame frame = new AudioFrame(8000, 2, interleaved, 3, 480, 0b10);
        short[] mono = new short[5];
        assertThat(frame.copyChannel(1, mono, 1)).isEqualTo(3);
        assertThat(mono).containsExactly(0, -1, -2, -3, 0);
        assertThat(frame.copyChannel(0, mono, 0)).isEqualTo(3);
        assertThat(mono).startsWith((short) 1, (short) 2, (short) 3);
        assertThat(frame.isConcealed(0)).isFalse();
        assertThat(frame.isConcealed(1)).isTrue();
        assertThat(frame.isConcealed(64)).isFalse();
        assertThat(frame.copy().isConcealed(1)).isTrue();
        assertThatThrownBy(() -> frame.copyChannel(2, mono, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
