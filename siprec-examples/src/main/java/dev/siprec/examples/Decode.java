package dev.siprec.examples;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.g711.G711Decoder;
import dev.siprec.codecs.g722.G722Decoder;
import dev.siprec.codecs.g729.G729Decoder;
import dev.siprec.codecs.opus.OpusDecoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The decode tool of CONTRACTS.md: decodes a file of codec frames with this project's
 * decoders into raw 16-bit little-endian PCM.
 *
 * <pre>Decode CODEC INPUT OUTPUT [--mode 1|2|3] [--sizes FILE] [--loss FILE]
 *        [--rate HZ] [--channels 1|2] [--ranges FILE] [--fec]</pre>
 *
 * This build decodes {@code pcmu}, {@code pcma}, {@code g722}, {@code g729}, and {@code opus}
 * for SILK-only streams (CELT, hybrid, lost packets and FEC are refused with a message until
 * the decoder has them). A unit of {@code --loss} is 20 ms
 * (160 input bytes) for G.711 and G.722 and one 10 ms frame for G.729, whose frame sizes come
 * from {@code --sizes} (10 speech, 2 SID, 0 not transmitted: Annex B comfort noise).
 */
public final class Decode {

    private Decode() {
    }

    /** Exit status 0 on success; a one-line message and a non-zero status otherwise. */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("decode: " + e.getMessage());
            System.exit(2);
        } catch (NoSuchFileException e) {
            System.err.println("decode: no such file: " + e.getFile());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("decode: " + e);
            System.exit(1);
        }
    }

    static void run(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: Decode CODEC INPUT OUTPUT [--mode 1|2|3] [--loss FILE]");
        }
        String codec = args[0];
        Path input = Paths.get(args[1]);
        Path output = Paths.get(args[2]);
        Path loss = null;
        Path sizes = null;
        Path ranges = null;
        int rate = 48000;
        int channels = 2;
        boolean fec = false;
        int mode = 1;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--loss") && i + 1 < args.length) {
                loss = Paths.get(args[++i]);
            } else if (args[i].equals("--sizes") && i + 1 < args.length) {
                sizes = Paths.get(args[++i]);
            } else if (args[i].equals("--ranges") && i + 1 < args.length) {
                ranges = Paths.get(args[++i]);
            } else if (args[i].equals("--fec")) {
                fec = true;
            } else if (args[i].equals("--rate") && i + 1 < args.length) {
                String r = args[++i];
                if (!List.of("8000", "12000", "16000", "24000", "48000").contains(r)) {
                    throw new IllegalArgumentException("--rate takes 8000, 12000, 16000, 24000 or 48000, not " + r);
                }
                rate = Integer.parseInt(r);
            } else if (args[i].equals("--channels") && i + 1 < args.length) {
                String c = args[++i];
                if (!c.equals("1") && !c.equals("2")) {
                    throw new IllegalArgumentException("--channels takes 1 or 2, not " + c);
                }
                channels = Integer.parseInt(c);
            } else if (args[i].equals("--mode") && i + 1 < args.length) {
                String m = args[++i];
                if (!m.equals("1") && !m.equals("2") && !m.equals("3")) {
                    throw new IllegalArgumentException("--mode takes 1, 2 or 3, not " + m);
                }
                mode = Integer.parseInt(m);
            } else {
                throw new IllegalArgumentException("unknown or incomplete option " + args[i]);
            }
        }
        AudioDecoder decoder;
        switch (codec) {
            case "pcmu": decoder = G711Decoder.ulaw(); break;
            case "pcma": decoder = G711Decoder.alaw(); break;
            case "g722": decoder = new G722Decoder(mode); break;
            case "g729":
                if (sizes == null) {
                    throw new IllegalArgumentException("g729 needs --sizes FILE (one 10, 2 or 0 per 10 ms frame)");
                }
                decoder = new G729Decoder();
                break;
            case "opus":
                decodeOpus(input, output, rate, channels, ranges, loss, fec);
                return;
            default:
                throw new IllegalArgumentException("unknown codec " + codec + " (pcmu, pcma, g722, g729, opus)");
        }
        byte[] data = Files.readAllBytes(input);
        boolean[] lost = loss == null ? new boolean[0] : readLoss(loss);
        int[] units = sizes != null ? readSizes(sizes, data.length) : fixedUnits(data.length, 160);
        short[] pcm = new short[decoder.maxSamplesPerChannel(160)];
        byte[] le = new byte[pcm.length * 2];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
            int off = 0;
            for (int n = 0; n < units.length; n++) {
                int len = units[n];
                int samples;
                if (n < lost.length && lost[n]) {
                    // a G.729 unit is one frame whatever its size; a G.711/G.722 unit is its bytes' worth
                    samples = decoder.conceal(sizes != null ? G729Decoder.FRAME : decoder.maxSamplesPerChannel(len), pcm, 0);
                } else if (len == 0) {
                    samples = decoder.fillSilence(G729Decoder.FRAME, pcm, 0); // G.729 Annex B: not transmitted
                } else {
                    samples = decoder.decode(data, off, len, pcm, 0);
                }
                if (samples < 0) {
                    throw new IllegalArgumentException("frame " + n + " is malformed");
                }
                off += len;
                for (int i = 0; i < samples; i++) {
                    le[2 * i] = (byte) pcm[i];
                    le[2 * i + 1] = (byte) (pcm[i] >> 8);
                }
                out.write(le, 0, 2 * samples);
            }
        }
    }

    /**
     * Opus in opus_demo framing: per packet a 4-byte length, a 4-byte encoder final range, the
     * packet. A packet marked lost is concealed for its own duration, or with {@code fec}
     * recovered from the next packet's in-band FEC when that one arrived.
     */
    static void decodeOpus(Path input, Path output, int rate, int channels, Path ranges, Path loss, boolean fec)
            throws IOException {
        byte[] data = Files.readAllBytes(input);
        List<int[]> packets = new ArrayList<>(); // offset, length
        for (int pos = 0, n = 0; pos < data.length; n++) {
            if (pos + 8 > data.length) {
                throw new IllegalArgumentException("packet " + n + " is truncated (no length and range)");
            }
            int length = readInt(data, pos);
            if (length < 0 || pos + 8 + length > data.length) {
                throw new IllegalArgumentException("packet " + n + " is truncated (length " + length + ")");
            }
            packets.add(new int[] {pos + 8, length});
            pos += 8 + length;
        }
        boolean[] lost = loss == null ? new boolean[0] : readLoss(loss);
        OpusDecoder decoder = new OpusDecoder(rate, channels);
        short[] pcm = new short[5760 * 2]; // 120 ms at 48 kHz, stereo
        byte[] le = new byte[pcm.length * 2];
        StringBuilder rangeLines = new StringBuilder();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
            for (int n = 0; n < packets.size(); n++) {
                int at = packets.get(n)[0];
                int length = packets.get(n)[1];
                int samples;
                if (n < lost.length && lost[n]) {
                    int duration = decoder.samplesIn(data, at, length);
                    if (duration <= 0) {
                        throw new IllegalArgumentException("packet " + n + " is marked lost, but its duration cannot be read");
                    }
                    boolean nextArrived = n + 1 < packets.size() && !(n + 1 < lost.length && lost[n + 1]);
                    if (fec && nextArrived) {
                        samples = decoder.decodeFec(data, packets.get(n + 1)[0], packets.get(n + 1)[1], duration, pcm, 0);
                    } else {
                        samples = decoder.conceal(duration, pcm, 0);
                    }
                } else {
                    samples = decoder.decode(data, at, length, pcm, 0);
                }
                if (samples == OpusDecoder.MALFORMED) {
                    throw new IllegalArgumentException("packet " + n + " is malformed");
                }
                rangeLines.append(String.format("%08x%n", decoder.finalRange()));
                for (int i = 0; i < samples * channels; i++) {
                    le[2 * i] = (byte) pcm[i];
                    le[2 * i + 1] = (byte) (pcm[i] >> 8);
                }
                out.write(le, 0, 2 * samples * channels);
            }
        }
        if (ranges != null) {
            Files.writeString(ranges, rangeLines);
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /** Units of {@code unit} bytes (the last one shorter when the file is). */
    static int[] fixedUnits(int total, int unit) {
        int[] units = new int[(total + unit - 1) / unit];
        for (int i = 0; i < units.length; i++) {
            units[i] = Math.min(unit, total - i * unit);
        }
        return units;
    }

    /** A G.729 sizes file: one 10, 2 or 0 a line, which must account for the whole input. */
    static int[] readSizes(Path file, int total) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        int lineNo = 0;
        long sum = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (!t.equals("10") && !t.equals("2") && !t.equals("0")) {
                throw new IllegalArgumentException("sizes file line " + lineNo + " is not 10, 2 or 0");
            }
            sizes.add(Integer.parseInt(t));
            sum += sizes.get(sizes.size() - 1);
        }
        if (sum != total) {
            throw new IllegalArgumentException("the sizes file accounts for " + sum + " bytes, the input has " + total);
        }
        int[] out = new int[sizes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sizes.get(i);
        }
        return out;
    }

    static boolean[] readLoss(Path file) throws IOException {
        List<Boolean> marks = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (!t.equals("0") && !t.equals("1")) {
                throw new IllegalArgumentException("loss file line " + lineNo + " is not 0 or 1");
            }
            marks.add(t.equals("1"));
        }
        boolean[] out = new boolean[marks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = marks.get(i);
        }
        return out;
    }
}
