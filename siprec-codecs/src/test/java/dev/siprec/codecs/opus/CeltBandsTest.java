package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pieces of CELT's shape decoding that stand alone: PVQ codewords, the bit-exact trigonometry, the tables. */
class CeltBandsTest {

    /** Every index of a small codebook decodes to a different vector of exactly k pulses, and the count is V(n, k). */
    @Test
    void pvqIndicesEnumerateTheCodebook() {
        int[] y = new int[8];
        for (int n = 1; n <= 6; n++) {
            for (int k = 1; k <= 5; k++) {
                long size = CeltBands.codebookSize(n, k);
                assertThat(size).as("V(%d,%d)", n, k).isEqualTo(bruteForceCount(n, k));
                Set<String> seen = new HashSet<>();
                for (long i = 0; i < size; i++) {
                    int ryy = CeltBands.pulseVector(i, n, k, y);
                    int l1 = 0;
                    int sq = 0;
                    for (int j = 0; j < n; j++) {
                        l1 += Math.abs(y[j]);
                        sq += y[j] * y[j];
                    }
                    assertThat(l1).isEqualTo(k);
                    assertThat(ryy).isEqualTo(sq);
                    assertThat(seen.add(java.util.Arrays.toString(java.util.Arrays.copyOf(y, n)))).isTrue();
                }
            }
        }
    }

    /** The largest codebooks CELT uses still fit the 32-bit uniform integer coder. */
    @Test
    void codebooksFitInThirtyTwoBits() {
        assertThat(CeltBands.codebookSize(176, 4)).isLessThan(1L << 32);
        assertThat(CeltBands.codebookSize(2, 128)).isEqualTo(512);
    }

    private static long bruteForceCount(int n, int k) {
        if (n == 0) {
            return k == 0 ? 1 : 0;
        }
        long c = 0;
        for (int x = -k; x <= k; x++) {
            c += bruteForceCount(n - 1, k - Math.abs(x));
        }
        return c;
    }

    @Test
    void bitExactCosineFollowsTheCosine() {
        for (int x = 1; x < 16384; x += 37) {
            double expect = 32768 * Math.cos(Math.PI / 2 * x / 16384.0);
            assertThat((double) CeltBands.bitexactCos(x)).as("x=%d", x).isCloseTo(expect, org.assertj.core.data.Offset.offset(3.0));
        }
        assertThat(CeltBands.bitexactCos(8192)).isBetween(23168, 23172);
    }

    /** log2 of the band widths in 1/8 bit, and the window's power complementarity (TDAC). */
    @Test
    void derivedTablesMatchTheirDefinitions() {
        int[] logN400 = {0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 16, 16, 16, 21, 21, 24, 29, 34, 36};
        assertThat(CeltTables.LOG_N).containsExactly(logN400);
        for (int i = 0; i < CeltTables.OVERLAP; i++) {
            float a = CeltTables.WINDOW[i];
            float b = CeltTables.WINDOW[CeltTables.OVERLAP - 1 - i];
            assertThat((double) (a * a + b * b)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
