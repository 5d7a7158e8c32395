package dev.siprec.codecs.opus;

import dev.siprec.codecs.AudioDecoder;

/**
 * Opus over RTP (RFC 7587): one packet per RTP payload, decoded straight to the recording's
 * rate when Opus has it (8, 12, 16, 24 or 48 kHz), as one channel, a stereo stream down-mixed
 * as RFC 6716 describes (SILK's mid channel, CELT's averaged spectra); or, when the
 * application keeps stereo streams' channels apart, as two.
 *
 * <p>Lost packets are concealed, or recovered from the in-band FEC of the packet that follows
 * them when it is already buffered ({@link #recover}). When the sender goes quiet in DTX (its
 * last packet carried only empty frames), the time until its next packet is filled with the
 * decoder's comfort noise, as the reference decoder's concealment does.
 */
final class OpusRtpDecoder implements AudioDecoder {

    private static final int MAX_MS = 120; // RFC 6716 §3.2.5: no packet lasts longer

    private final int rate;
    private final int channels;
    private final int quarter; // 2.5 ms, the decoder's unit of concealment
    private final OpusDecoder decoder;
    private final short[] buffer;
    private boolean dtx;

    /** @param channels 1 (a stereo stream down-mixed) or 2 (its channels kept, a mono one duplicated) */
    OpusRtpDecoder(int rate, int channels) {
        this.rate = rate;
        this.channels = channels;
        this.quarter = rate / 400;
        this.decoder = new OpusDecoder(rate, channels);
        this.buffer = new short[rate * MAX_MS / 1000 * channels];
    }

    @Override
    public int sampleRate() {
        return rate;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int maxSamplesPerChannel(int payloadLength) {
        return rate * MAX_MS / 1000;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        int n = decoder.decode(payload, offset, length, out, outOffset);
        if (n < 0) {
            return MALFORMED;
        }
        // a packet whose frames are all empty (0 or 1 byte after the TOC) is DTX (RFC 6716 §3.2.1)
        dtx = length <= 2;
        return n;
    }

    @Override
    public int conceal(int samplesPerChannel, short[] out, int outOffset) {
        int capacity = buffer.length / channels;
        int done = 0;
        while (done < samplesPerChannel) {
            int want = Math.min(samplesPerChannel - done, capacity);
            int n = roundUp(want);
            decoder.conceal(n, buffer, 0);
            System.arraycopy(buffer, 0, out, outOffset + done * channels, want * channels);
            done += want;
        }
        return samplesPerChannel;
    }

    /**
     * The lost span before {@code next}, from its in-band FEC where it has some (RFC 6716
     * §4.2.4, §4.5): the decoder recovers the last frame's worth and conceals the rest. The
     * recovered audio ends where {@code next} begins, so when the span is not a whole number of
     * 2.5 ms its start, not its end, is trimmed.
     */
    @Override
    public int recover(byte[] next, int offset, int length, int samplesPerChannel, short[] out, int outOffset) {
        int head = Math.max(0, samplesPerChannel - buffer.length / channels);
        if (head > 0) {
            conceal(head, out, outOffset);
        }
        int want = samplesPerChannel - head;
        int n = roundUp(want);
        if (decoder.decodeFec(next, offset, length, n, buffer, 0) < 0) {
            return conceal(samplesPerChannel, out, outOffset);
        }
        System.arraycopy(buffer, (n - want) * channels, out, outOffset + head * channels, want * channels);
        return samplesPerChannel;
    }

    @Override
    public boolean continuesNoise() {
        return dtx;
    }

    @Override
    public int fillSilence(int samplesPerChannel, short[] out, int outOffset) {
        return conceal(samplesPerChannel, out, outOffset);
    }

    @Override
    public void reset() {
        decoder.reset();
        dtx = false;
    }

    private int roundUp(int samples) {
        int n = (samples + quarter - 1) / quarter * quarter;
        return Math.min(Math.max(n, quarter), buffer.length / channels);
    }
}
