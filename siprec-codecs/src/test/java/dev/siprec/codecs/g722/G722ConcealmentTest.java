package dev.siprec.codecs.g722;

import static dev.siprec.testing.Kit.readS16;
import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Concealment measured on the kit's 60 s of speech with a 5% loss pattern plus bursts.
 * Threshold: no step at any loss boundary is larger than the clean decode's 99.9th-percentile
 * sample-to-sample step (zero-filling the same losses exceeds it at 12 boundaries), and audio
 * is exactly silent once a loss has lasted 60 ms.
 */
class G722ConcealmentTest {

    /** Deterministic pattern: ~5% isolated losses, bursts of 3 and of 5 frames. */
    static boolean[] pattern(int frames) {
        boolean[] lost = new boolean[frames];
        long state = 7;
        for (int i = 5; i < frames; i++) {
            state = (1103515245L * state + 12345) & 0x7FFFFFFF;
            lost[i] = (state >> 8) % 100 < 5;
        }
        for (int k = 0; k < 3; k++) {
            lost[frames / 3 + k] = true;
        }
        for (int k = 0; k < 5; k++) {
            lost[2 * frames / 3 + k] = true;
        }
        return lost;
    }

    @Test
    void lossBoundariesStayWithinTheSignalsOwnStepsAndLongLossIsSilent() throws Exception {
        Path ref = Kit.path("codec-reference/ref/g722");
        byte[] codes = Files.readAllBytes(ref.resolve("speech60_16k.g722"));
        short[] clean = readS16(ref.resolve("speech60_16k.mode1.dec.raw"));
        int frames = codes.length / 160;
        boolean[] lost = pattern(frames);
        G722Decoder d = new G722Decoder();
        short[] out = new short[clean.length];
        for (int k = 0; k < frames; k++) {
            if (lost[k]) {
                d.conceal(320, out, 320 * k);
            } else {
                d.decode(codes, 160 * k, 160, out, 320 * k);
            }
        }
        int[] steps = new int[clean.length - 1];
        for (int i = 1; i < clean.length; i++) {
            steps[i - 1] = Math.abs(clean[i] - clean[i - 1]);
        }
        Arrays.sort(steps);
        int p999 = steps[(int) (steps.length * 0.999)];
        int worst = 0;
        int boundaries = 0;
        for (int k = 1; k < frames; k++) {
            if (lost[k] || lost[k - 1]) {
                boundaries++;
                worst = Math.max(worst, Math.abs(out[320 * k] - out[320 * k - 1]));
            }
        }
        assertThat(boundaries).isGreaterThan(250);
        assertThat(worst).as("largest step at a loss boundary (clean p99.9 step %d)", p999).isLessThanOrEqualTo(p999);
        int burst = 2 * frames / 3;
        for (int i = 320 * burst + 960; i < 320 * (burst + 5); i++) {
            assertThat(out[i]).as("sample %d, more than 60 ms into a 100 ms loss", i).isZero();
        }
    }
}
