package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SILK mono reconstruction at the internal rate, against libopus's decode of the kit's streams. */
class SilkSynthesisTest {

    /** Decodes every packet of a mono SILK-only stream at its internal rate. */
    static short[] decode(Path file) throws IOException {
        List<OpusDemo.Packet> packets = OpusDemo.read(file);
        OpusPacket p = new OpusPacket();
        RangeDecoder d = new RangeDecoder();
        SilkParameters silk = new SilkParameters();
        SilkSynthesis synthesis = new SilkSynthesis();
        short[] out = new short[packets.size() * 960];
        int[] written = {0};
        int[] kHz = {0};
        int[] subframes = {0};
        silk.listener((channel, index, lbrr, frame, coding) -> {
            if (lbrr || channel != 0) {
                return;
            }
            written[0] += synthesis.decode(frame, kHz[0], subframes[0], coding == SilkParameters.Coding.CONDITIONAL,
                    out, written[0]);
        });
        for (OpusDemo.Packet packet : packets) {
            assertThat(p.parse(packet.data(), 0, packet.data().length)).isNull();
            kHz[0] = p.bandwidth() == OpusPacket.Bandwidth.NB ? 8 : p.bandwidth() == OpusPacket.Bandwidth.MB ? 12 : 16;
            int ms = p.frameSamples48k() / 48;
            subframes[0] = ms == 10 ? 2 : 4;
            for (int f = 0; f < p.frameCount(); f++) {
                d.init(packet.data(), p.frameOffset(f), p.frameLength(f));
                silk.read(d, p.bandwidth(), ms, p.stereo());
            }
        }
        return java.util.Arrays.copyOf(out, written[0]);
    }

    /**
     * The delay of the reference against our internal-rate output, searched: the reference
     * decoder delays mono SILK by one sample (for seamless stereo switches, §4.2.8) and its
     * resampler by 4 samples at 8 kHz and 12 at 16 kHz even when it only copies.
     */
    static int delay(short[] ours, short[] reference) {
        int best = -1;
        long bestScore = Long.MAX_VALUE;
        for (int lag = 0; lag < 40; lag++) {
            long score = 0;
            for (int i = 2000; i < Math.min(ours.length, reference.length - lag) - 2000 && i < 40000; i++) {
                score += Math.abs(ours[i] - reference[i + lag]);
            }
            if (score < bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        return best;
    }

    static void assertBitExact(String name, int rateKHz, int expectedDelay) throws IOException {
        Path dir = Kit.path("codec-reference/ref/opus");
        short[] ours = decode(dir.resolve(name + ".bit"));
        short[] reference = Kit.readS16(dir.resolve(name + "." + rateKHz + "k.dec.raw"));
        int lag = delay(ours, reference);
        int n = Math.min(ours.length, reference.length - lag);
        int first = -1;
        int diffs = 0;
        for (int i = 0; i < n; i++) {
            if (ours[i] != reference[i + lag]) {
                diffs++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        System.out.printf("%s: delay %d, %d of %d samples differ, first at %d%n", name, lag, diffs, n, first);
        assertThat(lag).as("%s: delay", name).isEqualTo(expectedDelay);
        assertThat(n).as("%s: samples compared", name).isGreaterThan(40_000);
        assertThat(first).as("%s: first difference (delay %d)", name, lag).isEqualTo(-1);
    }

    @Test
    void narrowbandIsBitExactWithLibopus() throws IOException {
        assertBitExact("silk_nb_20ms_vbr_6k", 8, 1 + 4);
    }

    /** Includes a frame whose filter the reference decoder finds too resonant (prediction gain over 10^4). */
    @Test
    void widebandIsBitExactWithLibopus() throws IOException {
        assertBitExact("silk_wb_20ms_fec_24k", 16, 1 + 12);
    }

    /** Random SILK frames (any symbols the range decoder yields) never throw and stay finite. */
    @Test
    void randomFramesNeverThrow() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(6716);
        OpusPacket p = new OpusPacket();
        RangeDecoder d = new RangeDecoder();
        SilkParameters silk = new SilkParameters();
        SilkSynthesis synthesis = new SilkSynthesis();
        short[] out = new short[960];
        int[] setting = new int[2];
        int[] frames = {0};
        silk.listener((channel, index, lbrr, frame, coding) -> {
            if (!lbrr && channel == 0) {
                synthesis.decode(frame, setting[0], setting[1], coding == SilkParameters.Coding.CONDITIONAL, out, 0);
                frames[0]++;
            }
        });
        byte[] packet = new byte[80];
        for (int n = 0; n < 100_000; n++) {
            rnd.nextBytes(packet);
            int config = rnd.nextInt(12); // SILK-only: NB, MB, WB at 10, 20, 40, 60 ms
            packet[0] = (byte) (config << 3); // mono, one frame
            int length = rnd.nextInt(2, packet.length);
            if (p.parse(packet, 0, length) != null) {
                continue;
            }
            setting[0] = config < 4 ? 8 : config < 8 ? 12 : 16;
            int ms = p.frameSamples48k() / 48;
            setting[1] = ms == 10 ? 2 : 4;
            d.init(packet, p.frameOffset(0), p.frameLength(0));
            silk.read(d, p.bandwidth(), ms, false);
        }
        assertThat(frames[0]).isGreaterThan(100_000);
    }
}
