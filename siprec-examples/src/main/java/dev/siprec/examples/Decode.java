package dev.siprec.examples;

import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.G711Decoder;
import dev.siprec.codecs.G722Decoder;
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
 * <pre>Decode CODEC INPUT OUTPUT [--mode 1|2|3] [--loss FILE]</pre>
 *
 * This build decodes {@code pcmu}, {@code pcma} and {@code g722}; the other codecs of the
 * contract arrive with their decoders and are refused with a message until then. A unit of
 * {@code --loss} is 20 ms: 160 input bytes for G.711 and G.722.
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
        int mode = 1;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--loss") && i + 1 < args.length) {
                loss = Paths.get(args[++i]);
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
            case "opus":
                throw new IllegalArgumentException("codec " + codec + " is not available in this build yet");
            default:
                throw new IllegalArgumentException("unknown codec " + codec + " (pcmu, pcma, g722, g729, opus)");
        }
        byte[] data = Files.readAllBytes(input);
        boolean[] lost = loss == null ? new boolean[0] : readLoss(loss);
        int unit = 160; // 20 ms of G.711 or G.722 input
        short[] pcm = new short[decoder.maxSamplesPerChannel(unit)];
        byte[] le = new byte[pcm.length * 2];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
            for (int off = 0, n = 0; off < data.length; off += unit, n++) {
                int len = Math.min(unit, data.length - off);
                int samples = n < lost.length && lost[n]
                        ? decoder.conceal(decoder.maxSamplesPerChannel(len), pcm, 0)
                        : decoder.decode(data, off, len, pcm, 0);
                if (samples < 0) {
                    throw new IllegalArgumentException("frame " + n + " is malformed");
                }
                for (int i = 0; i < samples; i++) {
                    le[2 * i] = (byte) pcm[i];
                    le[2 * i + 1] = (byte) (pcm[i] >> 8);
                }
                out.write(le, 0, 2 * samples);
            }
        }
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
