package dev.siprec.codecs.g729;

import static dev.siprec.codecs.g729.FixedPoint.add;
import static dev.siprec.codecs.g729.FixedPoint.extractH;
import static dev.siprec.codecs.g729.FixedPoint.extractL;
import static dev.siprec.codecs.g729.FixedPoint.lAdd;
import static dev.siprec.codecs.g729.FixedPoint.lMac;
import static dev.siprec.codecs.g729.FixedPoint.lMult;
import static dev.siprec.codecs.g729.FixedPoint.lShl;
import static dev.siprec.codecs.g729.FixedPoint.lShr;
import static dev.siprec.codecs.g729.FixedPoint.mpyDpf;
import static dev.siprec.codecs.g729.FixedPoint.mult;
import static dev.siprec.codecs.g729.FixedPoint.negate;
import static dev.siprec.codecs.g729.FixedPoint.normL;
import static dev.siprec.codecs.g729.FixedPoint.round;
import static dev.siprec.codecs.g729.FixedPoint.shl;
import static dev.siprec.codecs.g729.FixedPoint.sub;

import dev.siprec.codecs.AudioDecoder;

/**
 * ITU-T G.729 Annex A decoder with Annex B comfort noise (G.729A+B, "G729" in SDP), 8 kHz
 * mono, bit-exact with the ITU-T test vectors of both annexes.
 *
 * <p>Written from the Recommendation in its fixed-point form: LSF dequantisation with MA
 * prediction (§3.2.4, §4.1.1), LP interpolation (§3.2.5), the 1/3-resolution adaptive codebook
 * (§4.1.3), the 17-bit algebraic codebook with pitch sharpening (§4.1.4), MA-predicted gain
 * decoding (§4.1.5), synthesis with overflow rescaling (§4.1.6), Annex A's postfilter and the
 * high-pass output stage; frame erasure concealment (§4.4); Annex B SID decoding and
 * comfort-noise generation (B.4).
 *
 * <p>RTP payloads follow RFC 3551 §4.5.6: any number of 10-byte speech frames, optionally
 * followed by one 2-byte SID frame. Any other length is malformed: nothing is decoded and
 * {@link #MALFORMED} is returned for the caller to count and conceal. A payload's bits are
 * never rejected: every 80-bit pattern is a valid parameter set, and a pitch index whose parity
 * fails is concealed as the Recommendation says.
 *
 * <p>{@link #conceal} decodes erased frames: a repeat of the last speech parameters with
 * attenuated gains after speech, continued comfort noise after a SID, which is also what the
 * silence between Annex B talk spurts (no packets at all) needs.
 */
public final class G729Decoder implements AudioDecoder {

    /** Samples per 10 ms frame. */
    public static final int FRAME = 80;
    /** Bytes of a speech frame. */
    public static final int SPEECH_BYTES = 10;
    /** Bytes of an Annex B SID frame. */
    public static final int SID_BYTES = 2;

    static final int SPEECH = 1;
    static final int SID = 2;
    static final int NOT_TRANSMITTED = 0;

    private static final int M = Filters.ORDER;
    private static final int SUBFRAME = 40;
    private static final int PIT_MIN = 20;
    private static final int PIT_MAX = 143;
    private static final int HISTORY = PIT_MAX + 11; // longest delay plus the interpolation filter
    private static final int SHARP_MAX = 13017; // 0.8, Q14
    private static final int SHARP_MIN = 3277; // 0.2, Q14
    private static final int[] LSP_INIT = {30000, 26000, 21000, 15000, 8000, 0, -8000, -15000, -21000, -26000};
    private static final int[] SID_LSP_INIT = {31441, 27566, 21458, 13612, 4663, -4663, -13612, -21458, -27566, -31441};

    private final LsfDecoder lsf = new LsfDecoder();
    private final ComfortNoise noise = new ComfortNoise();
    private final PostFilter postFilter = new PostFilter();

    private final int[] excBuffer = new int[HISTORY + FRAME]; // the frame's excitation at HISTORY
    private final int[] lspOld = new int[M];
    private final int[] lspSid = new int[M];
    private final int[] synthesisMemory = new int[M];
    private final int[] pastEnergy = new int[4]; // quantised fixed-codebook energies, Q10
    private int sharpening;
    private int lastLag;
    private int gainPitch;
    private int gainCode;
    private int erasureSeed;
    private int lastType;
    private int speechEnergy;
    private int speechEnergyShift;
    private boolean speechEnergyPending; // the last good frame's energy is not worked out yet

    private final int[] params = new int[11];
    private final int[] lspNew = new int[M];
    private final int[] az = new int[2 * (M + 1)];
    private final int[] lags = new int[2];
    private final int[] code = new int[SUBFRAME];
    private final int[] synth = new int[M + FRAME];
    private final int[] work = new int[M + SUBFRAME + 12];
    private final short[] partial = new short[FRAME];
    private int carryStart; // samples of partial[] not yet returned by fillSilence
    private int carryEnd;

    private long frames;
    private long erasedFrames;
    private long parityErrors;

    /** A decoder in its initial state. */
    public G729Decoder() {
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
        return (payloadLength / SPEECH_BYTES + 1) * FRAME;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        int speechFrames = length / SPEECH_BYTES;
        int rest = length - speechFrames * SPEECH_BYTES;
        if (length <= 0 || offset < 0 || offset + length > payload.length || (rest != 0 && rest != SID_BYTES)) {
            return MALFORMED;
        }
        int total = (speechFrames + (rest == SID_BYTES ? 1 : 0)) * FRAME;
        if (outOffset < 0 || outOffset + total > out.length) {
            return MALFORMED;
        }
        int p = offset;
        int o = outOffset;
        for (int f = 0; f < speechFrames; f++, p += SPEECH_BYTES, o += FRAME) {
            unpackSpeech(payload, p, params);
            decodeFrame(false, SPEECH, params, out, o);
        }
        if (rest == SID_BYTES) {
            unpackSid(payload, p, params);
            decodeFrame(false, SID, params, out, o);
        }
        return total;
    }

    @Override
    public int conceal(int samplesPerChannel, short[] out, int outOffset) {
        int done = 0;
        while (done + FRAME <= samplesPerChannel) {
            decodeFrame(true, SPEECH, params, out, outOffset + done);
            done += FRAME;
        }
        if (done < samplesPerChannel) { // a partial frame: decode a whole one, keep its start
            decodeFrame(true, SPEECH, params, partial, 0);
            System.arraycopy(partial, 0, out, outOffset + done, samplesPerChannel - done);
        }
        return samplesPerChannel;
    }

    /** After a SID frame (or a frame not transmitted), Annex B comfort noise continues. */
    @Override
    public boolean continuesNoise() {
        return lastType != SPEECH;
    }

    /**
     * Decodes frames that were not transmitted (Annex B DTX): comfort noise continued from the
     * last SID, or started from the last speech energy when the SID was lost. A request that is
     * not a whole number of frames keeps the rest of its last frame for the next request.
     */
    @Override
    public int fillSilence(int samplesPerChannel, short[] out, int outOffset) {
        int done = Math.min(samplesPerChannel, carryEnd - carryStart);
        System.arraycopy(partial, carryStart, out, outOffset, done);
        carryStart += done;
        while (done + FRAME <= samplesPerChannel) {
            decodeFrame(false, NOT_TRANSMITTED, params, out, outOffset + done);
            done += FRAME;
        }
        if (done < samplesPerChannel) {
            decodeFrame(false, NOT_TRANSMITTED, params, partial, 0);
            carryStart = samplesPerChannel - done;
            carryEnd = FRAME;
            System.arraycopy(partial, 0, out, outOffset + done, carryStart);
        }
        return samplesPerChannel;
    }

    @Override
    public void reset() {
        lsf.reset();
        noise.reset();
        postFilter.reset();
        java.util.Arrays.fill(excBuffer, 0);
        System.arraycopy(LSP_INIT, 0, lspOld, 0, M);
        System.arraycopy(SID_LSP_INIT, 0, lspSid, 0, M);
        java.util.Arrays.fill(synthesisMemory, 0);
        java.util.Arrays.fill(pastEnergy, -14336); // -14 dB, Q10
        java.util.Arrays.fill(synth, 0);
        sharpening = SHARP_MIN;
        lastLag = 60;
        gainPitch = 0;
        gainCode = 0;
        erasureSeed = 21845;
        lastType = SPEECH;
        speechEnergy = 0;
        speechEnergyShift = 1;
        speechEnergyPending = false;
    }

    /** Speech and SID frames decoded since creation. */
    public long frames() {
        return frames;
    }

    /** Frames decoded as erased (concealed). */
    public long erasedFrames() {
        return erasedFrames;
    }

    /** Speech frames whose first pitch index failed its parity check (and was concealed). */
    public long parityErrors() {
        return parityErrors;
    }

    /** The 11 parameters of an 80-bit speech frame, most significant bit first (Table 8). */
    static void unpackSpeech(byte[] b, int off, int[] prm) {
        long high = 0; // bits 0-63
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (b[off + i] & 0xFF);
        }
        int low = ((b[off + 8] & 0xFF) << 8) | (b[off + 9] & 0xFF); // bits 64-79
        prm[0] = (int) (high >>> 56) & 0xFF; // L0 and L1
        prm[1] = (int) (high >>> 46) & 0x3FF; // L2 and L3
        prm[2] = (int) (high >>> 38) & 0xFF; // P1
        prm[3] = (int) (high >>> 37) & 0x1; // P0
        prm[4] = (int) (high >>> 24) & 0x1FFF; // C1
        prm[5] = (int) (high >>> 20) & 0xF; // S1
        prm[6] = (int) (high >>> 13) & 0x7F; // GA1 and GB1
        prm[7] = (int) (high >>> 8) & 0x1F; // P2
        prm[8] = (int) ((high & 0xFF) << 5 | low >>> 11); // C2, across the two words
        prm[9] = (low >>> 7) & 0xF; // S2
        prm[10] = low & 0x7F; // GA2 and GB2
    }

    /** The 4 parameters of a 15-bit SID frame (B.4.3): predictor mode, L1, L2, gain. */
    static void unpackSid(byte[] b, int off, int[] prm) {
        int bits = ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
        prm[0] = bits >>> 15;
        prm[1] = (bits >>> 10) & 0x1F;
        prm[2] = (bits >>> 6) & 0xF;
        prm[3] = (bits >>> 1) & 0x1F;
    }

    /**
     * Decodes one 10 ms frame.
     *
     * @param erased whether the frame was lost (its parameters are not read)
     * @param type {@link #SPEECH}, {@link #SID} or {@link #NOT_TRANSMITTED}
     * @param prm 11 speech parameters or 4 SID parameters
     */
    void decodeFrame(boolean erased, int type, int[] prm, short[] out, int outOff) {
        carryStart = carryEnd; // a frame decoded now supersedes what is left of an earlier one
        if (speechEnergyPending && (erased || type != SPEECH)) {
            // the last good frame's excitation energy is needed only for comfort noise right
            // after speech, and must outlive an erased frame: worked out only then, from the
            // history, where that frame's excitation now sits
            int energy = FixedPoint.energy(0, excBuffer, HISTORY - FRAME, FRAME, 0);
            int shift = normL(energy);
            speechEnergy = round(lShl(energy, shift));
            speechEnergyShift = 16 - shift;
            speechEnergyPending = false;
        }
        if (erased) {
            erasedFrames++;
            // a lost frame is lost speech after speech, and more comfort noise otherwise
            type = lastType == SPEECH ? SPEECH : NOT_TRANSMITTED;
        } else if (type != NOT_TRANSMITTED) {
            frames++;
        }
        if (type == SPEECH) {
            speech(erased, prm);
        } else {
            comfortNoise(type == SID, prm);
        }
        speechEnergyPending = !erased;
        System.arraycopy(excBuffer, FRAME, excBuffer, 0, HISTORY);
        lastType = type;
        postFilter.process(synth, az, lags, type == SPEECH, out, outOff);
    }

    private void speech(boolean erased, int[] prm) {
        noise.restartSeed();
        if (erased) {
            lsf.conceal(lspNew);
        } else {
            lsf.decode(prm[0], prm[1], lspNew);
        }
        Filters.interpolate(lspOld, lspNew, az, work);
        System.arraycopy(lspNew, 0, lspOld, 0, M);

        boolean parityError = !erased && parityFails(prm[2], prm[3]);
        if (parityError) {
            parityErrors++;
        }
        int t0 = 0;
        int frac = 0;
        for (int sub = 0; sub < 2; sub++) {
            int p = sub == 0 ? 2 : 7; // the subframe's first parameter
            int lagIndex = prm[p];
            boolean bad = erased || (sub == 0 && parityError);
            if (!bad) {
                if (sub == 0) {
                    if (lagIndex < 197) {
                        t0 = add(mult(add(lagIndex, 2), 10923), 19);
                        frac = add(sub(lagIndex, 3 * t0), 58);
                    } else {
                        t0 = sub(lagIndex, 112);
                        frac = 0;
                    }
                } else {
                    int min = Math.max(t0 - 5, PIT_MIN);
                    if (min + 9 > PIT_MAX) {
                        min = PIT_MAX - 9;
                    }
                    int i = sub(mult(add(lagIndex, 2), 10923), 1);
                    t0 = add(i, min);
                    frac = sub(sub(lagIndex, 2), 3 * i);
                }
                lastLag = t0;
            } else {
                t0 = lastLag;
                frac = 0;
                lastLag = Math.min(lastLag + 1, PIT_MAX);
            }
            lags[sub] = t0;
            int exc = HISTORY + sub * SUBFRAME;
            Filters.adaptiveCodebook(excBuffer, exc, t0, frac, SUBFRAME, work);

            int positions;
            int signs;
            if (erased) {
                erasureSeed = FixedPoint.random(erasureSeed);
                positions = erasureSeed & 0x1FFF;
                erasureSeed = FixedPoint.random(erasureSeed);
                signs = erasureSeed & 0xF;
            } else {
                positions = prm[sub == 0 ? 4 : 8];
                signs = prm[sub == 0 ? 5 : 9];
            }
            fixedCodebook(positions, signs);
            int sharp = shl(sharpening, 1);
            for (int i = t0; i < SUBFRAME; i++) {
                code[i] = add(code[i], mult(code[i - t0], sharp));
            }
            gains(prm[sub == 0 ? 6 : 10], erased);
            sharpening = Math.max(SHARP_MIN, Math.min(SHARP_MAX, gainPitch));
            int bound = 0;
            for (int i = 0; i < SUBFRAME; i++) {
                int acc = lMult(excBuffer[exc + i], gainPitch);
                acc = lMac(acc, code[i], gainCode);
                int v = round(lShl(acc, 1));
                excBuffer[exc + i] = v;
                bound |= v ^ (v >> 31);
            }
            synthesise(sub, bound + 1);
        }
    }

    private void comfortNoise(boolean sid, int[] prm) {
        boolean afterSpeech = lastType == SPEECH;
        if (sid) {
            noise.sid(prm[3]);
            lsf.decodeSid(prm[0], prm[1], prm[2], lspSid);
        } else if (afterSpeech) {
            noise.estimateFromSpeech(speechEnergy, speechEnergyShift);
        }
        noise.excitation(afterSpeech, excBuffer, HISTORY);
        Filters.interpolate(lspOld, lspSid, az, work);
        System.arraycopy(lspSid, 0, lspOld, 0, M);
        for (int sub = 0; sub < 2; sub++) {
            synthesise(sub, -1);
            lags[sub] = lastLag;
        }
        sharpening = SHARP_MIN;
    }

    /**
     * 1/A(z) over one subframe; on saturation the whole excitation history is scaled by 1/4 first.
     *
     * @param excBound a bound of the subframe's |excitation| (see FixedPoint.absBound), or -1
     */
    private void synthesise(int sub, int excBound) {
        int off = M + sub * SUBFRAME;
        int exc = HISTORY + sub * SUBFRAME;
        int a = sub * (M + 1);
        if (Filters.synthesise(az, a, excBuffer, exc, excBound, synth, off, SUBFRAME, synthesisMemory, work)) {
            for (int i = 0; i < excBuffer.length; i++) {
                excBuffer[i] >>= 2;
            }
            Filters.synthesise(az, a, excBuffer, exc, synth, off, SUBFRAME, synthesisMemory, work);
        }
        System.arraycopy(synth, off + SUBFRAME - M, synthesisMemory, 0, M);
    }

    /** The algebraic codebook vector: 4 pulses of +-1 (Q13) on interleaved tracks (§3.8). */
    private void fixedCodebook(int index, int signs) {
        java.util.Arrays.fill(code, 0);
        int p0 = (index & 7) * 5;
        index >>= 3;
        int p1 = (index & 7) * 5 + 1;
        index >>= 3;
        int p2 = (index & 7) * 5 + 2;
        index >>= 3;
        int p3 = ((index >> 1) & 7) * 5 + 3 + (index & 1);
        code[p0] = (signs & 1) != 0 ? 8191 : -8192;
        code[p1] = (signs & 2) != 0 ? 8191 : -8192;
        code[p2] = (signs & 4) != 0 ? 8191 : -8192;
        code[p3] = (signs & 8) != 0 ? 8191 : -8192;
    }

    /** Pitch and fixed-codebook gains (§4.1.5), or their attenuation on an erased frame (§4.4.2). */
    private void gains(int index, boolean erased) {
        if (erased) {
            gainPitch = Math.min(mult(gainPitch, 29491), 29491);
            gainCode = mult(gainCode, 32111);
            int acc = 0;
            for (int i = 0; i < 4; i++) {
                acc = lAdd(acc, pastEnergy[i]);
            }
            int mean = sub(extractL(lShr(acc, 2)), 4096); // the mean less 4 dB
            if (mean < -14336) {
                mean = -14336;
            }
            pushEnergy(mean);
            return;
        }
        int a = G729Tables.GAIN_A_INDEX[index >> 4] * 2;
        int b = G729Tables.GAIN_B_INDEX[index & 15] * 2;
        gainPitch = add(G729Tables.GAIN_A[a], G729Tables.GAIN_B[b]);

        // predicted gain from the code vector's energy and the past quantised energies (§3.9.1)
        int log = FixedPoint.log2(FixedPoint.energy(0, code, 0, SUBFRAME, 0));
        int acc;
        acc = mpyDpf(log >> 16, log & 0xFFFF, -24660); // -3.0103 log2, Q13
        acc = lMac(acc, 32588, 32); // + 127.298, Q14
        acc = lShl(acc, 10);
        for (int i = 0; i < 4; i++) {
            acc = lMac(acc, G729Tables.GAIN_PREDICTOR[i], pastEnergy[i]);
        }
        int predicted = extractH(acc); // dB, Q8
        acc = lShr(lMult(predicted, 5439), 8); // log2 of the gain, Q16
        int exp = acc >> 16;
        int gcode0 = extractL(FixedPoint.pow2(14, FixedPoint.lo(acc)));
        int expGcode0 = sub(14, exp);

        int correction = G729Tables.GAIN_A[a + 1] + G729Tables.GAIN_B[b + 1]; // Q13
        acc = lMult(extractL(correction >> 1), gcode0);
        acc = lShl(acc, add(negate(expGcode0), 4));
        gainCode = extractH(acc);

        // 20 log10 of the correction, Q10, for the next predictions
        log = FixedPoint.log2(correction);
        acc = FixedPoint.lComp(sub(log >> 16, 13), log & 0xFFFF);
        pushEnergy(mult(extractH(lShl(acc, 13)), 24660));
    }

    private void pushEnergy(int energy) {
        pastEnergy[3] = pastEnergy[2];
        pastEnergy[2] = pastEnergy[1];
        pastEnergy[1] = pastEnergy[0];
        pastEnergy[0] = energy;
    }

    /** The parity bit covers the 6 most significant bits of the 8-bit first pitch index. */
    static boolean parityFails(int lagIndex, int parity) {
        return ((Integer.bitCount((lagIndex >> 2) & 0x3F) + 1 + parity) & 1) != 0;
    }
}
