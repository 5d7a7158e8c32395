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

    /** The longest run of samples in [from, to) whose magnitude is under {@code level}. */
    static int longestQuietRun(short[] x, int from, int to, int level) {
        int best = 0;
        int run = 0;
        for (int i = from; i < to; i++) {
            run = Math.abs(x[i]) < level ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    @Test
    void aLongerLossRepeatsMorePeriodsAsAppendixIDoes() {
        // 8 kHz: silence, then the last 110 samples a 160 Hz tone (a 50-sample period). The
        // pitch is 50; one or two periods back are tone, three periods back reach the silence
        PitchConcealer c = new PitchConcealer(8000);
        short[] before = new short[560];
        for (int i = 450; i < 560; i++) {
            before[i] = (short) (10000 * Math.sin(2 * Math.PI * i / 50.0));
        }
        c.remember(before, 0, before.length);
        short[] out = new short[320];
        c.conceal(out, 0, 160);
        c.conceal(out, 160, 160); // two 20 ms packets
        // 0-10 ms one period, 10-20 ms two: tone throughout (never 15 samples near zero)
        assertThat(longestQuietRun(out, 0, 160, 50)).isLessThan(5);
        // from 20 ms on three periods (150 samples), whose first 40 come from the silence (the
        // first 20 of those carry the 2.5 ms seam ramp)
        assertThat(longestQuietRun(out, 172, 320, 50)).isGreaterThanOrEqualTo(15);
    }

    @Test
    void theRecoveryOverlapIsFourMsPerTenMsLostAtMostTen() {
        int[][] lossAndOverlap = {{80, 32}, {160, 64}, {240, 80}, {400, 80}}; // samples at 8 kHz
        for (int[] c : lossAndOverlap) {
            PitchConcealer p = new PitchConcealer(8000);
            short[] before = sine(200, 0, 640, 8000, 10000);
            p.remember(before, 0, before.length);
            short[] lost = new short[c[0]];
            p.conceal(lost, 0, c[0]);
            short[] after = new short[160];
            java.util.Arrays.fill(after, (short) -20000);
            p.remember(after, 0, after.length);
            assertThat(after[c[1] - 2]).as("overlapped sample after %d lost", c[0]).isNotEqualTo((short) -20000);
            for (int i = c[1]; i < 160; i++) {
                assertThat(after[i]).as("sample %d after %d lost", i, c[0]).isEqualTo((short) -20000);
            }
        }
    }
}
