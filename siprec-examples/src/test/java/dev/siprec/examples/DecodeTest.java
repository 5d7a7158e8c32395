package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siprec.codecs.g711.G711;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecodeTest {

    @Test
    void decodesPcmuToLittleEndianPcm(@TempDir Path dir) throws Exception {
        byte[] codes = new byte[400];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) i;
        }
        Path in = Files.write(dir.resolve("in.ulaw"), codes);
        Path out = dir.resolve("out.raw");
        Decode.run(new String[] {"pcmu", in.toString(), out.toString()});
        byte[] pcm = Files.readAllBytes(out);
        assertThat(pcm).hasSize(800);
        for (int i = 0; i < codes.length; i++) {
            short s = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
            assertThat(s).isEqualTo(G711.ulawToLinear(codes[i]));
        }
    }

    @Test
    void lostUnitsAreConcealed(@TempDir Path dir) throws Exception {
        byte[] codes = new byte[160 * 5]; // 100 ms of a 200 Hz tone
        for (int i = 0; i < codes.length; i++) {
            codes[i] = G711.linearToAlaw((int) (12000 * Math.sin(2 * Math.PI * 200 * i / 8000.0)));
        }
        Path in = Files.write(dir.resolve("in.alaw"), codes);
        // unit 0 lost (no history yet: silence); unit 3 lost after 40 ms of audio: concealed
        Path loss = Files.writeString(dir.resolve("loss.txt"), "# units of 20 ms\n1\n0\n0\n1\n0\n");
        Path out = dir.resolve("out.raw");
        Decode.run(new String[] {"pcma", in.toString(), out.toString(), "--loss", loss.toString()});
        byte[] pcm = Files.readAllBytes(out);
        assertThat(pcm).hasSize(2 * codes.length);
        int peakFirst = 0;
        int peakConcealed = 0;
        for (int i = 0; i < 160; i++) {
            peakFirst = Math.max(peakFirst, Math.abs(sample(pcm, i)));
            peakConcealed = Math.max(peakConcealed, Math.abs(sample(pcm, 480 + i)));
        }
        assertThat(peakFirst).isZero();
        assertThat(peakConcealed).isGreaterThan(8000); // the tone goes on through the lost unit
    }

    static short sample(byte[] pcm, int i) {
        return (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
    }

    @Test
    void badArgumentsGiveAOneLineReason(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("x"), new byte[10]);
        assertThatThrownBy(() -> Decode.run(new String[] {"pcmu"})).hasMessageStartingWith("usage:");
        assertThatThrownBy(() -> Decode.run(new String[] {"amr", in.toString(), "o"}))
                .hasMessageContaining("unknown codec amr");
        assertThatThrownBy(() -> Decode.run(new String[] {"opus", in.toString(), dir.resolve("o").toString(), "--fec"}))
                .hasMessage("packet 1 is truncated (no length and range)");
        assertThatThrownBy(() -> Decode.run(new String[] {"opus", in.toString(), "o", "--rate", "44100"}))
                .hasMessageContaining("--rate takes");
        Path badLoss = Files.writeString(dir.resolve("loss"), "0\nx\n");
        assertThatThrownBy(() -> Decode.run(new String[] {"pcmu", in.toString(), dir.resolve("o").toString(),
                "--loss", badLoss.toString()})).hasMessage("loss file line 2 is not 0 or 1");
    }

    @Test
    void matchesTheKitsReferenceDecodeBitExact(@TempDir Path dir) throws Exception {
        Path shared = Paths.get(System.getProperty("siprec.shared", "../../shared"), "codec-reference/ref/g711");
        assumeTrue(Files.isDirectory(shared), "skipped: " + shared + " is absent (it ships in ../shared)");
        for (String law : new String[] {"ulaw", "alaw"}) {
            Path out = dir.resolve(law + ".raw");
            Decode.run(new String[] {law.equals("ulaw") ? "pcmu" : "pcma",
                shared.resolve("speech20_8k." + law).toString(), out.toString()});
            assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(shared.resolve("speech20_8k." + law
                    + ".dec.raw")));
        }
    }

    /**
     * An ITU-T Annex A+B test sequence (speech, SID, untransmitted and erased frames) in the
     * kit's layout: frames concatenated, their sizes in a file, erased frames marked in --loss.
     * The output is the ITU reference output.
     */
    @Test
    void g729WithSidDtxAndErasuresMatchesTheItuOutput(@TempDir Path dir) throws Exception {
        java.util.List<byte[]> frames = dev.siprec.testing.G729Itu.toRtp(dev.siprec.testing.G729Itu.resource("tstseq6.bit"));
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        StringBuilder sizes = new StringBuilder();
        StringBuilder loss = new StringBuilder();
        for (byte[] f : frames) {
            byte[] payload = f == null ? new byte[10] : f; // an erased frame still took its place
            data.writeBytes(payload);
            sizes.append(payload.length).append('\n');
            loss.append(f == null ? "1\n" : "0\n");
        }
        Path in = Files.write(dir.resolve("seq.g729"), data.toByteArray());
        Path sizesFile = Files.writeString(dir.resolve("seq.sizes"), sizes);
        Path lossFile = Files.writeString(dir.resolve("seq.loss"), loss);
        Path out = dir.resolve("out.raw");
        Decode.run(new String[] {"g729", in.toString(), out.toString(), "--sizes", sizesFile.toString(), "--loss",
            lossFile.toString()});
        assertThat(Files.readAllBytes(out)).isEqualTo(dev.siprec.testing.G729Itu.resource("tstseq6a.out"));
    }

    @Test
    void g729ArgumentsAreChecked(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("x.g729"), new byte[22]);
        String o = dir.resolve("o").toString();
        assertThatThrownBy(() -> Decode.run(new String[] {"g729", in.toString(), o}))
                .hasMessageContaining("--sizes");
        Path odd = Files.writeString(dir.resolve("odd"), "10\n7\n");
        assertThatThrownBy(() -> Decode.run(new String[] {"g729", in.toString(), o, "--sizes", odd.toString()}))
                .hasMessage("sizes file line 2 is not 10, 2 or 0");
        Path shortSizes = Files.writeString(dir.resolve("short"), "10\n2\n");
        assertThatThrownBy(() -> Decode.run(new String[] {"g729", in.toString(), o, "--sizes", shortSizes.toString()}))
                .hasMessage("the sizes file accounts for 12 bytes, the input has 22");
    }

    /**
     * A SILK stream of the kit: PCM and final ranges as libopus gives them, as sent, with the
     * kit's loss pattern concealed, and with the losses recovered from in-band FEC where the
     * next packet arrived.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "loss_plc.", "loss_fec."})
    void opusSilkStreamMatchesLibopus(String variant, @TempDir Path dir) throws Exception {
        Path opus = Paths.get(System.getProperty("siprec.shared", "../../shared"), "codec-reference/ref/opus");
        assumeTrue(Files.isDirectory(opus), "skipped: " + opus + " is absent (it ships in ../shared)");
        Path out = dir.resolve("out.raw");
        Path ranges = dir.resolve("out.rng");
        List<String> args = new ArrayList<>(List.of("opus", opus.resolve("silk_wb_20ms_fec_24k.bit").toString(),
                out.toString(), "--rate", "48000", "--channels", "1", "--ranges", ranges.toString()));
        if (!variant.isEmpty()) {
            args.addAll(List.of("--loss", opus.resolve("loss_pattern_300.txt").toString()));
        }
        if (variant.equals("loss_fec.")) {
            args.add("--fec");
        }
        Decode.run(args.toArray(new String[0]));
        String ref = "silk_wb_20ms_fec_24k.48k." + variant;
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(opus.resolve(ref + "dec.raw")));
        List<String> expected = Files.readAllLines(opus.resolve(ref + "rng")).stream()
                .filter(l -> !l.startsWith("#")).map(l -> l.split("\\s+")[3]).toList();
        assertThat(Files.readAllLines(ranges)).isEqualTo(expected);
    }
}
