package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelOutputTest {

    @Test
    void placedSamplesAreDrainedIntoTheirChannelOnceAndAddedNotAssigned() {
        ChannelOutput out = new ChannelOutput(64);
        out.tune(16000, 16000, 32); // no rate change: samples pass unchanged after the filter delay
        short[] in = new short[16];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) (100 * (i + 1));
        }
        int m = out.convert(in, in.length);
        assertThat(m).isEqualTo(16);
        out.place(100, 100, m, false);
        short[] frame = new short[2 * 16];
        frame[1] = 5; // what another stream put on channel 1
        out.drainInto(100, 116, frame, 2, 1);
        short[] again = new short[2 * 16];
        out.drainInto(100, 116, again, 2, 1);
        assertThat(again).containsOnly(0); // cleared when drained
        assertThat(frame[0]).isZero(); // channel 0 untouched
        int latency = out.latency();
        assertThat(frame[2 * latency + 1]).isEqualTo((short) (in[0] + (latency == 0 ? 5 : 0)));
    }

    @Test
    void nothingIsWrittenBeforeTheWindowOrPastTheRingAndHoldRepeatsTheLastSample() {
        ChannelOutput out = new ChannelOutput(16);
        out.tune(8000, 8000, 8);
        out.set(9, (short) 7);
        out.hold(10, 14);
        short[] frame = new short[8];
        out.drainInto(8, 16, frame, 1, 0);
        assertThat(frame).containsExactly(0, 7, 7, 7, 7, 7, 0, 0);
        short[] saturate = {32000};
        out.set(20, (short) 1000);
        out.drainInto(20, 21, saturate, 1, 0);
        assertThat(saturate[0]).isEqualTo((short) 32767);
    }
}
