package dev.siprec.codecs.g729;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes an ITU-T G.729 test-vector bitstream: per 10 ms frame a sync word (0x6B21), a size
 * word (80 speech bits, 15 SID bits, 0 not transmitted) and one word per bit (0x007F = 0,
 * 0x0081 = 1), little-endian. A frame with a zero bit word, or an untransmitted frame without
 * the sync word, is erased.
 */
final class ItuBitstream {

    private static final int SYNC = 0x6B21;
    private static final int[] SPEECH_FIELDS = {8, 10, 8, 1, 13, 4, 7, 5, 13, 4, 7};
    private static final int[] SID_FIELDS = {1, 5, 4, 5};

    private ItuBitstream() {
    }

    /** The decoder's output for the whole stream (80 samples a frame). */
    static short[] decode(Path bitstream) throws IOException {
        return decode(Files.readAllBytes(bitstream), new G729Decoder());
    }

    static short[] decode(byte[] bytes, G729Decoder decoder) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[bytes.length / 2 / 2 * 80]; // upper bound, trimmed below
        int frames = 0;
        int[] prm = new int[11];
        while (in.remaining() >= 4) {
            int sync = in.getShort() & 0xFFFF;
            int size = in.getShort();
            if (in.remaining() < 2 * size) {
                break;
            }
            boolean erased = false;
            int[] fields = size == 80 ? SPEECH_FIELDS : size == 15 || size == 16 ? SID_FIELDS : new int[0];
            int read = 0;
            for (int f = 0; f < fields.length; f++) {
                int v = 0;
                for (int n = 0; n < fields[f]; n++, read++) {
                    int word = in.getShort();
                    erased |= word == 0;
                    v = (v << 1) | (word == 0x0081 ? 1 : 0);
                }
                prm[f] = v;
            }
            for (; read < size; read++) {
                erased |= in.getShort() == 0;
            }
            if (size == 0 && sync != SYNC) {
                erased = true;
            }
            int type = size == 80 ? G729Decoder.SPEECH : size == 0 ? G729Decoder.NOT_TRANSMITTED : G729Decoder.SID;
            decoder.decodeFrame(erased, type, prm, out, frames * 80);
            frames++;
        }
        return java.util.Arrays.copyOf(out, frames * 80);
    }
}
