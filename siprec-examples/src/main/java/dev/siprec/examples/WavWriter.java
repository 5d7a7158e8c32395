package dev.siprec.examples;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** Writes a RIFF/WAVE file of 16-bit little-endian PCM; the sizes are fixed up on close. */
final class WavWriter implements AutoCloseable {

    private final java.nio.channels.FileChannel file;
    private final OutputStream out;
    private final int channels;
    private final byte[] buffer = new byte[8192];
    private long dataBytes;

    WavWriter(Path path, int sampleRate, int channels) throws IOException {
        this.channels = channels;
        // one open file for the whole recording: the sizes in the header are written into it at
        // the end through the same descriptor (a second open per recording was measurable at
        // thousands of calls a second)
        this.file = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(file), 1 << 16);
        out.write(header(sampleRate, channels, 0));
    }

    /** Appends interleaved samples. */
    void write(short[] samples, int count) throws IOException {
        int i = 0;
        while (i < count) {
            int n = Math.min(count - i, buffer.length / 2);
            for (int k = 0; k < n; k++) {
                short s = samples[i + k];
                buffer[2 * k] = (byte) s;
                buffer[2 * k + 1] = (byte) (s >> 8);
            }
            out.write(buffer, 0, 2 * n);
            i += n;
        }
        dataBytes += 2L * count;
    }

    /**
     * Writes a frame at its timeline position: a gap before it (frames the library dropped for a
     * listener that fell behind) is written as silence, so every channel stays on one timeline.
     */
    void writeAt(long position, short[] samples, int samplesPerChannel) throws IOException {
        long missing = position - frames();
        if (missing > 0) {
            short[] silence = new short[(int) Math.min(missing * channels, 1 << 16)];
            for (long left = missing * channels; left > 0; left -= silence.length) {
                write(silence, (int) Math.min(left, silence.length));
            }
        }
        write(samples, samplesPerChannel * channels);
    }

    long frames() {
        return dataBytes / 2 / channels;
    }

    @Override
    public void close() throws IOException {
        try (file) {
            out.flush();
            file.write(java.nio.ByteBuffer.wrap(le32(36 + dataBytes)), 4);
            file.write(java.nio.ByteBuffer.wrap(le32(dataBytes)), 40);
        }
    }

    static byte[] header(int sampleRate, int channels, long dataBytes) {
        byte[] h = new byte[44];
        put(h, 0, "RIFF");
        System.arraycopy(le32(36 + dataBytes), 0, h, 4, 4);
        put(h, 8, "WAVEfmt ");
        System.arraycopy(le32(16), 0, h, 16, 4);
        h[20] = 1; // PCM
        h[22] = (byte) channels;
        System.arraycopy(le32(sampleRate), 0, h, 24, 4);
        System.arraycopy(le32((long) sampleRate * channels * 2), 0, h, 28, 4);
        h[32] = (byte) (channels * 2);
        h[34] = 16;
        put(h, 36, "data");
        System.arraycopy(le32(dataBytes), 0, h, 40, 4);
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            h[at + i] = (byte) s.charAt(i);
        }
    }

    private static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
