package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Signals;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeScalerTest {

    static final int RATE = 16000;
    static final int BLOCK = 320; // 20 ms

    static short[] tone(double hz, int n, int amplitude) {
        short[] x = new short[n];
        for (int i = 0; i < n; i++) {
            x[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return x;
    }

    /** Runs {@code in} through in 20 ms blocks at {@code speeds[block % length]}; returns what came out. */
    static short[] scale(TimeScaler s, short[] in, double... speeds) {
        short[] out = new short[in.length * 2];
        short[] block = new short[BLOCK];
        short[] o = new short[BLOCK * 2];
        int w = 0;
        for (int b = 0; (b + 1) * BLOCK <= in.length; b++) {
            System.arraycopy(in, b * BLOCK, block, 0, BLOCK);
            int m = s.process(block, BLOCK, speeds[b % speeds.length], o);
            System.arraycopy(o, 0, out, w, m);
            w += m;
        }
        return java.util.Arrays.copyOf(out, w);
    }

    @Test
    void atSpeedZeroTheAudioComesOutUntouched() {
        short[] in = new short[RATE * 2];
        Random r = new Random(3);
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) r.nextInt();
        }
        TimeScaler s = new TimeScaler();
        short[] out = scale(s, in, 0);
        // the last HALF samples are held for the next block; the rest is bit-exact
        assertThat(out.length).isEqualTo(in.length - TimeScaler.HALF);
        assertThat(out).isEqualTo(java.util.Arrays.copyOf(in, out.length));
        assertThat(s.inserted() + s.dropped()).isZero();
    }

    @ParameterizedTest(name = "speed {0}")
    @ValueSource(doubles = {0.001, -0.001, 0.02, -0.02, 0.05, -0.05})
    void aToneStaysATone(double speed) {
        short[] in = tone(440, RATE * 4, 12000);
        TimeScaler s = new TimeScaler();
        short[] out = scale(s, in, speed);
        // as many samples more or fewer as the speed says, each counted
        double expected = (in.length - TimeScaler.HALF) * (1 + speed);
        assertThat((double) out.length).isCloseTo(expected, org.assertj.core.data.Offset.offset(2.0));
        assertThat(s.inserted() - s.dropped()).isEqualTo(out.length - (in.length - TimeScaler.HALF)
                + (long) Math.ceil(s.held() - TimeScaler.HALF)); // held back: not yet decided
        // no click, no buzz: nothing above 2.5 times the tone (a step or a hole spreads over every band)
        double above = Signals.energyAboveDb(out, 0, out.length, RATE, 1100);
        assertThat(above).as("energy above 1.1 kHz (dB)").isLessThan(-65);
        System.out.printf("speed %+.3f: energy above 1.1 kHz %.1f dB%n", speed, above);
        // the pitch moves by the speed (stretching lowers it)
        double shifted = 440 / (1 + speed);
        assertThat(Signals.power(out, 0, 8000, shifted, RATE)).isGreaterThan(100 * Signals.power(out, 0, 8000, 440 * (1 + 3 * Math.abs(speed) + 0.02), RATE));
    }

    @Test
    void changingTheSpeedAndFlushingAreSmoothToo() {
        short[] in = tone(440, RATE * 4, 12000);
        TimeScaler s = new TimeScaler();
        short[] out = new short[in.length * 2];
        short[] block = new short[BLOCK];
        short[] o = new short[BLOCK * 2];
        int w = 0;
        double[] speeds = {0.05, 0.01, -0.03, 0, -0.05, 0.002};
        for (int b = 0; (b + 1) * BLOCK <= in.length; b++) {
            System.arraycopy(in, b * BLOCK, block, 0, BLOCK);
            int m = s.process(block, BLOCK, speeds[(b / 7) % speeds.length], o);
            System.arraycopy(o, 0, out, w, m);
            w += m;
            if (b % 50 == 49) {
                // scaling ends: what is held comes out (the next block starts on a whole sample)
                m = s.flush(o);
                System.arraycopy(o, 0, out, w, m);
                w += m;
                assertThat(s.aligned()).isTrue();
            }
        }
        double above = Signals.energyAboveDb(out, 0, w, RATE, 1100);
        assertThat(above).as("energy above 1.1 kHz (dB)").isLessThan(-60);
        System.out.printf("speeds changing, flushed every second: energy above 1.1 kHz %.1f dB%n", above);
    }
}
