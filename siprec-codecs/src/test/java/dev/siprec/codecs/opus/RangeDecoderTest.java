package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeDecoderTest {

    /**
     * A range encoder written from RFC 6716 §5.1 (test only): what it writes, the decoder must
     * read back symbol for symbol, ending on the same range and the same bit count.
     */
    static final class Encoder {
        final byte[] out;
        int offs;
        int endOffs;
        int endWindow;
        int endBits;
        long rng = 1L << 31;
        long low;
        int rem = -1;
        int ext;
        int nbitsTotal = 33;

        Encoder(int size) {
            out = new byte[size];
        }

        private void carryOut(int c) {
            if (c != 0xFF) {
                int carry = c >> 8;
                if (rem >= 0) {
                    out[offs++] = (byte) (rem + carry);
                }
                if (ext > 0) {
                    int sym = (0xFF + carry) & 0xFF;
                    do {
                        out[offs++] = (byte) sym;
                    } while (--ext > 0);
                }
                rem = c & 0xFF;
            } else {
                ext++;
            }
        }

        private void normalize() {
            while (rng <= 1L << 23) {
                carryOut((int) (low >>> 23));
                low = (low << 8) & 0x7FFFFFFFL;
                rng <<= 8;
                nbitsTotal += 8;
            }
        }

        void encode(int fl, int fh, int ft) {
            long r = rng / ft;
            if (fl > 0) {
                low += rng - r * (ft - fl);
                rng = r * (fh - fl);
            } else {
                rng -= r * (ft - fh);
            }
            normalize();
        }

        void bitLogp(int bit, int logp) {
            long s = rng >> logp;
            if (bit != 0) {
                low += rng - s;
                rng = s;
            } else {
                rng -= s;
            }
            normalize();
        }

        void icdf(int k, int[] icdf, int ftb) {
            int ft = 1 << ftb;
            encode(k > 0 ? ft - icdf[k - 1] : 0, ft - icdf[k], ft);
        }

        void bits(int value, int bits) {
            endWindow |= value << endBits;
            endBits += bits;
            while (endBits >= 8) {
                out[out.length - ++endOffs] = (byte) endWindow;
                endWindow >>>= 8;
                endBits -= 8;
            }
            nbitsTotal += bits;
        }

        void uint(long value, long ft) {
            long top = ft - 1;
            int ftb = 64 - Long.numberOfLeadingZeros(top);
            if (ftb > 8) {
                int raw = ftb - 8;
                int ft1 = (int) (top >>> raw) + 1;
                int hi = (int) (value >>> raw);
                encode(hi, hi + 1, ft1);
                bits((int) (value & ((1L << raw) - 1)), raw);
            } else {
                encode((int) value, (int) value + 1, (int) ft);
            }
        }

        int tell() {
            return nbitsTotal - (64 - Long.numberOfLeadingZeros(rng));
        }

        /** §5.1.5: the shortest termination that decodes the same whatever follows. */
        long done() {
            long finalRange = rng;
            int l = 32 - (64 - Long.numberOfLeadingZeros(rng));
            long msk = 0x7FFFFFFFL >>> l;
            long end = (low + msk) & ~msk;
            if ((end | msk) >= low + rng) {
                l++;
                msk >>>= 1;
                end = (low + msk) & ~msk;
            }
            while (l > 0) {
                carryOut((int) (end >>> 23));
                end = (end << 8) & 0x7FFFFFFFL;
                l -= 8;
            }
            if (rem >= 0 || ext > 0) {
                carryOut(0);
            }
            if (endBits > 0) {
                out[out.length - endOffs - 1] |= (byte) endWindow;
            }
            assertThat(offs + endOffs).as("frame big enough for the test").isLessThan(out.length);
            return finalRange;
        }
    }

    /** A random inverse-CDF table for ftb bits: decreasing from below 2^ftb to 0, no empty symbol. */
    static int[] randomIcdf(Random r, int ftb) {
        int ft = 1 << ftb;
        int n = 2 + r.nextInt(Math.min(15, ft - 1));
        List<Integer> cuts = new ArrayList<>();
        while (cuts.size() < n - 1) {
            int c = 1 + r.nextInt(ft - 1);
            if (!cuts.contains(c)) {
                cuts.add(c);
            }
        }
        cuts.sort((a, b) -> b - a);
        int[] icdf = new int[n];
        for (int i = 0; i < n - 1; i++) {
            icdf[i] = cuts.get(i);
        }
        return icdf; // last entry 0
    }

    @Test
    void everyKindOfSymbolRoundTripsToTheSameFinalRangeAndBitCount() {
        Random r = new Random(8251);
        RangeDecoder d = new RangeDecoder();
        for (int frame = 0; frame < 2000; frame++) {
            int count = 1 + r.nextInt(200);
            int[] kind = new int[count];
            long[] value = new long[count];
            long[] param = new long[count];
            int[][] tables = new int[count][];
            int[] tells = new int[count];
            Encoder e = new Encoder(4096);
            for (int i = 0; i < count; i++) {
                kind[i] = r.nextInt(5);
                switch (kind[i]) {
                    case 0 -> { // ec_encode with an arbitrary ft
                        int ft = 2 + r.nextInt(65534);
                        int fl = r.nextInt(ft);
                        int fh = fl + 1 + r.nextInt(ft - fl);
                        param[i] = ft;
                        value[i] = (long) fl << 16 | fh;
                        e.encode(fl, fh, ft);
                    }
                    case 1 -> {
                        int logp = 1 + r.nextInt(15);
                        param[i] = logp;
                        value[i] = r.nextInt(1 << Math.min(logp, 3)) == 0 ? 1 : 0;
                        e.bitLogp((int) value[i], logp);
                    }
                    case 2 -> {
                        int ftb = 1 + r.nextInt(8);
                        tables[i] = randomIcdf(r, ftb);
                        param[i] = ftb;
                        value[i] = r.nextInt(tables[i].length);
                        e.icdf((int) value[i], tables[i], ftb);
                    }
                    case 3 -> {
                        long ft = 2 + (r.nextLong() >>> 32) % 0xFFFFFFFEL;
                        param[i] = ft;
                        value[i] = (r.nextLong() >>> 1) % ft;
                        e.uint(value[i], ft);
                    }
                    default -> {
                        int bits = 1 + r.nextInt(25);
                        param[i] = bits;
                        value[i] = r.nextInt(1 << bits);
                        e.bits((int) value[i], bits);
                    }
                }
                tells[i] = e.tell();
            }
            long range = e.done();
            d.init(e.out, 0, e.out.length);
            assertThat(d.tell()).isEqualTo(1); // the bit reserved for termination (§4.1.6.1)
            for (int i = 0; i < count; i++) {
                long got;
                switch (kind[i]) {
                    case 0 -> {
                        int ft = (int) param[i];
                        int fs = d.decode(ft);
                        int fl = (int) (value[i] >>> 16);
                        int fh = (int) (value[i] & 0xFFFF);
                        assertThat(fs).as("frame %d symbol %d", frame, i).isBetween(fl, fh - 1);
                        d.update(fl, fh, ft);
                        got = value[i];
                    }
                    case 1 -> got = d.decodeBitLogp((int) param[i]);
                    case 2 -> got = d.decodeIcdf(tables[i], (int) param[i]);
                    case 3 -> got = d.decodeUint(param[i]);
                    default -> got = d.decodeBits((int) param[i]);
                }
                assertThat(got).as("frame %d symbol %d (kind %d)", frame, i, kind[i]).isEqualTo(value[i]);
                assertThat(d.tell()).as("frame %d symbol %d: ec_tell", frame, i).isEqualTo(tells[i]);
                assertThat((d.tellFrac() + 7) / 8).as("ec_tell is ceil(ec_tell_frac / 8)").isEqualTo(d.tell());
            }
            assertThat(d.finalRange()).as("frame %d final range", frame).isEqualTo(range);
            assertThat(d.error()).isFalse();
        }
    }

    @Test
    void decodeBinIsDecodeWithAPowerOfTwo() {
        Random r = new Random(1);
        byte[] data = new byte[64];
        r.nextBytes(data);
        RangeDecoder a = new RangeDecoder();
        RangeDecoder b = new RangeDecoder();
        a.init(data, 0, data.length);
        b.init(data, 0, data.length);
        for (int i = 0; i < 100; i++) {
            int bits = 1 + r.nextInt(15);
            int fa = a.decode(1 << bits);
            int fb = b.decodeBin(bits);
            assertThat(fb).isEqualTo(fa);
            a.update(fa, fa + 1, 1 << bits);
            b.update(fb, fb + 1, 1 << bits);
        }
        assertThat(b.finalRange()).isEqualTo(a.finalRange());
    }

    @Test
    void theSilkHeaderFlagsAreTheTopBitsOfTheFirstByte() throws IOException {
        // RFC 6716 §4.2.3: the first symbols of a SILK frame (VAD and LBRR flags, {1, 1}/2 each)
        // can be read straight from the upper bits of the first byte. For mono 20 ms SILK
        // frames: VAD is bit 7, LBRR bit 6.
        Path dir = Kit.path("codec-reference/ref/opus");
        OpusPacket p = new OpusPacket();
        RangeDecoder d = new RangeDecoder();
        int checked = 0;
        int lbrr = 0;
        for (String name : new String[] {"silk_nb_20ms_vbr_6k", "silk_mb_20ms_vbr_12k", "silk_wb_20ms_fec_24k"}) {
            Path bit = dir.resolve(name + ".bit");
            for (byte[] packet : OpusPacketTest.readOpusDemo(bit)) {
                assertThat(p.parse(packet, 0, packet.length)).isNull();
                if (p.mode() != OpusPacket.Mode.SILK || p.stereo() || p.frameSamples48k() != 960
                        || p.frameCount() != 1 || p.frameLength(0) == 0) {
                    continue;
                }
                d.init(packet, p.frameOffset(0), p.frameLength(0));
                int first = packet[p.frameOffset(0)] & 0xFF;
                assertThat(d.decodeBitLogp(1)).isEqualTo(first >> 7);
                int l = d.decodeBitLogp(1);
                assertThat(l).isEqualTo(first >> 6 & 1);
                lbrr += l;
                checked++;
            }
        }
        assertThat(checked).as("SILK mono 20 ms frames checked").isGreaterThan(500);
        assertThat(lbrr).as("frames of the FEC stream that carry LBRR").isPositive();
    }

    @Test
    void readingPastTheFrameGivesZerosNeverAnException() {
        RangeDecoder d = new RangeDecoder();
        byte[] one = {(byte) 0xA5};
        d.init(one, 0, 1);
        for (int i = 0; i < 1000; i++) {
            d.decodeBitLogp(1 + i % 15);
            d.decodeBits(1 + i % 25);
            d.decodeUint(1 + (i * 7919L) % 100_000);
        }
        d.init(new byte[0], 0, 0);
        assertThat(d.decodeIcdf(new int[] {128, 0}, 8)).isBetween(0, 1);
    }

    /**
     * Laplace symbols (CELT's coarse energy) round-trip through an encoder that builds the same
     * distribution from §4.3.2.1, for every probability of zero and decay CELT uses and values
     * reaching past the decaying part into the floor.
     */
    @Test
    void laplaceSymbolsRoundTrip() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4321);
        for (int trial = 0; trial < 2000; trial++) {
            Encoder e = new Encoder(4000);
            int count = 1 + rnd.nextInt(60);
            int[] values = new int[count];
            int[] fs0 = new int[count];
            int[] decays = new int[count];
            for (int i = 0; i < count; i++) {
                fs0[i] = (rnd.nextInt(1, 200)) << 7; // e_prob_model's probabilities are multiples of 128
                decays[i] = (rnd.nextInt(1, 200)) << 6;
                int magnitude = rnd.nextInt(10) == 0 ? rnd.nextInt(300) : rnd.nextInt(4);
                values[i] = rnd.nextBoolean() ? magnitude : -magnitude;
                values[i] = laplaceEncode(e, values[i], fs0[i], decays[i]);
            }
            long range = e.done();
            RangeDecoder d = new RangeDecoder();
            d.init(e.out, 0, e.out.length);
            for (int i = 0; i < count; i++) {
                assertThat(d.decodeLaplace(fs0[i], decays[i])).as("trial %d symbol %d", trial, i).isEqualTo(values[i]);
            }
            assertThat(d.finalRange()).isEqualTo(range);
        }
    }

    /**
     * Encodes {@code value} (clamped to the largest magnitude the distribution can hold) and
     * returns what was encoded: the probabilities are those of the decoder's search, taken in
     * the same order.
     */
    private static int laplaceEncode(Encoder e, int value, int fs, int decay) {
        int fl = 0;
        if (value != 0) {
            int magnitude = Math.abs(value);
            fl = fs;
            fs = (((32768 - 32 - fs) * (16384 - decay)) >> 15) + 1;
            int i = 1;
            while (fs > 1 && i < magnitude) {
                fs *= 2;
                fl += fs;
                fs = (((fs - 2) * decay) >> 15) + 1;
                i++;
            }
            if (fs <= 1) {
                int room = (32768 - fl) / 2; // floor-probability magnitudes left, per sign pair
                int di = Math.min(magnitude - i, room - 1);
                fl += 2 * di;
                magnitude = i + di;
                fs = 1;
            }
            if (value > 0) {
                fl += fs;
            }
            value = value > 0 ? magnitude : -magnitude;
        }
        e.encode(fl, Math.min(fl + fs, 32768), 32768);
        return value;
    }
}
