package dev.siprec.codecs.g711;

/**
 * ITU-T G.711 companding: µ-law and A-law code words to and from 16-bit linear PCM.
 *
 * <p>Decoding follows the segment/quantisation-interval tables of G.711 (Tables 1a/1b and
 * 2a/2b): a code word is a sign bit, a 3-bit segment number and a 4-bit interval within the
 * segment; the decoder output is the mid-point of the interval. Values are scaled to the
 * 16-bit range (µ-law +-32124, A-law +-32256), as the ITU-T Software Tool Library does.
 * Encoding follows the same decision thresholds and is provided for test signals and tools.
 */
public final class G711 {

    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = (short) ulawDecodeFormula(code);
            ALAW_TO_LINEAR[code] = (short) alawDecodeFormula(code);
        }
    }

    private G711() {
    }

    /** Decodes one µ-law code word (0..255) to linear PCM. */
    public static short ulawToLinear(int code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    /** Decodes one A-law code word (0..255) to linear PCM. */
    public static short alawToLinear(int code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    /**
     * Encodes linear PCM to a µ-law code word. Negative inputs use the one's complement
     * (as in the ITU-T STL), so that the decision thresholds are symmetric.
     */
    public static byte linearToUlaw(int sample) {
        int x = Math.max(-32768, Math.min(32767, sample));
        int sign = x < 0 ? 0x80 : 0x00;
        // µ-law works on 14-bit magnitudes; the bias of 33 (x4 in 16-bit scale) moves segment
        // boundaries to powers of two (G.711 Table 2a).
        int magnitude = (x < 0 ? (-x - 1) : x) >> 2;
        magnitude = Math.min(magnitude + 33, 0x1FFF);
        int segment = 31 - Integer.numberOfLeadingZeros(magnitude) - 5;
        int interval = (magnitude >> (segment + 1)) & 0x0F;
        return (byte) ~(sign | (segment << 4) | interval);
    }

    /** Encodes linear PCM to an A-law code word (even bits inverted, G.711 Table 1a). */
    public static byte linearToAlaw(int sample) {
        int x = Math.max(-32768, Math.min(32767, sample));
        int sign = x >= 0 ? 0x80 : 0x00;
        int magnitude = (x >= 0 ? x : (-x - 1)) >> 3; // 13-bit scale
        int code;
        if (magnitude < 32) {
            code = magnitude >> 1;
        } else {
            int segment = 31 - Integer.numberOfLeadingZeros(magnitude) - 4;
            code = (segment << 4) | ((magnitude >> segment) & 0x0F);
        }
        return (byte) ((sign | code) ^ 0x55);
    }

    private static int ulawDecodeFormula(int code) {
        int u = ~code & 0xFF;
        int segment = (u >> 4) & 0x07;
        int interval = u & 0x0F;
        // Mid-point of the interval, in 14-bit units plus bias, then scaled by 4 (16-bit).
        int magnitude = (((interval << 3) + 0x84) << segment) - 0x84;
        return (u & 0x80) != 0 ? -magnitude : magnitude;
    }

    private static int alawDecodeFormula(int code) {
        int a = (code ^ 0x55) & 0xFF;
        int segment = (a >> 4) & 0x07;
        int interval = a & 0x0F;
        int magnitude = segment == 0
                ? (interval << 4) + 8
                : ((interval << 4) + 0x108) << (segment - 1);
        return (a & 0x80) != 0 ? magnitude : -magnitude;
    }
}
