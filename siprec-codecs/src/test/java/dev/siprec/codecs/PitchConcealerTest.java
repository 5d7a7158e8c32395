package dev.siprec.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PitchConcealerTest {

    static short[] sine(double hz, int from, int n, int rate, double amplitude) {
        short[] x = new short[n];
        for (int i = 0; i < n; i++) {
            x[i] = (short) (amplitude * Math.sin(2 * Math.PI * hz * (from + i) / rate));
        }
        return x;
    }

    @Test
    void continuesAVoicedSignalWithoutAStep() {
        PitchConcealer c = new PitchConcealer(16000);
        short[] before = sine(200, 0, 640, 16000, 10000);
        c.remember(before, 0, before.length);
        short[] concealed = new short[160];
        c.conceal(concealed, 0, 160);
        short[] truth = sine(200, 640, 160, 16000, 10000);
        double err = 0;
        double energy = 0;
        for (int i = 0; i < 160; i++) {
            err += Math.pow(concealed[i] - truth[i], 2);
            energy += Math.pow(truth[i], 2);
        }
        assertThat(10 * Math.log10(energy / err)).as("SNR of the first 10 ms against the true continuation")
                .isGreaterThan(20);
        int lastStep = Math.abs(before[639] - before[638]);
        assertThat(Math.abs(concealed[0] - before[639])).isLessThanOrEqualTo(2 * lastStep + 2);
    }

    @Test
    void aLongLossFadesToSilenceBy60Ms() {
        PitchConcealer c = new PitchConcealer(16000);
        short[] before = sine(150, 0, 800, 16000, 12000);
        c.remember(before, 0, before.length);
        short[] out = new short[1600];
        for (int off = 0; off < out.length; off += 320) {
            c.conceal(out, off, 320); // 20 ms packets
        }
        for (int i = 960; i < out.length; i++) {
            assertThat(out[i]).as("sample %d after 60 ms", i).isZero();
        }
        int peakFirst = 0;
        int peakLate = 0;
        for (int i = 0; i < 160; i++) {
            peakFirst = Math.max(peakFirst, Math.abs(out[i]));
            peakLate = Math.max(peakLate, Math.abs(out[800 + i]));
        }
        assertThat(peakFirst).isGreaterThan(10000);
        assertThat(peakLate).isLessThan(peakFirst / 3);
    }

    @Test
    void theReturnOfPacketsIsCrossFadedNotSwitched() {
        PitchConcealer c = new PitchConcealer(16000);
        short[] before = sine(200, 0, 640, 16000, 10000);
        c.remember(before, 0, before.length);
        short[] concealed = new short[320];
        c.conceal(concealed, 0, 320);
        short[] after = new short[320];
        java.util.Arrays.fill(after, (short) -20000); // decoded audio far from the concealment
        c.remember(after, 0, after.length);
        assertThat(Math.abs(after[0] - concealed[319])).isLessThan(1500);
        for (int i = 1; i < 160; i++) {
            assertThat(Math.abs(after[i] - after[i - 1])).isLessThan(1500);
        }
        assertThat(after[200]).isEqualTo((short) -20000);
    }

    @Test
    void withoutHistoryItConcealsWithSilence() {
        PitchConcealer c = new PitchConcealer(8000);
        short[] out = new short[160];
        java.util.Arrays.fill(out, (short) 7);
        c.conceal(out, 0, 160);
        assertThat(out).containsOnly((short) 0);
    }
}
