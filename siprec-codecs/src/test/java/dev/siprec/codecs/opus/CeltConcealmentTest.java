package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pitch-based concealment on its own: a voiced-like waveform is continued, not replaced. */
class CeltConcealmentTest {

    /** A 200 Hz tone with harmonics (period 240 samples): the concealed 20 ms follow the true continuation. */
    @Test
    void aPeriodicSignalIsContinuedInPhase() {
        int end = 2048;
        float[][] mem = {new float[end + 960 + CeltTables.OVERLAP], new float[end + 960 + CeltTables.OVERLAP]};
        float[] truth = new float[end + 960];
        for (int i = 0; i < truth.length; i++) {
            double t = 2 * Math.PI * 200 * i / 48000.0;
            truth[i] = (float) (8000 * Math.sin(t) + 3000 * Math.sin(2 * t + 0.5) + 1000 * Math.sin(3 * t + 1));
        }
        System.arraycopy(truth, 0, mem[0], 0, end);
        CeltConcealment plc = new CeltConcealment();
        plc.analyse(mem, end, 1);
        plc.extrapolate(mem[0], end, 960, 0, true, 0, 0f, 0);
        double signal = 0;
        double error = 0;
        for (int i = 0; i < 240; i++) { // the first period
            double d = mem[0][end + i] - truth[end + i];
            signal += truth[end + i] * truth[end + i];
            error += d * d;
        }
        assertThat(10 * Math.log10(signal / error)).as("first period's SNR, dB").isGreaterThan(20);
        double last = 0;
        for (int i = 720; i < 960; i++) {
            last += mem[0][end + i] * mem[0][end + i];
        }
        assertThat(last).as("a steady tone is not faded out on the first loss").isGreaterThan(signal / 4);
        // the folded overlap after the frame is finite and not louder than the signal
        for (int i = 0; i < CeltTables.OVERLAP; i++) {
            assertThat(Math.abs(mem[0][end + 960 + i])).isLessThan(2 * 12000f);
        }
    }

    /** Silence stays silent; nothing divides by zero. */
    @Test
    void silenceIsConcealedAsSilence() {
        float[][] mem = {new float[2048 + 960 + CeltTables.OVERLAP], new float[2048 + 960 + CeltTables.OVERLAP]};
        CeltConcealment plc = new CeltConcealment();
        plc.analyse(mem, 2048, 2);
        plc.extrapolate(mem[1], 2048, 480, 1, true, 100, 0.3f, 1);
        for (int i = 2048; i < 2048 + 480 + CeltTables.OVERLAP; i++) {
            assertThat(mem[1][i]).isEqualTo(0f);
        }
    }
}
