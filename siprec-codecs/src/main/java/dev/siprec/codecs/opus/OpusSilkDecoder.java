package dev.siprec.codecs.opus;

/**
 * Decodes mono SILK-only Opus packets to PCM at an output rate of 8, 12, 16, 24 or 48 kHz (not
 * below the stream's internal rate yet), as the reference decoder does: each SILK frame is
 * reconstructed at the internal rate, delayed by one sample (mono shares the stereo unmixer's
 * delay, RFC 6716 §4.2.8) and resampled. The final range of each packet is kept for checks.
 *
 * <p>Not yet: stereo, CELT and hybrid packets, concealment and FEC. Packets it cannot decode
 * are answered with {@link #UNSUPPORTED} or {@link #MALFORMED}, never an exception.
 */
final class OpusSilkDecoder {

    static final int MALFORMED = -1;
    static final int UNSUPPORTED = -2;

    private final int outKHz;
    private final OpusPacket packet = new OpusPacket();
    private final RangeDecoder range = new RangeDecoder();
    private final SilkParameters silk = new SilkParameters();
    private final SilkSynthesis synthesis = new SilkSynthesis();
    private final SilkResampler resampler = new SilkResampler();
    private final short[] frame = new short[2 + 320];
    private short lastSample;
    private int internalKHz;
    private int subframes;
    private short[] out;
    private int outPos;
    private long finalRange;

    OpusSilkDecoder(int outputRateHz) {
        this.outKHz = outputRateHz / 1000;
        silk.listener(this::onFrame);
    }

    /** The range decoder's final state after the last packet (RFC 6716 §4.1.6). */
    long finalRange() {
        return finalRange;
    }

    /**
     * Decodes one packet.
     *
     * @return samples written to {@code pcm} from {@code offset}, or {@link #MALFORMED} /
     *     {@link #UNSUPPORTED}
     */
    int decode(byte[] data, int off, int length, short[] pcm, int offset) {
        if (packet.parse(data, off, length) != null) {
            return MALFORMED;
        }
        if (packet.mode() != OpusPacket.Mode.SILK || packet.stereo()) {
            return UNSUPPORTED;
        }
        int kHz = packet.bandwidth() == OpusPacket.Bandwidth.NB ? 8 : packet.bandwidth() == OpusPacket.Bandwidth.MB ? 12 : 16;
        if (kHz != internalKHz) {
            if (!resampler.init(kHz, outKHz)) {
                return UNSUPPORTED;
            }
            internalKHz = kHz;
            synthesis.reset();
            lastSample = 0;
        }
        int ms = packet.frameSamples48k() / 48;
        subframes = ms == 10 ? 2 : 4;
        int needed = packet.durationSamples48k() / 48 * outKHz;
        if (offset + needed > pcm.length) {
            return MALFORMED;
        }
        out = pcm;
        outPos = offset;
        for (int f = 0; f < packet.frameCount(); f++) {
            if (packet.frameLength(f) <= 1) {
                return UNSUPPORTED; // DTX or a lost frame: concealment is not written yet
            }
            range.init(data, packet.frameOffset(f), packet.frameLength(f));
            silk.read(range, packet.bandwidth(), ms, false);
        }
        finalRange = range.finalRange();
        return outPos - offset;
    }

    private void onFrame(int channel, int index, boolean lbrr, SilkParameters.SilkFrame f, SilkParameters.Coding coding) {
        if (lbrr || channel != 0) {
            return;
        }
        int n = synthesis.decode(f, internalKHz, subframes, coding == SilkParameters.Coding.CONDITIONAL, frame, 1);
        frame[0] = lastSample;
        lastSample = frame[n];
        outPos += resampler.process(frame, 0, n, out, outPos);
    }
}
