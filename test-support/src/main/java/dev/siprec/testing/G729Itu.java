package dev.siprec.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ITU-T G.729 test vectors committed under {@code test-support/resources/g729}, and their
 * conversion from the ITU serial format (a sync word, a size word, one word per bit) to RTP
 * payloads (RFC 3551 §4.5.6).
 */
public final class G729Itu {

    private G729Itu() {
    }

    /** A committed vector file, e.g. {@code tstseq6.bit}. */
    public static byte[] resource(String name) throws IOException {
        try (InputStream in = G729Itu.class.getResourceAsStream("/g729/" + name)) {
            if (in == null) {
                throw new IOException("no test resource /g729/" + name);
            }
            return in.readAllBytes();
        }
    }

    /** 16-bit little-endian samples (the ITU output files). */
    public static short[] pcm(byte[] b) {
        short[] out = new short[b.length / 2];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    /**
     * One payload per 10 ms frame of an ITU bitstream: 10 bytes (speech), 2 bytes (SID, 15 bits
     * and a zero), an empty array for a frame not transmitted, {@code null} for an erased one
     * (a zero bit word).
     */
    public static List<byte[]> toRtp(byte[] itu) {
        ByteBuffer in = ByteBuffer.wrap(itu).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> frames = new ArrayList<>();
        while (in.remaining() >= 4) {
            in.getShort();
            int size = in.getShort();
            byte[] bits = new byte[size];
            boolean erased = false;
            for (int i = 0; i < size; i++) {
                short w = in.getShort();
                erased |= w == 0;
                bits[i] = (byte) (w == 0x0081 ? 1 : 0);
            }
            if (erased) {
                frames.add(null);
                continue;
            }
            if (size == 0) {
                frames.add(new byte[0]);
                continue;
            }
            int usedBits = size == 80 ? 80 : 15;
            byte[] payload = new byte[size == 80 ? 10 : 2];
            for (int i = 0; i < usedBits; i++) {
                payload[i >> 3] |= (byte) (bits[i] << (7 - (i & 7)));
            }
            frames.add(payload);
        }
        return frames;
    }
}
