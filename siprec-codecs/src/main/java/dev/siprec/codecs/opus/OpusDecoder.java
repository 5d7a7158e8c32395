package dev.siprec.codecs.opus;

/**
 * Opus decoder (RFC 6716 with RFC 8251), pure Java: SILK, hybrid and CELT packets, mono or
 * stereo, to PCM at an output rate of 8, 12, 16, 24 or 48 kHz and 1 or 2 output channels (a
 * stereo stream is down-mixed for one, a mono one duplicated for two).
 *
 * <p>SILK frames are reconstructed bit-exact with the reference decoder (libopus): each frame
 * at the internal rate, stereo unmixed from mid and side (§4.2.8), then resampled. CELT frames
 * (§4.3) are decoded in floating point, as libopus's float build does; a hybrid frame adds CELT's
 * bands above 8 kHz to SILK's wideband layer. Mode switches follow §4.5: redundant CELT frames,
 * the cross-fades of the transitions, and the resets. The final range of each packet is kept
 * for checks.
 *
 * <p>Lost packets are concealed ({@link #conceal}), or recovered from the in-band FEC of the
 * packet after them ({@link #decodeFec}); empty frames (DTX) are concealed into comfort noise.
 * Malformed packets are answered with {@link #MALFORMED}, never an exception. One instance
 * decodes one stream, on one thread; nothing is allocated per packet.
 */
public final class OpusDecoder {

    /** Returned for a packet that breaks RFC 6716 §3.4, too small an output, or a bad duration. */
    public static final int MALFORMED = -1;
    private static final int INTERP_MS = 8; // the unmixing weights glide over the first 8 ms
    private static final int MODE_NONE = 0;
    private static final int MODE_SILK = 1;
    private static final int MODE_HYBRID = 2;
    private static final int MODE_CELT = 3;
    private static final byte[] CELT_SILENCE = {(byte) 0xFF, (byte) 0xFF};

    private final int outKHz;
    private final int outChannels;
    private final int downsample; // 48 kHz / output rate, for CELT
    private final OpusPacket packet = new OpusPacket();
    private final OpusPacket probe = new OpusPacket(); // for samplesIn, leaving packet alone
    private final RangeDecoder range = new RangeDecoder();
    private final SilkParameters silk = new SilkParameters();
    private final SilkSynthesis[] synthesis = {new SilkSynthesis(), new SilkSynthesis()};
    private final SilkResampler[] resampler = {new SilkResampler(), new SilkResampler()};
    private final CeltDecoder celt;
    private final short[] mid = new short[2 + 320];
    private final short[] side = new short[2 + 320];
    private final short[] resampled = new short[960];
    private final short[] resampledRight = new short[960];
    private final short[] lastMid = new short[2];
    private final short[] lastSide = new short[2];
    private final int[] prevWeights = new int[2];
    private final int[] weights = new int[2];
    private final short[] silkPcm = new short[2 * 2880];
    private final float[] pcmFloat = new float[2 * 5760];
    private final float[] transitionPcm = new float[2 * 240];
    private final float[] redundantPcm = new float[2 * 240];
    private boolean prevMidOnly;
    private int internalKHz;
    private boolean streamStereo;
    private int subframes;
    private short[] out;
    private int outPos;
    private long finalRange;
    private boolean lbrrMode; // decoding LBRR frames for FEC
    private boolean pendingSide; // a stereo interval waits for its side frame
    private boolean intervalMidOnly;
    private int pendingLength;
    // the packet being decoded (st->mode, bandwidth, frame_size, stream_channels of libopus)
    private int mode;
    private int frameSize;
    private int streamChannels = 1;
    private int celtEnd = CeltTables.BANDS;
    private int prevMode;
    private boolean prevRedundancy;
    private short[] directOut; // where decode() wants the frame, for the direct SILK path
    private int directOff;
    private boolean frameDirect; // the last frame went straight to directOut

    /**
     * A decoder for one stream.
     *
     * @param outputRateHz 8000, 12000, 16000, 24000 or 48000
     * @param channels 1 or 2 (a mono stream is duplicated to two channels, a stereo one is
     *     down-mixed for one)
     */
    public OpusDecoder(int outputRateHz, int channels) {
        if (outputRateHz != 8000 && outputRateHz != 12000 && outputRateHz != 16000 && outputRateHz != 24000
                && outputRateHz != 48000) {
            throw new IllegalArgumentException("Opus output rate must be 8, 12, 16, 24 or 48 kHz, not " + outputRateHz);
        }
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("Opus output has 1 or 2 channels, not " + channels);
        }
        this.outKHz = outputRateHz / 1000;
        this.outChannels = channels;
        this.downsample = 48 / outKHz;
        this.frameSize = outKHz * 5 / 2;
        this.celt = new CeltDecoder(channels, downsample);
        silk.listener(this::onFrame);
    }

    /**
     * The duration of a packet per channel at this decoder's output rate, from its TOC and frame
     * count (RFC 6716 §3.1), or {@link #MALFORMED}: what to conceal when that packet is lost.
     */
    public int samplesIn(byte[] data, int off, int length) {
        if (probe.parse(data, off, length) != null) {
            return MALFORMED;
        }
        return probe.durationSamples48k() * outKHz / 48;
    }

    /** The range decoder's final state after the last packet (RFC 6716 §4.1.6). */
    public long finalRange() {
        return finalRange;
    }

    /**
     * Decodes one packet.
     *
     * @return samples per channel written to {@code pcm} from {@code offset} (interleaved when
     *     two channels), or {@link #MALFORMED}
     */
    public int decode(byte[] data, int off, int length, short[] pcm, int offset) {
        if (packet.parse(data, off, length) != null) {
            return MALFORMED;
        }
        int perFrame = packet.frameSamples48k() * outKHz / 48;
        int total = perFrame * packet.frameCount();
        if (offset < 0 || offset + total * outChannels > pcm.length) {
            return MALFORMED;
        }
        takePacketSettings(perFrame);
        int done = 0;
        for (int f = 0; f < packet.frameCount(); f++) {
            directOut = pcm;
            directOff = offset + done * outChannels;
            int got = decodeFrame(data, packet.frameOffset(f), packet.frameLength(f), total - done, false, pcmFloat,
                    done * outChannels);
            directOut = null;
            if (!frameDirect) {
                toShorts(done * outChannels, got * outChannels, pcm, offset + done * outChannels);
            }
            done += got;
        }
        return done;
    }

    /**
     * Conceals lost audio (RFC 6716 §4.4): SILK continues the last pitch and spectrum with
     * fading gain, then comfort noise; CELT continues the band energies with shaped noise,
     * fading. Before any packet was decoded, it gives silence.
     *
     * @param samples per channel, at the output rate; a multiple of 2.5 ms
     * @return {@code samples}, or {@link #MALFORMED} when it is not a multiple of 2.5 ms or does
     *     not fit in {@code pcm}
     */
    public int conceal(int samples, short[] pcm, int offset) {
        if (!validDuration(samples, pcm, offset)) {
            return MALFORMED;
        }
        concealInto(samples, 0);
        toShorts(0, samples * outChannels, pcm, offset);
        finalRange = 0;
        return samples;
    }

    private boolean validDuration(int samples, short[] pcm, int offset) {
        int quarter = outKHz * 5 / 2;
        return samples > 0 && samples % quarter == 0 && samples <= 5760 && offset >= 0
                && offset + samples * outChannels <= pcm.length;
    }

    private void concealInto(int samples, int at) {
        int done = 0;
        while (done < samples) {
            done += decodeFrame(null, 0, 0, samples - done, false, pcmFloat, (at + done) * outChannels);
        }
    }

    /**
     * Recovers lost audio from the in-band FEC (LBRR frames, RFC 6716 §4.2.4) of the packet that
     * follows the loss, as the reference decoder does with {@code decode_fec}: the last
     * {@code samples} minus the packet's frame duration are concealed, the rest is decoded from
     * the packet's redundancy (its CELT part, in hybrid mode, concealed). Without FEC (a CELT
     * packet, or after one) everything is concealed. Decode the packet itself with
     * {@link #decode} afterwards.
     *
     * @param samples the lost duration per channel at the output rate; a multiple of 2.5 ms
     * @return {@code samples}, or {@link #MALFORMED} when {@code samples} is not a multiple of
     *     2.5 ms or does not fit
     */
    public int decodeFec(byte[] data, int off, int length, int samples, short[] pcm, int offset) {
        if (!validDuration(samples, pcm, offset)) {
            return MALFORMED;
        }
        if (packet.parse(data, off, length) != null) {
            return conceal(samples, pcm, offset);
        }
        int perFrame = packet.frameSamples48k() * outKHz / 48;
        if (samples < perFrame || packet.mode() == OpusPacket.Mode.CELT || mode == MODE_CELT) {
            return conceal(samples, pcm, offset);
        }
        if (samples > perFrame) {
            concealInto(samples - perFrame, 0);
        }
        takePacketSettings(perFrame);
        decodeFrame(data, packet.frameOffset(0), packet.frameLength(0), perFrame, true, pcmFloat,
                (samples - perFrame) * outChannels);
        toShorts(0, samples * outChannels, pcm, offset);
        return samples;
    }

    private void takePacketSettings(int perFrame) {
        OpusPacket.Mode m = packet.mode();
        mode = m == OpusPacket.Mode.SILK ? MODE_SILK : m == OpusPacket.Mode.HYBRID ? MODE_HYBRID : MODE_CELT;
        frameSize = perFrame;
        streamChannels = packet.stereo() ? 2 : 1;
    }

    /**
     * One frame, or a loss ({@code data == null}), as opus_decode_frame of the reference decoder
     * (RFC 6716 §4.5): SILK, the redundancy flags, CELT, the redundant frame and the transitions.
     *
     * @return samples per channel written to {@code pcm} at {@code pcmOff}
     */
    private int decodeFrame(byte[] data, int off, int len, int wanted, boolean fec, float[] pcm, int pcmOff) {
        int f20 = 20 * outKHz;
        int f10 = f20 >> 1;
        int f5 = f10 >> 1;
        int f25 = f5 >> 1;
        if (len <= 1) {
            data = null;
            wanted = Math.min(wanted, frameSize);
        }
        int audiosize;
        int frameMode;
        boolean newBandwidth = data != null;
        if (data != null) {
            audiosize = frameSize;
            frameMode = mode;
            range.init(data, off, len);
        } else {
            audiosize = wanted;
            frameMode = prevMode;
            if (frameMode == MODE_NONE) {
                java.util.Arrays.fill(pcm, pcmOff, pcmOff + audiosize * outChannels, 0f);
                return audiosize;
            }
            if (audiosize > f20) {
                // concealment runs in pieces of at most 20 ms
                int done = 0;
                while (done < audiosize) {
                    done += decodeFrame(null, 0, 0, Math.min(audiosize - done, f20), false, pcm,
                            pcmOff + done * outChannels);
                }
                return audiosize;
            } else if (audiosize < f20) {
                if (audiosize > f10) {
                    audiosize = f10;
                } else if (frameMode != MODE_SILK && audiosize > f5 && audiosize < f10) {
                    audiosize = f5;
                }
            }
        }
        boolean transition = data != null && prevMode != MODE_NONE
                && ((frameMode == MODE_CELT && prevMode != MODE_CELT && !prevRedundancy)
                        || (frameMode != MODE_CELT && prevMode == MODE_CELT));
        if (transition && frameMode == MODE_CELT) {
            // what the previous mode would have played, to cross-fade from (§4.5.2)
            decodeFrame(null, 0, 0, Math.min(f5, audiosize), false, transitionPcm, 0);
        }
        int n = audiosize;

        frameDirect = false;
        // a SILK-only frame after SILK or hybrid is written straight to the caller's 16-bit
        // output, unless a redundant frame or CELT's fade-out has to be mixed in (below)
        boolean direct = directOut != null && data != null && frameMode == MODE_SILK && prevMode != MODE_CELT;
        if (frameMode != MODE_CELT) {
            if (prevMode == MODE_CELT) {
                resetSilk();
            }
            out = direct ? directOut : silkPcm;
            outPos = direct ? directOff : 0;
            if (data != null) {
                int ms = packet.frameSamples48k() / 48;
                prepare();
                subframes = ms == 10 ? 2 : 4;
                if (fec) {
                    lbrrMode = true;
                    try {
                        silk.readRedundancy(range, packet.bandwidth(), ms, streamStereo);
                    } finally {
                        lbrrMode = false;
                    }
                } else {
                    silk.read(range, packet.bandwidth(), ms, streamStereo);
                }
            } else {
                concealMs(Math.max(10, audiosize / outKHz));
            }
        }

        // a redundant CELT frame at the end (§4.5.1)
        boolean redundancy = false;
        boolean celtToSilk = false;
        int redundancyBytes = 0;
        if (!fec && frameMode != MODE_CELT && data != null
                && range.tell() + 17 + (frameMode == MODE_HYBRID ? 20 : 0) <= 8 * len) {
            redundancy = frameMode != MODE_HYBRID || range.decodeBitLogp(12) != 0;
            if (redundancy) {
                celtToSilk = range.decodeBitLogp(1) != 0;
                redundancyBytes = frameMode == MODE_HYBRID ? (int) range.decodeUint(256) + 2
                        : len - ((range.tell() + 7) >> 3);
                len -= redundancyBytes;
                if (len * 8 < range.tell()) {
                    // not valid: the exact behaviour is not normative
                    len = 0;
                    redundancyBytes = 0;
                    redundancy = false;
                }
                range.shrink(redundancyBytes);
            }
        }
        int startBand = frameMode != MODE_CELT ? 17 : 0;
        if (redundancy) {
            transition = false;
        }
        if (transition && frameMode != MODE_CELT) {
            decodeFrame(null, 0, 0, Math.min(f5, audiosize), false, transitionPcm, 0);
        }
        if (newBandwidth) {
            OpusPacket.Bandwidth bw = packet.bandwidth();
            celtEnd = bw == OpusPacket.Bandwidth.NB ? 13 : bw == OpusPacket.Bandwidth.SWB ? 19
                    : bw == OpusPacket.Bandwidth.FB ? 21 : 17;
        }
        long redundantRange = 0;
        if (redundancy && celtToSilk) {
            celt.decodeStandalone(data, off + len, redundancyBytes, streamChannels, celtEnd, 240, redundantPcm, 0);
            redundantRange = celt.finalRange();
        }
        if (direct) {
            if (!redundancy && prevMode != MODE_HYBRID) {
                frameDirect = true;
                return endFrame(frameMode, range.finalRange(), false, audiosize);
            }
            System.arraycopy(directOut, directOff, silkPcm, 0, n * outChannels);
        }
        if (frameMode != MODE_SILK) {
            int celtFrame = Math.min(f20, n);
            if (frameMode != prevMode && prevMode != MODE_NONE && !prevRedundancy) {
                celt.reset();
            }
            if (data == null || fec) {
                celt.conceal(startBand, celtEnd, streamChannels, celtFrame * downsample, pcm, pcmOff);
            } else {
                celt.decode(range, len, startBand, celtEnd, streamChannels, celtFrame * downsample, pcm, pcmOff);
            }
        } else {
            java.util.Arrays.fill(pcm, pcmOff, pcmOff + n * outChannels, 0f);
            if (prevMode == MODE_HYBRID && !(redundancy && celtToSilk && prevRedundancy)) {
                // hybrid to SILK: CELT fades out through a silence frame
                celt.decodeStandalone(CELT_SILENCE, 0, 2, streamChannels, celtEnd, 120, pcm, pcmOff);
            }
        }
        if (frameMode == MODE_HYBRID && !redundancy && !transition && directOut != null && data != null) {
            // nothing to cross-fade: SILK and CELT summed straight into the caller's 16 bits
            int count = n * outChannels;
            for (int i = 0; i < count; i++) {
                float v = pcm[pcmOff + i] + silkPcm[i];
                directOut[directOff + i] = toShort(v);
            }
            frameDirect = true;
            return endFrame(frameMode, range.finalRange(), false, audiosize);
        }
        if (frameMode != MODE_CELT) {
            for (int i = 0; i < n * outChannels; i++) {
                pcm[pcmOff + i] += silkPcm[i];
            }
        }
        if (redundancy && !celtToSilk) {
            celt.reset();
            celt.decodeStandalone(data, off + len, redundancyBytes, streamChannels, celtEnd, 240, redundantPcm, 0);
            redundantRange = celt.finalRange();
            int at = pcmOff + outChannels * (n - f25);
            smoothFade(pcm, at, redundantPcm, outChannels * f25, pcm, at, f25);
        }
        if (redundancy && celtToSilk) {
            System.arraycopy(redundantPcm, 0, pcm, pcmOff, outChannels * f25);
            int at = pcmOff + outChannels * f25;
            smoothFade(redundantPcm, outChannels * f25, pcm, at, pcm, at, f25);
        }
        if (transition) {
            if (audiosize >= f5) {
                System.arraycopy(transitionPcm, 0, pcm, pcmOff, outChannels * f25);
                int at = pcmOff + outChannels * f25;
                smoothFade(transitionPcm, outChannels * f25, pcm, at, pcm, at, f25);
            } else {
                smoothFade(transitionPcm, 0, pcm, pcmOff, pcm, pcmOff, f25);
            }
        }
        return endFrame(frameMode, len <= 1 ? 0 : range.finalRange() ^ redundantRange, redundancy && !celtToSilk,
                audiosize);
    }

    /** What the next frame needs of this one: its final range, mode, and a CELT-to-SILK redundancy. */
    private int endFrame(int frameMode, long frameRange, boolean redundantToSilk, int audiosize) {
        finalRange = frameRange;
        prevMode = frameMode;
        prevRedundancy = redundantToSilk;
        return audiosize;
    }

    /** A cross-fade with the square of CELT's window, from {@code a} to {@code b} (§4.5.2). */
    private void smoothFade(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int overlap) {
        int inc = 48 / outKHz;
        for (int c = 0; c < outChannels; c++) {
            for (int i = 0; i < overlap; i++) {
                float w = CeltTables.WINDOW[i * inc] * CeltTables.WINDOW[i * inc];
                int k = i * outChannels + c;
                dst[dstOff + k] = w * b[bOff + k] + (1 - w) * a[aOff + k];
            }
        }
    }

    /** To 16 bits: rounded to nearest (even on ties) and saturated, as the reference's float build does. */
    private void toShorts(int from, int n, short[] pcm, int offset) {
        for (int i = 0; i < n; i++) {
            pcm[offset + i] = toShort(pcmFloat[from + i]);
        }
    }

    /** Rounded to nearest (even on ties, as lrintf) and saturated. */
    private static short toShort(float v) {
        return (short) (v >= 32767f ? 32767 : v <= -32768f ? -32768 : (int) Math.rint(v));
    }

    /** Forgets the stream (OPUS_RESET_STATE): the next packet is decoded as a stream's first. */
    public void reset() {
        resetSilk();
        celt.reset();
        mode = MODE_NONE;
        prevMode = MODE_NONE;
        prevRedundancy = false;
        frameSize = outKHz * 5 / 2;
        streamChannels = 1;
        celtEnd = CeltTables.BANDS;
        finalRange = 0;
        pendingSide = false;
    }

    /** silk_InitDecoder: SILK starts afresh after CELT-only frames (§4.5.2). */
    private void resetSilk() {
        silk.reset();
        synthesis[0].reset();
        synthesis[1].reset();
        internalKHz = 0;
        streamStereo = false;
        prevMidOnly = false;
        java.util.Arrays.fill(lastMid, (short) 0);
        java.util.Arrays.fill(lastSide, (short) 0);
        java.util.Arrays.fill(prevWeights, 0);
    }

    /** Follows the packet's internal rate and channels. */
    private void prepare() {
        int kHz = packet.bandwidth() == OpusPacket.Bandwidth.NB ? 8 : packet.bandwidth() == OpusPacket.Bandwidth.MB ? 12 : 16;
        if (kHz != internalKHz) {
            // a new internal rate: new resamplers (every internal and output rate pair is
            // supported); the synthesis resets its own filter memories
            resampler[0].init(kHz, outKHz);
            resampler[1].init(kHz, outKHz);
            internalKHz = kHz;
        }
        if (packet.stereo() && !streamStereo) {
            // mono to stereo: the mid channel goes on; the side starts afresh, the unmixer from
            // zero weights, and the right channel's resampler from the left one's state
            synthesis[1].reset();
            java.util.Arrays.fill(lastSide, (short) 0);
            java.util.Arrays.fill(prevWeights, 0);
            resampler[1].copyStateFrom(resampler[0]);
            prevMidOnly = false;
        }
        streamStereo = packet.stereo();
    }

    /** Conceals in 20 ms pieces and a 10 ms rest, as the reference decoder does. */
    private void concealMs(int ms) {
        while (ms > 0) {
            int piece = ms >= 20 ? 20 : 10;
            ms -= piece;
            if (internalKHz == 0) {
                // nothing decoded yet: nothing to continue
                int n = piece * outKHz * outChannels;
                java.util.Arrays.fill(out, outPos, outPos + n, (short) 0);
                outPos += n;
                continue;
            }
            subframes = piece == 10 ? 2 : 4;
            int n = synthesis[0].conceal(internalKHz, subframes, mid, 2);
            if (streamStereo) {
                if (prevMidOnly) {
                    synthesis[1].restartSide();
                    java.util.Arrays.fill(side, 2, 2 + n, (short) 0);
                } else {
                    synthesis[1].conceal(internalKHz, subframes, side, 2);
                }
                System.arraycopy(prevWeights, 0, weights, 0, 2);
                emitStereo(n, prevMidOnly);
                synthesis[1].forgetLastGain();
            } else {
                emitMono(n);
            }
            synthesis[0].forgetLastGain();
        }
    }

    private void onFrame(int channel, int index, boolean lbrr, SilkParameters.SilkFrame f, SilkParameters.Coding coding) {
        if (lbrr != lbrrMode) {
            return; // LBRR frames are decoded only to recover a loss
        }
        boolean conditional = coding == SilkParameters.Coding.CONDITIONAL;
        if (channel == 0) {
            int n = f != null ? synthesis[0].decode(f, internalKHz, subframes, conditional, mid, 2)
                    : synthesis[0].conceal(internalKHz, subframes, mid, 2);
            pendingLength = n;
            if (!streamStereo) {
                emitMono(n);
                return;
            }
            if (f != null) {
                silk.stereoWeights(weights);
            } else {
                System.arraycopy(prevWeights, 0, weights, 0, 2);
            }
            intervalMidOnly = f != null && silk.midOnly();
            boolean hasSide = lbrrMode ? !prevMidOnly || silk.hasRedundancy(1, index) : !intervalMidOnly;
            if (!intervalMidOnly && prevMidOnly) {
                // the side channel coded again after mid-only intervals starts afresh
                synthesis[1].restartSide();
            }
            if (hasSide) {
                pendingSide = true;
            } else {
                java.util.Arrays.fill(side, 2, 2 + n, (short) 0);
                emitStereo(n, intervalMidOnly);
            }
        } else if (pendingSide) {
            pendingSide = false;
            if (f != null) {
                synthesis[1].decode(f, internalKHz, subframes, conditional, side, 2);
            } else {
                synthesis[1].conceal(internalKHz, subframes, side, 2);
            }
            emitStereo(pendingLength, intervalMidOnly);
        }
    }

    private void emitMono(int n) {
        mid[0] = lastMid[0];
        mid[1] = lastMid[1];
        lastMid[0] = mid[n];
        lastMid[1] = mid[n + 1];
        int m = resampler[0].process(mid, 1, n, resampled, 0);
        write(resampled, m, outChannels == 2 ? resampled : null);
    }

    private void emitStereo(int n, boolean midOnly) {
        if (outChannels == 2) {
            unmix(n);
            int m = resampler[0].process(mid, 1, n, resampled, 0);
            resampler[1].process(side, 1, n, resampledRight, 0);
            write(resampled, m, resampledRight);
        } else {
            emitMono(n); // mono output of a stereo stream is its mid channel
        }
        prevMidOnly = midOnly;
    }

    /** §4.2.8: predict the side from the mid, then left = mid + side, right = mid - side. */
    private void unmix(int n) {
        mid[0] = lastMid[0];
        mid[1] = lastMid[1];
        side[0] = lastSide[0];
        side[1] = lastSide[1];
        lastMid[0] = mid[n];
        lastMid[1] = mid[n + 1];
        lastSide[0] = side[n];
        lastSide[1] = side[n + 1];
        int p0 = prevWeights[0];
        int p1 = prevWeights[1];
        int interp = INTERP_MS * internalKHz;
        int denom = (1 << 16) / interp;
        int d0 = SilkSynthesis.roundShift((weights[0] - prevWeights[0]) * denom, 16);
        int d1 = SilkSynthesis.roundShift((weights[1] - prevWeights[1]) * denom, 16);
        int glide = Math.min(interp, n);
        for (int i = 0; i < n; i++) {
            if (i < glide) {
                p0 += d0;
                p1 += d1;
            } else if (i == glide) {
                p0 = weights[0];
                p1 = weights[1];
            }
            int sum = (mid[i] + mid[i + 2] + (mid[i + 1] << 1)) << 9; // Q11
            sum = (side[i + 1] << 8) + SilkSynthesis.smulwb(sum, p0); // Q8
            sum += SilkSynthesis.smulwb(mid[i + 1] << 11, p1);
            int sd = SilkSynthesis.roundShift(sum, 8);
            side[i + 1] = (short) (sd > 32767 ? 32767 : sd < -32768 ? -32768 : sd);
            if (i > 0) {
                // sample i is no longer read: left = mid + side, right = mid - side
                toLeftRight(i);
            }
        }
        toLeftRight(n);
        prevWeights[0] = weights[0];
        prevWeights[1] = weights[1];
    }

    private void toLeftRight(int i) {
        int m = mid[i];
        int s = side[i];
        int l = m + s;
        int r = m - s;
        mid[i] = (short) (l > 32767 ? 32767 : l < -32768 ? -32768 : l);
        side[i] = (short) (r > 32767 ? 32767 : r < -32768 ? -32768 : r);
    }

    private void write(short[] left, int m, short[] right) {
        if (outChannels == 1) {
            System.arraycopy(left, 0, out, outPos, m);
            outPos += m;
            return;
        }
        for (int i = 0; i < m; i++) {
            out[outPos++] = left[i];
            out[outPos++] = right[i];
        }
    }
}
