package dev.siprec.codecs.opus;

/**
 * An Opus packet's framing (RFC 6716 §3): the TOC byte and the frames it holds. A flyweight:
 * {@link #parse} reads one packet in place and keeps only offsets, so nothing is allocated per
 * packet. A packet that breaks a rule of §3.4 ([R1] to [R7]) is rejected with the rule in the
 * message, never with an exception: such packets are not to be decoded as Opus.
 */
final class OpusPacket {

    /** The most frames a packet can hold: 120 ms of 2.5 ms frames (§3.2.5). */
    static final int MAX_FRAMES = 48;
    /** The largest compressed frame (§3.2.1). */
    static final int MAX_FRAME_BYTES = 1275;
    /** The most audio a packet may hold, in 48 kHz samples (120 ms, [R5]). */
    static final int MAX_DURATION_48K = 5760;

    /** The coding mode of a configuration (§3.1, Table 2). */
    enum Mode { SILK, HYBRID, CELT }

    /** Audio bandwidth (§2, Table 1). */
    enum Bandwidth {
        /** Narrowband, 4 kHz. */ NB,
        /** Medium-band, 6 kHz. */ MB,
        /** Wideband, 8 kHz. */ WB,
        /** Super-wideband, 12 kHz. */ SWB,
        /** Fullband, 20 kHz. */ FB
    }

    private int config;
    private boolean stereo;
    private int frameCount;
    private int padding;
    private final int[] offsets = new int[MAX_FRAMES];
    private final int[] lengths = new int[MAX_FRAMES];

    /**
     * Reads the packet {@code data[offset, offset + length)}.
     *
     * @return null when it is a valid Opus packet, else which rule it breaks
     */
    String parse(byte[] data, int offset, int length) {
        frameCount = 0;
        padding = 0;
        if (length < 1) {
            return "[R1] an Opus packet has at least one byte (the TOC)";
        }
        int toc = data[offset] & 0xFF;
        config = toc >>> 3;
        stereo = (toc & 0x04) != 0;
        int pos = offset + 1;
        int end = offset + length;
        switch (toc & 0x03) {
            case 0: // one frame (§3.2.2)
                return frames(1, pos, end - pos, "code 0");
            case 1: { // two frames of equal size (§3.2.3)
                int payload = end - pos;
                if ((payload & 1) != 0) {
                    return "[R3] a code 1 packet has an odd length, so that its two frames are equal";
                }
                return frames(2, pos, payload / 2, "code 1");
            }
            case 2: { // two frames, the first one's length coded (§3.2.4)
                int first = frameLength(data, pos, end);
                if (first < 0) {
                    return "[R4] a code 2 packet has the first frame's length after the TOC";
                }
                pos += first >>> 16;
                int n1 = first & 0xFFFF;
                if (n1 > end - pos) {
                    return "[R4] the first frame of a code 2 packet (" + n1 + " bytes) is longer than the "
                            + (end - pos) + " bytes left";
                }
                if (n1 > MAX_FRAME_BYTES || end - pos - n1 > MAX_FRAME_BYTES) {
                    return "[R2] a frame is longer than " + MAX_FRAME_BYTES + " bytes";
                }
                add(pos, n1);
                add(pos + n1, end - pos - n1);
                return null;
            }
            default:
                return code3(data, pos, end);
        }
    }

    /** Code 3: a frame count byte, optional padding, CBR or VBR frames (§3.2.5). */
    private String code3(byte[] data, int pos, int end) {
        if (pos >= end) {
            return "[R6] a code 3 packet has a frame count byte";
        }
        int countByte = data[pos++] & 0xFF;
        boolean vbr = (countByte & 0x80) != 0;
        boolean padded = (countByte & 0x40) != 0;
        int m = countByte & 0x3F;
        if (m == 0) {
            return "[R5] a code 3 packet holds at least one frame";
        }
        if (m * frameSamples48k() > MAX_DURATION_48K) {
            return "[R5] a code 3 packet holds at most 120 ms: " + m + " frames of "
                    + frameSamples48k() / 48.0 + " ms";
        }
        if (padded) {
            // each 255 adds 254 bytes and another length byte; the last one adds its value
            while (true) {
                if (pos >= end) {
                    return "[R6] the padding length runs past the end of the packet";
                }
                int p = data[pos++] & 0xFF;
                padding += p == 255 ? 254 : p;
                if (p != 255) {
                    break;
                }
            }
            if (padding > end - pos) {
                return "[R6] " + padding + " bytes of padding in the " + (end - pos) + " bytes left";
            }
            end -= padding;
        }
        if (!vbr) {
            int payload = end - pos;
            if (payload % m != 0) {
                return "[R6] " + payload + " bytes of a CBR code 3 packet do not split into " + m + " equal frames";
            }
            return frames(m, pos, payload / m, "code 3 CBR");
        }
        int total = 0;
        for (int i = 0; i < m - 1; i++) {
            int coded = frameLength(data, pos, end);
            if (coded < 0) {
                return "[R7] a VBR code 3 packet ends inside its frame lengths";
            }
            pos += coded >>> 16;
            lengths[i] = coded & 0xFFFF;
            total += lengths[i];
        }
        if (total > end - pos) {
            return "[R7] the frames of a VBR code 3 packet (" + total + " bytes before the last) are longer than the "
                    + (end - pos) + " bytes left";
        }
        int last = end - pos - total;
        if (last > MAX_FRAME_BYTES) {
            return "[R2] a frame is longer than " + MAX_FRAME_BYTES + " bytes";
        }
        for (int i = 0; i < m - 1; i++) {
            offsets[i] = pos;
            pos += lengths[i];
        }
        offsets[m - 1] = pos;
        lengths[m - 1] = last;
        frameCount = m;
        return null;
    }

    private String frames(int count, int pos, int each, String code) {
        if (each > MAX_FRAME_BYTES) {
            return "[R2] a " + code + " frame of " + each + " bytes is longer than " + MAX_FRAME_BYTES;
        }
        for (int i = 0; i < count; i++) {
            add(pos + i * each, each);
        }
        return null;
    }

    private void add(int offset, int length) {
        offsets[frameCount] = offset;
        lengths[frameCount] = length;
        frameCount++;
    }

    /**
     * A frame length of §3.2.1: one byte below 252, else two, {@code 4 * second + first}.
     *
     * @return the length in the low 16 bits and the bytes it took in the high bits, or -1 when
     *     the packet ends first
     */
    private static int frameLength(byte[] data, int pos, int end) {
        if (pos >= end) {
            return -1;
        }
        int b0 = data[pos] & 0xFF;
        if (b0 < 252) {
            return 1 << 16 | b0;
        }
        if (pos + 1 >= end) {
            return -1;
        }
        return 2 << 16 | (4 * (data[pos + 1] & 0xFF) + b0);
    }

    /** The configuration number, 0 to 31 (§3.1). */
    int config() {
        return config;
    }

    /** SILK-only for configurations 0-11, hybrid for 12-15, CELT-only for 16-31 (§3.1). */
    Mode mode() {
        return config < 12 ? Mode.SILK : config < 16 ? Mode.HYBRID : Mode.CELT;
    }

    /** The audio bandwidth of the configuration (§3.1, Table 2). */
    Bandwidth bandwidth() {
        if (config < 12) {
            return config < 4 ? Bandwidth.NB : config < 8 ? Bandwidth.MB : Bandwidth.WB;
        }
        if (config < 16) {
            return config < 14 ? Bandwidth.SWB : Bandwidth.FB;
        }
        switch ((config - 16) >> 2) {
            case 0: return Bandwidth.NB;
            case 1: return Bandwidth.WB;
            case 2: return Bandwidth.SWB;
            default: return Bandwidth.FB;
        }
    }

    /**
     * One frame's duration in samples at 48 kHz: SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT
     * 2.5/5/10/20 ms, by the configuration's position in its group (§3.1).
     */
    int frameSamples48k() {
        if (config < 12) {
            int i = config & 3;
            return i == 0 ? 480 : 960 * i; // 10, 20, 40, 60 ms
        }
        if (config < 16) {
            return (config & 1) == 0 ? 480 : 960;
        }
        return 120 << (config & 3); // 2.5, 5, 10, 20 ms
    }

    /** All the packet's audio in 48 kHz samples. */
    int durationSamples48k() {
        return frameCount * frameSamples48k();
    }

    /** Whether the TOC's stereo flag is set. */
    boolean stereo() {
        return stereo;
    }

    /** Frames in the packet. */
    int frameCount() {
        return frameCount;
    }

    /** Where frame {@code i} starts in the array given to {@link #parse}. */
    int frameOffset(int i) {
        return offsets[i];
    }

    /** Compressed length of frame {@code i}; 0 is a frame not sent (DTX, §3.2.1). */
    int frameLength(int i) {
        return lengths[i];
    }

    /** Opus padding, in bytes, not counting the bytes that code its length (§3.2.5). */
    int paddingLength() {
        return padding;
    }
}
