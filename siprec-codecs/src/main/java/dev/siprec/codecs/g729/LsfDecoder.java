package dev.siprec.codecs.g729;

import static dev.siprec.codecs.g729.FixedPoint.add;
import static dev.siprec.codecs.g729.FixedPoint.extractH;
import static dev.siprec.codecs.g729.FixedPoint.lMac;
import static dev.siprec.codecs.g729.FixedPoint.lMsu;
import static dev.siprec.codecs.g729.FixedPoint.lMult;
import static dev.siprec.codecs.g729.FixedPoint.lShl;
import static dev.siprec.codecs.g729.FixedPoint.shr;
import static dev.siprec.codecs.g729.FixedPoint.sub;

/**
 * Dequantisation of the line spectral frequencies (G.729 §3.2.4 and §4.1.1): a two-stage
 * codebook with a switched 4th-order moving-average predictor, then ordering and minimum
 * distances (§3.2.4 "stability"); on an erased frame the last LSFs are repeated and the
 * predictor memory is brought forward as if they had been received (§4.4.1). Annex B's SID
 * frames reuse the predictor memory with their own sub-codebooks and predictors (B.4.3).
 */
final class LsfDecoder {

    private static final int M = Filters.ORDER;
    private static final int GAP1 = 10;
    private static final int GAP2 = 5;
    private static final int GAP3 = 321;
    private static final int LOW_LIMIT = 40;
    private static final int HIGH_LIMIT = 25681;

    private final int[] memory = new int[4 * M]; // the 4 previous codebook outputs, Q13, newest first
    private final int[] lastLsf = new int[M]; // Q13
    private int lastMode;
    private final int[] vector = new int[M];
    private final int[] lsf = new int[M];

    LsfDecoder() {
        reset();
    }

    void reset() {
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < M; j++) {
                memory[k * M + j] = G729Tables.LSF_INIT[j];
            }
        }
        for (int j = 0; j < M; j++) {
            lastLsf[j] = G729Tables.LSF_INIT[j];
        }
        lastMode = 0;
    }

    /**
     * Decodes a speech frame's LSP indices to LSPs (Q15).
     *
     * @param first the 8-bit first word: predictor mode (MSB) and the L1 index
     * @param second the 10-bit second word: L2 and L3 indices
     */
    void decode(int first, int second, int[] lsp) {
        int mode = (first >> 7) & 1;
        int row1 = (first & 127) * M;
        int row2 = ((second >> 5) & 31) * M;
        int row3 = (second & 31) * M;
        for (int j = 0; j < 5; j++) {
            vector[j] = add(G729Tables.LSP_STAGE1[row1 + j], G729Tables.LSP_STAGE2[row2 + j]);
        }
        for (int j = 5; j < M; j++) {
            vector[j] = add(G729Tables.LSP_STAGE1[row1 + j], G729Tables.LSP_STAGE2[row3 + j]);
        }
        spread(vector, GAP1);
        spread(vector, GAP2);
        compose(vector, G729Tables.MA_PREDICTOR, G729Tables.MA_PREDICTOR_SUM, mode);
        System.arraycopy(lsf, 0, lastLsf, 0, M);
        lastMode = mode;
        Filters.lsfToLsp(lsf, lsp);
    }

    /** An erased frame: the last LSFs again, with the predictor memory brought forward. */
    void conceal(int[] lsp) {
        System.arraycopy(lastLsf, 0, lsf, 0, M);
        int p = lastMode * 4 * M;
        short[] ma = G729Tables.MA_PREDICTOR;
        for (int j = 0; j < M; j++) {
            int acc = lastLsf[j] << 16;
            for (int k = 0; k < 4; k++) {
                acc = lMsu(acc, memory[k * M + j], ma[p + k * M + j]);
            }
            int t = lMult(extractH(acc), G729Tables.MA_PREDICTOR_SUM_INV[lastMode * M + j]);
            vector[j] = extractH(lShl(t, 3));
        }
        push(vector);
        Filters.lsfToLsp(lsf, lsp);
    }

    /**
     * Decodes an Annex B SID frame's LSF indices to LSPs (Q15).
     *
     * @param mode the 1-bit predictor mode
     * @param index1 the 5-bit first-stage index
     * @param index2 the 4-bit second-stage index
     */
    void decodeSid(int mode, int index1, int index2, int[] lsp) {
        int row1 = G729Tables.SID_STAGE1[index1] * M;
        int low = G729Tables.SID_STAGE2_LOW[index2] * M;
        int high = G729Tables.SID_STAGE2_HIGH[index2] * M;
        for (int j = 0; j < 5; j++) {
            vector[j] = add(G729Tables.LSP_STAGE1[row1 + j], G729Tables.LSP_STAGE2[low + j]);
        }
        for (int j = 5; j < M; j++) {
            vector[j] = add(G729Tables.LSP_STAGE1[row1 + j], G729Tables.LSP_STAGE2[high + j]);
        }
        // a minimum distance of 10 (Q13) between neighbours, in one pass
        for (int j = 1; j < M; j++) {
            int acc = lMult(vector[j - 1], 16384);
            acc = lMac(acc, vector[j], -16384);
            acc = lMac(acc, 10, 16384);
            int k = extractH(acc);
            if (k > 0) {
                vector[j - 1] = sub(vector[j - 1], k);
                vector[j] = add(vector[j], k);
            }
        }
        compose(vector, G729Tables.SID_PREDICTOR, G729Tables.SID_PREDICTOR_SUM, mode);
        Filters.lsfToLsp(lsf, lsp);
    }

    /** lsf = the predictor over the memory plus the weighted codebook vector; then stability. */
    private void compose(int[] v, short[] predictor, short[] predictorSum, int mode) {
        int p = mode * 4 * M;
        for (int j = 0; j < M; j++) {
            int acc = lMult(v[j], predictorSum[mode * M + j]);
            for (int k = 0; k < 4; k++) {
                acc = lMac(acc, memory[k * M + j], predictor[p + k * M + j]);
            }
            lsf[j] = extractH(acc);
        }
        push(v);
        stabilise(lsf);
    }

    private void push(int[] v) {
        System.arraycopy(memory, 0, memory, M, 3 * M);
        System.arraycopy(v, 0, memory, 0, M);
    }

    /** Moves neighbours apart until they are at least {@code gap} apart (one pass). */
    private static void spread(int[] v, int gap) {
        for (int j = 1; j < M; j++) {
            int half = shr(add(sub(v[j - 1], v[j]), gap), 1);
            if (half > 0) {
                v[j - 1] = sub(v[j - 1], half);
                v[j] = add(v[j], half);
            }
        }
    }

    /** Ordering, the low and high limits and the minimum distance GAP3 (§3.2.4). */
    private static void stabilise(int[] v) {
        for (int j = 0; j < M - 1; j++) {
            if (v[j + 1] - v[j] < 0) {
                int t = v[j + 1];
                v[j + 1] = v[j];
                v[j] = t;
            }
        }
        if (v[0] < LOW_LIMIT) {
            v[0] = LOW_LIMIT;
        }
        for (int j = 0; j < M - 1; j++) {
            if (v[j + 1] - v[j] < GAP3) {
                v[j + 1] = add(v[j], GAP3);
            }
        }
        if (v[M - 1] > HIGH_LIMIT) {
            v[M - 1] = HIGH_LIMIT;
        }
    }
}
