package dev.siprec.codecs.opus;

/**
 * Opus decoder (RFC 6716 with RFC 8251), pure Java, in progress: it decodes SILK-only packets,
 * mono or stereo, to PCM at an output rate of 8, 12, 16, 24 or 48 kHz and 1 or 2 output
 * channels, bit-exact with the reference decoder (libopus): each SILK frame is reconstructed at
 * the internal rate; stereo is unmixed from mid and side (RFC 6716 §4.2.8), which delays both by
 * one sample, and mono takes the same one-sample delay; then each channel is resampled. The
 * final range of each packet is kept for checks.
 *
 * <p>Lost packets are concealed ({@link #conceal}), or recovered from the in-band FEC of the
 * packet after them ({@link #decodeFec}); empty frames (DTX) are concealed into comfort noise.
 * Both follow the reference decoder exactly, so that the audio after a loss is bit-exact too.
 *
 * <p>Not yet: CELT and hybrid packets ({@link #UNSUPPORTED}). Malformed packets are answered
 * with {@link #MALFORMED}, never an exception. One instance decodes one stream, on one thread.
 */
public final class OpusDecoder {

    /** Returned by {@link #decode} for a packet that breaks RFC 6716 §3.4, or too small an output. */
    public static final int MALFORMED = -1;
    /** Returned by {@link #decode} for a packet this build cannot decode yet (CELT, hybrid). */
    public static final int UNSUPPORTED = -2;
    private static final int INTERP_MS = 8; // the unmixing weights glide over the first 8 ms

    private final int outKHz;
    private final int outChannels;
    private final OpusPacket packet = new OpusPacket();
    private final OpusPacket probe = new OpusPacket(); // for samplesIn, leaving packet alone
    private final RangeDecoder range = new RangeDecoder();
    private final SilkParameters silk = new SilkParameters();
    private final SilkSynthesis[] synthesis = {new SilkSynthesis(), new SilkSynthesis()};
    private final SilkResampler[] resampler = {new SilkResampler(), new SilkResampler()};
    private final short[] mid = new short[2 + 320];
    private final short[] side = new short[2 + 320];
    private final short[] resampled = new short[960];
    private final short[] resampledRight = new short[960];
    private final short[] lastMid = new short[2];
    private final short[] lastSide = new short[2];
    private final int[] prevWeights = new int[2];
    private final int[] weights = new int[2];
    private boolean prevMidOnly;
    private int internalKHz;
    private boolean streamStereo;
    private int subframes;
    private short[] out;
    private int outPos;
    private long finalRange;
    private boolean redundancy; // decoding LBRR frames for FEC
    private boolean pendingSide; // a stereo interval waits for its side frame
    private boolean intervalMidOnly;
    private int pendingLength;

    /**
     * A decoder for one stream.
     *
     * @param outputRateHz 8000, 12000, 16000, 24000 or 48000
     * @param channels 1 or 2 (a mono stream is duplicated to two channels, a stereo one's mid
     *     channel is given for one)
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
        return probe.durationSamples48k() / 48 * outKHz;
    }

    /** The range decoder's final state after the last packet (RFC 6716 §4.1.6). */
    public long finalRange() {
        return finalRange;
    }

    /**
     * Decodes one packet.
     *
     * @return samples per channel written to {@code pcm} from {@code offset} (interleaved when
     *     two channels), or {@link #MALFORMED} / {@link #UNSUPPORTED}
     */
    public int decode(byte[] data, int off, int length, short[] pcm, int offset) {
        if (packet.parse(data, off, length) != null) {
            return MALFORMED;
        }
        if (packet.mode() != OpusPacket.Mode.SILK) {
            return UNSUPPORTED;
        }
        int needed = packet.durationSamples48k() / 48 * outKHz * outChannels;
        if (offset + needed > pcm.length) {
            return MALFORMED;
        }
        out = pcm;
        outPos = offset;
        int ms = packet.frameSamples48k() / 48;
        long lastRange = 0;
        for (int f = 0; f < packet.frameCount(); f++) {
            if (packet.frameLength(f) <= 1) {
                // DTX or a frame the sender dropped: concealed, which during DTX fades into
                // comfort noise, as the reference decoder does
                concealMs(ms);
                lastRange = 0;
                continue;
            }
            prepare();
            subframes = ms == 10 ? 2 : 4;
            range.init(data, packet.frameOffset(f), packet.frameLength(f));
            silk.read(range, packet.bandwidth(), ms, streamStereo);
            lastRange = range.finalRange();
        }
        finalRange = lastRange;
        return (outPos - offset) / outChannels;
    }

    /**
     * Conceals lost audio (RFC 6716 §4.4): continues the last pitch and spectrum with fading
     * gain, then comfort noise. Before any packet was decoded, it gives silence.
     *
     * @param samples per channel, at the output rate; a multiple of 10 ms
     * @return {@code samples}, or {@link #MALFORMED} when it is not a multiple of 10 ms or does
     *     not fit in {@code pcm}
     */
    public int conceal(int samples, short[] pcm, int offset) {
        int tenMs = 10 * outKHz;
        if (samples <= 0 || samples % tenMs != 0 || offset + samples * outChannels > pcm.length) {
            return MALFORMED;
        }
        out = pcm;
        outPos = offset;
        concealMs(samples / outKHz);
        finalRange = 0;
        return samples;
    }

    /**
     * Recovers lost audio from the in-band FEC (LBRR frames, RFC 6716 §4.2.4) of the packet that
     * follows the loss, as the reference decoder does with {@code decode_fec}: the last
     * {@code samples} minus the packet's frame duration are concealed, the rest is decoded from
     * the packet's redundancy, and concealed where it has none. Decode the packet itself with
     * {@link #decode} afterwards.
     *
     * @param samples the lost duration per channel at the output rate; a multiple of 10 ms
     * @return {@code samples}, or {@link #MALFORMED} when {@code samples} is not a multiple of
     *     10 ms or does not fit
     */
    public int decodeFec(byte[] data, int off, int length, int samples, short[] pcm, int offset) {
        int tenMs = 10 * outKHz;
        if (samples <= 0 || samples % tenMs != 0 || offset + samples * outChannels > pcm.length) {
            return MALFORMED;
        }
        if (packet.parse(data, off, length) != null || packet.mode() != OpusPacket.Mode.SILK) {
            return conceal(samples, pcm, offset);
        }
        int ms = packet.frameSamples48k() / 48;
        int frameSamples = ms * outKHz;
        if (samples < frameSamples) {
            return conceal(samples, pcm, offset);
        }
        out = pcm;
        outPos = offset;
        concealMs((samples - frameSamples) / outKHz);
        if (packet.frameLength(0) <= 1) {
            concealMs(ms);
            finalRange = 0;
            return samples;
        }
        prepare();
        subframes = ms == 10 ? 2 : 4;
        range.init(data, packet.frameOffset(0), packet.frameLength(0));
        redundancy = true;
        try {
            silk.readRedundancy(range, packet.bandwidth(), ms, streamStereo);
        } finally {
            redundancy = false;
        }
        finalRange = range.finalRange();
        return samples;
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
        if (lbrr != redundancy) {
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
            boolean hasSide = redundancy ? !prevMidOnly || silk.hasRedundancy(1, index) : !intervalMidOnly;
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
