package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.SilkTables.FRAME_TYPE_ACTIVE;
import static dev.siprec.codecs.opus.SilkTables.FRAME_TYPE_INACTIVE;
import static dev.siprec.codecs.opus.SilkTables.GAIN_DELTA;
import static dev.siprec.codecs.opus.SilkTables.GAIN_LSB;
import static dev.siprec.codecs.opus.SilkTables.GAIN_MSB;

/**
 * Reads the SILK layer of one Opus frame (RFC 6716 §4.2): the header flags, the LBRR frames and
 * the regular SILK frames, each with its side information and excitation, for every channel.
 * This class owns the order and the conditions of the symbols; what a frame's symbols mean
 * (LSFs, lags, gains, pulses) is kept in {@link SilkFrame} for the synthesis to use.
 *
 * <p>Within one Opus frame, later SILK frames are coded relative to earlier ones of the same
 * channel; nothing is carried from one Opus frame to the next, so parsing needs no state of its
 * own between frames.
 */
final class SilkParameters {

    /** How a SILK frame's gains, lag and LTP scaling are coded (§4.2.7.4, §4.2.7.6). */
    enum Coding {
        /** First frame of its kind: absolute gain and lag, LTP scaling present (voiced). */
        INDEPENDENT,
        /** As independent, without LTP scaling: a side frame after a mid-only interval. */
        INDEPENDENT_NO_LTP_SCALING,
        /** Relative to the previous frame of the channel. */
        CONDITIONAL
    }

    /** The symbols of one SILK frame. */
    static final class SilkFrame {
        int signalType; // 0 inactive, 1 unvoiced, 2 voiced
        int quantOffsetType; // 0 low, 1 high
        final int[] gainIndices = new int[4];
        int nlsfStage1;
        final int[] nlsfStage2 = new int[16];
        int nlsfInterpolation = 4;
        boolean absoluteLag;
        int lagHigh;
        int lagLow;
        int lagDelta;
        int contour;
        int periodicity;
        final int[] ltpFilter = new int[4];
        int ltpScaling;
        int seed;
        int rateLevel;
        final int[] pulses = new int[320]; // signed excitation, at most 20 shell blocks of 16
        final int[] blockPulses = new int[20];
        final int[] blockLsbs = new int[20];
    }

    /** One channel's state across the SILK frames of an Opus frame. */
    private static final class Channel {
        final boolean[] vad = new boolean[3];
        boolean lbrr;
        final boolean[] lbrrFrames = new boolean[3];
        int previousSignalType;
    }

    /** Forgets what conditions the next frame's coding (silk_init_decoder). */
    void reset() {
        for (Channel c : channels) {
            c.previousSignalType = 0;
        }
    }

    /** Told about each SILK frame as soon as its symbols are read. */
    interface FrameListener {
        /**
         * @param channel 0 (mid or mono) or 1 (side)
         * @param index the frame's 20 ms interval within the Opus frame
         * @param lbrr whether this is an LBRR (redundant) frame
         */
        void frame(int channel, int index, boolean lbrr, SilkFrame frame, Coding coding);
    }

    private final Channel[] channels = {new Channel(), new Channel()};
    private final SilkFrame frame = new SilkFrame();
    private FrameListener listener;
    // the last stereo prediction indices read (§4.2.7.1: n, i0, i1, i2, i3) and mid-only flag
    private final int[] stereoIndex = new int[5];
    private boolean midOnly;

    // Table 7: stereo prediction weights, Q13
    private static final short[] STEREO_WEIGHTS_Q13 = {
        -13732, -10050, -8266, -7526, -6500, -5000, -2950, -820, 820, 2950, 5000, 6500, 7526, 8266, 10050, 13732,
    };

    /** Whether the current regular interval codes the mid channel only (§4.2.7.2). */
    boolean midOnly() {
        return midOnly;
    }

    /**
     * The stereo prediction weights of the current interval, Q13 (§4.2.7.1): {@code w[0]} is
     * already reduced by {@code w[1]}, as the unmixing uses it.
     */
    void stereoWeights(int[] w) {
        int n = stereoIndex[0];
        for (int k = 0; k < 2; k++) {
            int i0 = stereoIndex[1 + 2 * k] + 3 * (k == 0 ? n / 5 : n % 5);
            int i1 = stereoIndex[2 + 2 * k];
            int low = STEREO_WEIGHTS_Q13[i0];
            int step = ((STEREO_WEIGHTS_Q13[i0 + 1] - low) * 6554) >> 16; // 0.5/5 in Q16
            w[k] = low + step * (2 * i1 + 1);
        }
        w[0] -= w[1];
    }

    void listener(FrameListener l) {
        listener = l;
    }

    /**
     * Reads every SILK symbol of one Opus frame; the listener hears the LBRR frames, then the
     * regular ones.
     *
     * @param bandwidth NB, MB or WB (a hybrid frame's SILK layer is WB)
     * @param frameMs the Opus frame's duration: 10, 20, 40 or 60
     */
    void read(RangeDecoder d, OpusPacket.Bandwidth bandwidth, int frameMs, boolean stereo) {
        int bw = bandwidth == OpusPacket.Bandwidth.NB ? 0 : bandwidth == OpusPacket.Bandwidth.MB ? 1 : 2;
        int nChannels = stereo ? 2 : 1;
        int nFrames = frameMs <= 20 ? 1 : frameMs / 20;
        int subframes = frameMs == 10 ? 2 : 4;
        readFlags(d, nChannels, nFrames);
        readLbrr(d, stereo, nFrames, bw, subframes, false);
        readRegular(d, stereo, nFrames, bw, subframes);
    }

    /**
     * Reads an Opus frame's header flags and LBRR frames only, for in-band FEC (§4.2.4): the
     * listener is told of every 20 ms interval of every channel in decoding order, with a
     * {@code null} frame where the interval has no LBRR frame. The range decoder stops after
     * the last LBRR frame, where the reference decoder's final range is taken.
     */
    void readRedundancy(RangeDecoder d, OpusPacket.Bandwidth bandwidth, int frameMs, boolean stereo) {
        int bw = bandwidth == OpusPacket.Bandwidth.NB ? 0 : bandwidth == OpusPacket.Bandwidth.MB ? 1 : 2;
        int nChannels = stereo ? 2 : 1;
        int nFrames = frameMs <= 20 ? 1 : frameMs / 20;
        readFlags(d, nChannels, nFrames);
        readLbrr(d, stereo, nFrames, bw, frameMs == 10 ? 2 : 4, true);
    }

    /** Whether a channel's 20 ms interval has an LBRR frame, after the flags were read. */
    boolean hasRedundancy(int channel, int index) {
        return channels[channel].lbrrFrames[index];
    }

    /** §4.2.3 and §4.2.4: VAD and LBRR flags. */
    private void readFlags(RangeDecoder d, int nChannels, int nFrames) {
        // §4.2.3: per channel, a VAD flag per SILK frame, then the LBRR flag
        for (int c = 0; c < nChannels; c++) {
            Channel ch = channels[c];
            for (int i = 0; i < nFrames; i++) {
                ch.vad[i] = d.decodeBitLogp(1) == 1;
            }
            ch.lbrr = d.decodeBitLogp(1) == 1;
            ch.previousSignalType = 0;
        }
        // §4.2.4: which SILK frames have LBRR, for 40 and 60 ms frames
        for (int c = 0; c < nChannels; c++) {
            Channel ch = channels[c];
            java.util.Arrays.fill(ch.lbrrFrames, false);
            if (ch.lbrr) {
                if (nFrames == 1) {
                    ch.lbrrFrames[0] = true;
                } else {
                    int flags = d.decodeIcdf(nFrames == 2 ? SilkTables.LBRR_FLAGS_2 : SilkTables.LBRR_FLAGS_3, 8) + 1;
                    for (int i = 0; i < nFrames; i++) {
                        ch.lbrrFrames[i] = (flags >> i & 1) != 0;
                    }
                }
            }
        }
    }

    /** §4.2.5: the LBRR frames, interleaved by time, then channel. */
    private void readLbrr(RangeDecoder d, boolean stereo, int nFrames, int bw, int subframes, boolean reportAbsent) {
        int nChannels = stereo ? 2 : 1;
        for (int i = 0; i < nFrames; i++) {
            for (int c = 0; c < nChannels; c++) {
                if (!channels[c].lbrrFrames[i]) {
                    if (reportAbsent && listener != null) {
                        listener.frame(c, i, true, null, Coding.INDEPENDENT);
                    }
                    continue;
                }
                if (stereo && c == 0) {
                    readStereoWeights(d);
                    midOnly = !channels[1].lbrrFrames[i] && d.decodeIcdf(SilkTables.MID_ONLY, 8) == 1;
                }
                Coding coding = i > 0 && channels[c].lbrrFrames[i - 1] ? Coding.CONDITIONAL : Coding.INDEPENDENT;
                readFrame(d, channels[c], true, coding, bw, subframes);
                if (listener != null) {
                    listener.frame(c, i, true, frame, coding);
                }
            }
        }
    }

    /** §4.2.6: the regular frames. */
    private void readRegular(RangeDecoder d, boolean stereo, int nFrames, int bw, int subframes) {
        int nChannels = stereo ? 2 : 1;
        boolean previousMidOnly = false;
        for (int i = 0; i < nFrames; i++) {
            boolean midOnly = false;
            for (int c = 0; c < nChannels; c++) {
                if (stereo && c == 0) {
                    readStereoWeights(d);
                    if (!channels[1].vad[i]) {
                        midOnly = d.decodeIcdf(SilkTables.MID_ONLY, 8) == 1;
                    }
                    this.midOnly = midOnly;
                }
                if (c == 1 && midOnly) {
                    continue; // no side frame in this interval (§4.2.7.2)
                }
                Coding coding;
                if (i == 0) {
                    coding = Coding.INDEPENDENT;
                } else if (c == 1 && previousMidOnly) {
                    coding = Coding.INDEPENDENT_NO_LTP_SCALING;
                } else {
                    coding = Coding.CONDITIONAL;
                }
                readFrame(d, channels[c], channels[c].vad[i], coding, bw, subframes);
                if (listener != null) {
                    listener.frame(c, i, false, frame, coding);
                }
            }
            previousMidOnly = midOnly;
        }
    }

    /** §4.2.7.1: three pieces, n, then (i0, i1) and (i2, i3). */
    private void readStereoWeights(RangeDecoder d) {
        stereoIndex[0] = d.decodeIcdf(SilkTables.STEREO_STAGE1, 8);
        stereoIndex[1] = d.decodeIcdf(SilkTables.STEREO_STAGE2, 8);
        stereoIndex[2] = d.decodeIcdf(SilkTables.STEREO_STAGE3, 8);
        stereoIndex[3] = d.decodeIcdf(SilkTables.STEREO_STAGE2, 8);
        stereoIndex[4] = d.decodeIcdf(SilkTables.STEREO_STAGE3, 8);
    }

    /** One SILK frame's symbols, in the order of §4.2.7. */
    private void readFrame(RangeDecoder d, Channel ch, boolean active, Coding coding, int bw, int subframes) {
        SilkFrame f = frame;
        // §4.2.7.3: frame type
        int type = active ? d.decodeIcdf(FRAME_TYPE_ACTIVE, 8) + 2 : d.decodeIcdf(FRAME_TYPE_INACTIVE, 8);
        f.signalType = type >> 1;
        f.quantOffsetType = type & 1;
        // §4.2.7.4: gains
        if (coding == Coding.CONDITIONAL) {
            f.gainIndices[0] = d.decodeIcdf(GAIN_DELTA, 8);
        } else {
            f.gainIndices[0] = d.decodeIcdf(GAIN_MSB[f.signalType], 8) << 3 | d.decodeIcdf(GAIN_LSB, 8);
        }
        for (int k = 1; k < subframes; k++) {
            f.gainIndices[k] = d.decodeIcdf(GAIN_DELTA, 8);
        }
        // §4.2.7.5: normalized LSFs
        boolean wb = bw == 2;
        f.nlsfStage1 = d.decodeIcdf(SilkTables.NLSF_STAGE1[(wb ? 2 : 0) + (f.signalType == 2 ? 1 : 0)], 8);
        String codebooks = wb ? SilkTables.NLSF_CB_WB[f.nlsfStage1] : SilkTables.NLSF_CB_NBMB[f.nlsfStage1];
        for (int k = 0; k < codebooks.length(); k++) {
            int cb = codebooks.charAt(k) - 'a';
            int index = d.decodeIcdf(SilkTables.NLSF_STAGE2[cb], 8);
            if (index == 0) {
                index -= d.decodeIcdf(SilkTables.NLSF_EXTENSION, 8);
            } else if (index == 8) {
                index += d.decodeIcdf(SilkTables.NLSF_EXTENSION, 8);
            }
            f.nlsfStage2[k] = index - 4;
        }
        f.nlsfInterpolation = subframes == 4 ? d.decodeIcdf(SilkTables.NLSF_INTERPOLATION, 8) : 4;
        // §4.2.7.6: long-term prediction, voiced frames only
        if (f.signalType == 2) {
            f.absoluteLag = true;
            if (coding == Coding.CONDITIONAL && ch.previousSignalType == 2) {
                f.lagDelta = d.decodeIcdf(SilkTables.PITCH_DELTA, 8);
                f.absoluteLag = f.lagDelta == 0;
            }
            if (f.absoluteLag) {
                f.lagHigh = d.decodeIcdf(SilkTables.PITCH_HIGH, 8);
                f.lagLow = d.decodeIcdf(SilkTables.PITCH_LOW[bw], 8);
            }
            f.contour = d.decodeIcdf(SilkTables.PITCH_CONTOUR[(bw == 0 ? 0 : 2) + (subframes == 4 ? 1 : 0)], 8);
            f.periodicity = d.decodeIcdf(SilkTables.PERIODICITY, 8);
            for (int k = 0; k < subframes; k++) {
                f.ltpFilter[k] = d.decodeIcdf(SilkTables.LTP_FILTER[f.periodicity], 8);
            }
            f.ltpScaling = coding == Coding.INDEPENDENT ? d.decodeIcdf(SilkTables.LTP_SCALING, 8) : 0;
        }
        ch.previousSignalType = f.signalType;
        // §4.2.7.7: LCG seed
        f.seed = d.decodeIcdf(SilkTables.SEED, 8);
        // §4.2.7.8: excitation
        int length = subframes * 5 * (bw == 0 ? 8 : bw == 1 ? 12 : 16);
        readExcitation(d, f, (length + 15) / 16);
    }

    private static void readExcitation(RangeDecoder d, SilkFrame f, int blocks) {
        f.rateLevel = d.decodeIcdf(SilkTables.RATE_LEVEL[f.signalType == 2 ? 1 : 0], 8);
        for (int b = 0; b < blocks; b++) {
            int lsbs = 0;
            int count = d.decodeIcdf(SilkTables.PULSE_COUNT[f.rateLevel], 8);
            while (count == 17) { // more LSbs (§4.2.7.8.2); the tenth time, level 10 ends it
                lsbs++;
                count = d.decodeIcdf(SilkTables.PULSE_COUNT[lsbs == 10 ? 10 : 9], 8);
            }
            f.blockPulses[b] = count;
            f.blockLsbs[b] = lsbs;
        }
        for (int b = 0; b < blocks; b++) {
            int base = 16 * b;
            java.util.Arrays.fill(f.pulses, base, base + 16, 0);
            if (f.blockPulses[b] > 0) {
                split(d, f.pulses, base, 16, f.blockPulses[b]);
            }
        }
        for (int b = 0; b < blocks; b++) {
            int lsbs = f.blockLsbs[b];
            for (int j = 16 * b; lsbs > 0 && j < 16 * b + 16; j++) {
                int m = f.pulses[j];
                for (int k = 0; k < lsbs; k++) {
                    m = 2 * m + d.decodeIcdf(SilkTables.LSB, 8);
                }
                f.pulses[j] = m;
            }
        }
        for (int b = 0; b < blocks; b++) {
            int count = f.blockPulses[b];
            if (count == 0 && f.blockLsbs[b] == 0) {
                continue; // all zero: nothing to sign
            }
            // a block coded with LSbs only signs its coefficients too, with the PDFs for 0 pulses
            int[] icdf = SilkTables.SIGN_ICDF[f.signalType][f.quantOffsetType][Math.min(count, 6)];
            for (int j = 16 * b; j < 16 * b + 16; j++) {
                if (f.pulses[j] > 0 && d.decodeIcdf(icdf, 8) == 0) {
                    f.pulses[j] = -f.pulses[j];
                }
            }
        }
    }

    /** §4.2.7.8.3: how many of {@code count} pulses fall in the left half, preorder. */
    private static void split(RangeDecoder d, int[] pulses, int at, int size, int count) {
        if (size == 1) {
            pulses[at] = count;
            return;
        }
        int table = size == 16 ? 0 : size == 8 ? 1 : size == 4 ? 2 : 3;
        int left = d.decodeIcdf(SilkTables.SHELL[table][count - 1], 8);
        int half = size / 2;
        if (left > 0) {
            split(d, pulses, at, half, left);
        }
        if (count - left > 0) {
            split(d, pulses, at + half, half, count - left);
        }
    }

    /** The symbols of the last SILK frame read. */
    SilkFrame lastFrame() {
        return frame;
    }
}
