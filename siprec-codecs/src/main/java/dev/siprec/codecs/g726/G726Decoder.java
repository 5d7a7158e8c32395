package dev.siprec.codecs.g726;

import dev.siprec.codecs.AudioDecoder;

/**
 * ITU-T G.726 at 32 kbit/s (the former G.721): adaptive differential PCM, one 4-bit codeword
 * per 8 kHz sample, decoded to 16-bit linear PCM. Written from the Recommendation's decoder
 * (§4): the inverse adaptive quantizer (RECONST, ADDA, ANTILOG), the quantizer scale factor
 * adaptation (FUNCTW, FILTD, LIMB, FILTE, MIX), the adaptation speed control (FUNCTF, FILTA,
 * FILTB, SUBTC, FILTC, TRIGA, LIMA), the adaptive predictor with two poles and six zeros
 * (FMULT, ACCUM, ADDB, ADDC, UPA1, UPA2, LIMC, LIMD, UPB, FLOATA, FLOATB) and the tone and
 * transition detector (TONE, TRIGB, TRANS), in the Recommendation's fixed-point formats. The
 * output is the reconstructed signal SR scaled to 16 bits (the linear interface; the
 * synchronous coding adjustment applies to A-law or μ-law output only).
 *
 * <p>RTP payloads ({@code G726-32}, and the old static payload type 2 {@code G721}) pack two
 * codewords per octet, the first in the four least significant bits (RFC 3551 §4.5.4).
 * Not thread-safe: one per stream.
 */
public final class G726Decoder implements AudioDecoder {

    // Table 7/G.726 (32 kbit/s), indexed by the codeword I: sign in bit 3, magnitudes mirrored
    // ones'-complement style for the negative codes. Inverse quantizer output log2|DQ|-Y as
    // DQLN (×2^7), the scale factor multiplier W(I) (×2^4) and F(I) for the speed control.
    private static final int[] DQLN = {-2048, 4, 135, 213, 273, 323, 373, 425, 425, 373, 323, 273, 213, 135, 4, -2048};
    private static final int[] W = {-12, 18, 41, 64, 112, 198, 355, 1122, 1122, 355, 198, 112, 64, 41, 18, -12};
    private static final int[] F = {0, 0, 0, 1, 1, 1, 3, 7, 7, 3, 1, 1, 1, 0, 0, 0};

    private int yu; // fast scale factor (2^-? units of the Recommendation: 13 bits)
    private int yl; // slow scale factor, 19 bits (YL / 64 comparable to YU)
    private int dms; // short-term average of F(I)
    private int dml; // long-term average of F(I)
    private int ap; // speed control parameter
    private int a1;
    private int a2; // pole coefficients, 2^-14
    private final int[] b = new int[6]; // zero coefficients, 2^-14
    // quantized difference signal history DQ(k-1..k-6) and reconstructed signal SR(k-1..k-2),
    // in the Recommendation's floating format: sign, 4-bit exponent, 6-bit mantissa
    private final int[] dqSign = new int[6];
    private final int[] dqExp = new int[6];
    private final int[] dqMant = new int[6];
    private final int[] srSign = new int[2];
    private final int[] srExp = new int[2];
    private final int[] srMant = new int[2];
    private int pk1;
    private int pk2; // signs of the last two P = DQ + SEZ
    private boolean td; // tone detected

    /** A decoder in the Recommendation's reset state. */
    public G726Decoder() {
        reset();
    }

    @Override
    public int sampleRate() {
        return 8000;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int maxSamplesPerChannel(int payloadLength) {
        return payloadLength * 2;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        for (int i = 0; i < length; i++) {
            int octet = payload[offset + i] & 0xFF;
            out[outOffset + 2 * i] = decode(octet & 0x0F);
            out[outOffset + 2 * i + 1] = decode(octet >>> 4);
        }
        return length * 2;
    }

    @Override
    public void reset() {
        yu = 544;
        yl = 34816;
        dms = 0;
        dml = 0;
        ap = 0;
        a1 = 0;
        a2 = 0;
        java.util.Arrays.fill(b, 0);
        for (int i = 0; i < 6; i++) { // FLOATA of DQ = 0: sign 0, exponent 0, mantissa 32
            dqSign[i] = 0;
            dqExp[i] = 0;
            dqMant[i] = 32;
        }
        for (int i = 0; i < 2; i++) {
            srSign[i] = 0;
            srExp[i] = 0;
            srMant[i] = 32;
        }
        pk1 = 0;
        pk2 = 0;
        td = false;
    }

    /** Decodes one 4-bit codeword to a 16-bit sample. */
    short decode(int code) {
        // --- adaptive predictor: signal estimate (FMULT, ACCUM) ---
        int sezi = 0;
        for (int i = 0; i < 6; i++) {
            sezi += fmult(b[i], dqSign[i], dqExp[i], dqMant[i]);
        }
        // ACCUM is a 16-bit adder: the sums wrap as the Recommendation's do
        sezi = (short) sezi;
        int sei = (short) (sezi + fmult(a2, srSign[1], srExp[1], srMant[1]) + fmult(a1, srSign[0], srExp[0], srMant[0]));
        int sez = sezi >> 1;
        int se = sei >> 1;

        // --- quantizer scale factor (MIX): Y from the fast and slow factors by the speed control ---
        int al = ap >= 256 ? 64 : ap >> 2;
        int ylp = yl >> 6;
        int dif = yu - ylp;
        int prod = (Math.abs(dif) * al) >> 6; // sign-magnitude product: rounds towards zero
        int y = ylp + (dif < 0 ? -prod : prod);

        // --- inverse adaptive quantizer (RECONST, ADDA, ANTILOG) ---
        int dqs = code >>> 3;
        int dql = DQLN[code] + (y >> 2);
        int dqMag;
        if (dql < 0) {
            dqMag = 0;
        } else {
            int dex = (dql >> 7) & 15;
            int dqt = 128 + (dql & 127);
            dqMag = (dqt << 7) >> (14 - dex);
        }
        int dq = dqs == 0 ? dqMag : -dqMag; // as a two's complement value

        // --- reconstructed signal (ADDB) and P (ADDC) ---
        int sr = (short) (se + dq); // ADDB and ADDC: 16-bit two's complement too
        int p = (short) (sez + dq);
        int pk0 = p < 0 ? 1 : 0;
        boolean sigpk = p == 0;

        // --- transition detector (TRANS): on the slow factor before its update ---
        int ylInt = yl >> 15;
        int ylFrac = (yl >> 10) & 31;
        int thr1 = (32 + ylFrac) << ylInt;
        int thr2 = ylInt > 9 ? 31 << 10 : thr1;
        int dqThr = (thr2 + (thr2 >> 1)) >> 1;
        boolean tr = td && dqMag > dqThr;

        // --- scale factor adaptation (FUNCTW, FILTD, LIMB, FILTE) ---
        yu = y + (((W[code] << 5) - y) >> 5);
        if (yu < 544) {
            yu = 544;
        } else if (yu > 5120) {
            yu = 5120;
        }
        yl += yu + ((-yl) >> 6);

        // --- predictor coefficients (UPA2, LIMC, UPA1, LIMD, UPB), or reset on a transition ---
        if (tr) {
            a1 = 0;
            a2 = 0;
            java.util.Arrays.fill(b, 0);
        } else {
            int pks1 = pk0 ^ pk1;
            int pks2 = pk0 ^ pk2;
            int a2p = a2 - (a2 >> 7);
            if (!sigpk) {
                int fa1 = pks1 == 1 ? a1 : -a1;
                if (fa1 < -8191) {
                    a2p -= 256;
                } else if (fa1 > 8191) {
                    a2p += 255;
                } else {
                    a2p += fa1 >> 5;
                }
                a2p += pks2 == 1 ? -128 : 128;
                if (a2p < -12288) {
                    a2p = -12288;
                } else if (a2p > 12288) {
                    a2p = 12288;
                }
            }
            a2 = a2p;
            a1 -= a1 >> 8;
            if (!sigpk) {
                a1 += pks1 == 1 ? -192 : 192;
            }
            int a1max = 15360 - a2;
            if (a1 < -a1max) {
                a1 = -a1max;
            } else if (a1 > a1max) {
                a1 = a1max;
            }
            for (int i = 0; i < 6; i++) {
                b[i] -= b[i] >> 8;
                if (dqMag != 0) {
                    b[i] += (dqs ^ dqSign[i]) == 0 ? 128 : -128;
                }
            }
        }

        // --- histories (FLOATA, FLOATB, DELAY) ---
        for (int i = 5; i > 0; i--) {
            dqSign[i] = dqSign[i - 1];
            dqExp[i] = dqExp[i - 1];
            dqMant[i] = dqMant[i - 1];
        }
        int dqMag15 = dqMag & 32767;
        dqSign[0] = dqs;
        dqExp[0] = bitLength(dqMag15);
        dqMant[0] = dqMag15 == 0 ? 32 : (dqMag15 << 6) >> dqExp[0];
        srSign[1] = srSign[0];
        srExp[1] = srExp[0];
        srMant[1] = srMant[0];
        int srMag = sr < 0 ? (-sr) & 32767 : sr & 32767;
        srSign[0] = sr < 0 ? 1 : 0;
        srExp[0] = bitLength(srMag);
        srMant[0] = srMag == 0 ? 32 : (srMag << 6) >> srExp[0];
        pk2 = pk1;
        pk1 = pk0;

        // --- tone detector (TONE, TRIGB) on the new A2 ---
        td = !tr && a2 < -11776;

        // --- adaptation speed control (FUNCTF, FILTA, FILTB, SUBTC, FILTC, TRIGA, LIMA) ---
        int fi = F[code];
        dms += ((fi << 9) - dms) >> 5;
        dml += ((fi << 11) - dml) >> 7;
        if (tr) {
            ap = 256;
        } else {
            boolean ax = y < 1536 || td || Math.abs((dms << 2) - dml) >= (dml >> 3);
            ap += ((ax ? 512 : 0) - ap) >> 4;
        }

        return (short) (sr << 2);
    }

    /**
     * FMULT: a coefficient (16-bit two's complement, 2^-14) times a value in floating format,
     * in the Recommendation's 13-bit magnitude, 6-bit mantissa arithmetic.
     */
    private static int fmult(int an, int srnSign, int srnExp, int srnMant) {
        int quarter = an >> 2; // the 16-bit coefficient shifted first (two's complement), then its magnitude
        int anMag = quarter < 0 ? (-quarter) & 8191 : quarter;
        int anExp = bitLength(anMag);
        int anMant = anMag == 0 ? 32 : (anMag << 6) >> anExp;
        int wanExp = anExp + srnExp;
        int wanMant = (anMant * srnMant + 48) >> 4;
        int wanMag = wanExp <= 26 ? (wanMant << 7) >> (26 - wanExp) : ((wanMant << 7) << (wanExp - 26)) & 32767;
        return ((an < 0 ? 1 : 0) ^ srnSign) == 0 ? wanMag : -wanMag;
    }

    /** The number of bits of a non-negative value (0 for 0): the exponent of the floating format. */
    private static int bitLength(int v) {
        return 32 - Integer.numberOfLeadingZeros(v);
    }
}
