package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mono SILK-only streams decoded at an output rate, against libopus's decodes in the kit. */
class OpusDecoderTest {

    /**
     * Every SILK stream of the kit, mono and stereo; in silk_nb_10ms_cbr_8k and
     * silk_wb_40ms_dtx_16k the encoder sent empty frames (DTX), which are concealed and filled
     * with comfort noise exactly as libopus does.
     */
    @ParameterizedTest
    @CsvSource({"silk_nb_10ms_cbr_8k, 48", "silk_wb_40ms_dtx_16k, 48", "silk_nb_20ms_vbr_6k, 8", "silk_nb_20ms_vbr_6k, 16", "silk_nb_20ms_vbr_6k, 48",
        "silk_wb_20ms_fec_24k, 8", "silk_wb_20ms_fec_24k, 16", "silk_wb_20ms_fec_24k, 48", "silk_mb_20ms_vbr_12k, 48",
        "silk_mb_60ms_cbr_14k, 48", "silk_wb_10ms_vbr_16k, 48", "silk_wb_60ms_cbr_32k, 48",
        "st_silk_wb_20ms_vbr_32k, 48"})
    void bitExactWithLibopus(String name, int kHz) throws IOException {
        int channels = name.startsWith("st_") ? 2 : 1;
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        short[] reference = Kit.readS16(dir.resolve(name + "." + kHz + "k.dec.raw"));
        long[] ranges = packets.stream().mapToLong(OpusDemo.Packet::finalRange).toArray();
        short[] out = decodeWithLoss(new OpusDecoder(kHz * 1000, channels), channels, packets,
                new boolean[packets.size()], false, ranges);
        assertSamePcm(name + " at " + kHz + " kHz", out, out.length, reference);
    }

    /**
     * The kit's loss pattern (300 packets, about 15% lost, two bursts of 3) over the SILK WB
     * stream with in-band FEC, decoded at 48 kHz as libopus did: lost packets concealed, or with
     * FEC recovered from the next packet when it arrived. PCM and final ranges must equal
     * libopus's.
     */
    @ParameterizedTest
    @CsvSource({"plc", "fec"})
    void lossConcealedAndRecoveredAsLibopus(String how) throws IOException {
        String name = "silk_wb_20ms_fec_24k";
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve(name + ".bit"));
        boolean[] lost = lossPattern(dir.resolve("loss_pattern_300.txt"), packets.size());
        short[] reference = Kit.readS16(dir.resolve(name + ".48k.loss_" + how + ".dec.raw"));
        long[] ranges = decoderRanges(dir.resolve(name + ".48k.loss_" + how + ".rng"), packets.size());
        int recovered = 0; // lost packets after which libopus's range is FEC's, not 0
        for (int i = 0; i < packets.size(); i++) {
            recovered += lost[i] && ranges[i] != 0 ? 1 : 0;
        }
        assertThat(recovered).isEqualTo(how.equals("fec") ? 32 : 0);
        short[] out = decodeWithLoss(new OpusDecoder(48000, 1), 1, packets, lost, how.equals("fec"), ranges);
        assertSamePcm(name + " with loss (" + how + ")", out, out.length, reference);
    }

    /**
     * A long loss after speech fades: the concealment continues the voice for the first tens of
     * milliseconds, then falls well below it within 200 ms, and never grows back.
     */
    @org.junit.jupiter.api.Test
    void aLongLossFadesOut() throws IOException {
        Path dir = Kit.path("codec-reference/ref/opus");
        List<OpusDemo.Packet> packets = OpusDemo.read(dir.resolve("silk_wb_20ms_fec_24k.bit"));
        OpusDecoder decoder = new OpusDecoder(16000, 1);
        short[] pcm = new short[320];
        double speech = 0;
        int decoded = 0;
        for (OpusDemo.Packet p : packets) {
            decoder.decode(p.data(), 0, p.data().length, pcm, 0);
            double e = energy(pcm, 320);
            decoded++;
            if (decoded > 20 && e > 1e6) {
                speech = e; // stop in loud speech
                break;
            }
        }
        assertThat(speech).as("found loud speech").isPositive();
        double[] lost = new double[50];
        for (int k = 0; k < lost.length; k++) {
            assertThat(decoder.conceal(320, pcm, 0)).isEqualTo(320);
            lost[k] = energy(pcm, 320);
        }
        assertThat(lost[0]).as("the first 20 ms continue the voice").isGreaterThan(speech / 100);
        assertThat(lost[10]).as("200 ms on, at least 20 dB down").isLessThan(lost[0] / 100);
        for (int k = 11; k < lost.length; k++) {
            assertThat(lost[k]).as("frame %d", k).isLessThanOrEqualTo(lost[10] * 2);
        }
    }

    /** Before any packet there is nothing to continue: silence; sizes must be whole 2.5 ms. */
    @org.junit.jupiter.api.Test
    void concealmentArgumentsAndTheStart() {
        OpusDecoder decoder = new OpusDecoder(48000, 2);
        short[] pcm = new short[2 * 1920];
        java.util.Arrays.fill(pcm, (short) 7);
        assertThat(decoder.conceal(960, pcm, 0)).isEqualTo(960);
        for (int i = 0; i < 1920; i++) {
            assertThat(pcm[i]).isZero();
        }
        assertThat(decoder.conceal(100, pcm, 0)).isEqualTo(OpusDecoder.MALFORMED);
        assertThat(decoder.conceal(1920, pcm, 1)).isEqualTo(OpusDecoder.MALFORMED);
        assertThat(decoder.conceal(0, pcm, 0)).isEqualTo(OpusDecoder.MALFORMED);
        assertThat(decoder.decodeFec(new byte[] {(byte) 0xFC}, 0, 1, 960, pcm, 0)).as("a CELT packet: concealed")
                .isEqualTo(960);
        assertThat(decoder.samplesIn(new byte[] {0x08}, 0, 1)).isEqualTo(960); // SILK NB 20 ms
        assertThat(decoder.samplesIn(new byte[] {0x03}, 0, 1)).isEqualTo(OpusDecoder.MALFORMED);
    }

    /**
     * Random and truncated packets of every mode (SILK, hybrid, CELT), bandwidth and frame size,
     * mono and stereo, any frame count, decoded, lost,
     * concealed and recovered in random order, at random output settings: never an exception,
     * and every call accounts for exactly the samples it was asked for.
     */
    @org.junit.jupiter.api.Test
    void randomPacketsLossAndFecNeverThrow() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(8251);
        int[] rates = {8000, 12000, 16000, 24000, 48000};
        byte[] packet = new byte[400];
        short[] pcm = new short[5760 * 2];
        OpusPacket parser = new OpusPacket();
        long decodedPackets = 0;
        // 300 streams of 1,000 calls by default; -Dsiprec.fuzz.opus=N for N streams (a longer run)
        int streams = Integer.getInteger("siprec.fuzz.opus", 300);
        for (int stream = 0; stream < streams; stream++) {
            int rate = rates[rnd.nextInt(rates.length)];
            int channels = 1 + rnd.nextInt(2);
            OpusDecoder decoder = new OpusDecoder(rate, channels);
            int kHz = rate / 1000;
            for (int n = 0; n < 1000; n++) {
                rnd.nextBytes(packet);
                int config = rnd.nextInt(32);
                packet[0] = (byte) (config << 3 | (rnd.nextInt(4) == 0 ? 4 : 0) | rnd.nextInt(4));
                int length = rnd.nextInt(1, packet.length);
                int action = rnd.nextInt(10);
                if (action == 0) {
                    int quarters = 1 + rnd.nextInt(24); // 2.5 to 60 ms
                    assertThat(decoder.conceal(quarters * kHz * 5 / 2, pcm, 0)).isEqualTo(quarters * kHz * 5 / 2);
                } else if (action == 1) {
                    int ms = 20 * (1 + rnd.nextInt(3));
                    assertThat(decoder.decodeFec(packet, 0, length, ms * kHz, pcm, 0)).isEqualTo(ms * kHz);
                } else {
                    int got = decoder.decode(packet, 0, length, pcm, 0);
                    if (parser.parse(packet, 0, length) != null) {
                        assertThat(got).isEqualTo(OpusDecoder.MALFORMED);
                    } else {
                        assertThat(got).isEqualTo(parser.durationSamples48k() * kHz / 48);
                        decodedPackets++;
                    }
                }
            }
        }
        assertThat(decodedPackets).isGreaterThan(streams * 300L);
    }

    private static double energy(short[] pcm, int n) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += (double) pcm[i] * pcm[i];
        }
        return e;
    }

    /**
     * Decodes a stream as the kit's harness does: a lost packet is concealed for its own
     * duration, or with {@code fec} recovered from the next packet when that one arrived; the
     * final range after every packet must be {@code ranges[i]}.
     *
     * @return the PCM, interleaved when two channels
     */
    static short[] decodeWithLoss(OpusDecoder decoder, int channels, List<OpusDemo.Packet> packets, boolean[] lost,
            boolean fec, long[] ranges) {
        short[] out = new short[packets.size() * 5760 * channels];
        int n = 0;
        for (int i = 0; i < packets.size(); i++) {
            byte[] data = packets.get(i).data();
            int got;
            if (!lost[i]) {
                got = decoder.decode(data, 0, data.length, out, n);
            } else {
                int duration = decoder.samplesIn(data, 0, data.length);
                if (fec && i + 1 < packets.size() && !lost[i + 1]) {
                    byte[] next = packets.get(i + 1).data();
                    got = decoder.decodeFec(next, 0, next.length, duration, out, n);
                } else {
                    got = decoder.conceal(duration, out, n);
                }
            }
            assertThat(got).as("packet %d", i).isPositive();
            assertThat(decoder.finalRange()).as("final range after packet %d", i).isEqualTo(ranges[i]);
            n += got * channels;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    static void assertSamePcm(String what, short[] out, int n, short[] reference) {
        assertThat(n).as(what + ": samples").isEqualTo(reference.length);
        for (int i = 0; i < n; i++) {
            if (out[i] != reference[i]) {
                throw new AssertionError(what + ": first difference at sample " + i + ": " + out[i] + " instead of "
                        + reference[i]);
            }
        }
    }

    static boolean[] lossPattern(Path file, int packets) throws IOException {
        boolean[] lost = new boolean[packets];
        int i = 0;
        for (String line : java.nio.file.Files.readAllLines(file)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (i < packets) {
                lost[i] = line.equals("1");
            }
            i++;
        }
        return lost;
    }

    /** The decoder's final range per packet from a kit .rng file (idx len enc dec samples status). */
    static long[] decoderRanges(Path file, int packets) throws IOException {
        long[] ranges = new long[packets];
        for (String line : java.nio.file.Files.readAllLines(file)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+");
            ranges[Integer.parseInt(f[0])] = Long.parseLong(f[3], 16);
        }
        return ranges;
    }

    /**
     * The SILK-only RFC 8251 test vectors decoded at 48 kHz stereo: the SHA-1 of the output must
     * be the one RFC 8251 §11 publishes for the official decode (libopus gives the same).
     */
    @ParameterizedTest
    @CsvSource({"02, 48ac1ff1995250a756e1e17bd32acefa8cd2b820", "03, d15567e919db2d0e818727092c0af8dd9df23c95",
        "04, 1249dd28f5bd1e39a66fd6d99449dca7a8316342"})
    void officialVectorsHaveTheRfc8251Sha1(String vector, String sha1) throws Exception {
        Path file = Kit.path("codec-reference/vectors/opus/testvector" + vector + ".bit");
        List<OpusDemo.Packet> packets = OpusDemo.read(file);
        OpusDecoder decoder = new OpusDecoder(48000, 2);
        short[] pcm = new short[5760 * 2];
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-1");
        byte[] le = new byte[pcm.length * 2];
        int index = 0;
        for (OpusDemo.Packet p : packets) {
            int got = decoder.decode(p.data(), 0, p.data().length, pcm, 0);
            assertThat(got).as("vector %s packet %d", vector, index).isPositive();
            assertThat(decoder.finalRange()).as("vector %s packet %d range", vector, index).isEqualTo(p.finalRange());
            for (int i = 0; i < 2 * got; i++) {
                le[2 * i] = (byte) pcm[i];
                le[2 * i + 1] = (byte) (pcm[i] >> 8);
            }
            digest.update(le, 0, 4 * got);
            index++;
        }
        assertThat(java.util.HexFormat.of().formatHex(digest.digest())).isEqualTo(sha1);
    }
}
