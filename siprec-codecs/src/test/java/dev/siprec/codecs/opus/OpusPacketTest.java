package dev.siprec.codecs.opus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OpusPacketTest {

    final OpusPacket p = new OpusPacket();

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] packet(int toc, int extra, int payload) {
        byte[] b = new byte[1 + extra + payload];
        b[0] = (byte) toc;
        return b;
    }

    String parse(byte[] b) {
        return p.parse(b, 0, b.length);
    }

    @Test
    void theTocGivesModeBandwidthFrameSizeAndChannels() {
        // Table 2 of RFC 6716 §3.1, every configuration
        String[] expected = {
            "SILK NB 480", "SILK NB 960", "SILK NB 1920", "SILK NB 2880",
            "SILK MB 480", "SILK MB 960", "SILK MB 1920", "SILK MB 2880",
            "SILK WB 480", "SILK WB 960", "SILK WB 1920", "SILK WB 2880",
            "HYBRID SWB 480", "HYBRID SWB 960", "HYBRID FB 480", "HYBRID FB 960",
            "CELT NB 120", "CELT NB 240", "CELT NB 480", "CELT NB 960",
            "CELT WB 120", "CELT WB 240", "CELT WB 480", "CELT WB 960",
            "CELT SWB 120", "CELT SWB 240", "CELT SWB 480", "CELT SWB 960",
            "CELT FB 120", "CELT FB 240", "CELT FB 480", "CELT FB 960"};
        for (int config = 0; config < 32; config++) {
            assertThat(parse(bytes(config << 3 | 4, 0x55))).isNull();
            assertThat(p.mode() + " " + p.bandwidth() + " " + p.frameSamples48k()).as("config %d", config)
                    .isEqualTo(expected[config]);
            assertThat(p.stereo()).isTrue();
        }
    }

    @Test
    void codes0To2() {
        // code 0: one frame of N-1 bytes; a TOC alone is one frame not sent (DTX)
        assertThat(parse(packet(1 << 3, 0, 40))).isNull();
        assertThat(p.frameCount()).isEqualTo(1);
        assertThat(p.frameOffset(0)).isEqualTo(1);
        assertThat(p.frameLength(0)).isEqualTo(40);
        assertThat(parse(bytes(1 << 3))).isNull();
        assertThat(p.frameLength(0)).isZero();
        // code 1: two equal frames (the RFC's example: two FB 5 ms CELT frames)
        assertThat(parse(packet(29 << 3 | 1, 0, 60))).isNull();
        assertThat(p.frameCount()).isEqualTo(2);
        assertThat(p.frameOffset(1)).isEqualTo(31);
        assertThat(p.frameLength(1)).isEqualTo(30);
        assertThat(p.durationSamples48k()).isEqualTo(480);
        // code 2: the first length in one byte, or two from 252 on (4 * second + first)
        byte[] b = packet(1 << 3 | 2, 1, 30);
        b[1] = 10;
        assertThat(parse(b)).isNull();
        assertThat(p.frameOffset(0)).isEqualTo(2);
        assertThat(p.frameLength(0)).isEqualTo(10);
        assertThat(p.frameOffset(1)).isEqualTo(12);
        assertThat(p.frameLength(1)).isEqualTo(20);
        b = packet(1 << 3 | 2, 2, 400);
        b[1] = (byte) 252;
        b[2] = 70; // 4 * 70 + 252 = 532 > 400
        assertThat(parse(b)).startsWith("[R4]");
        b[2] = 30; // 372
        assertThat(parse(b)).isNull();
        assertThat(p.frameLength(0)).isEqualTo(372);
        assertThat(p.frameLength(1)).isEqualTo(28);
    }

    @Test
    void code3CbrVbrAndPadding() {
        // the RFC's example: four FB stereo 20 ms CELT frames of the same size
        assertThat(parse(packet(31 << 3 | 4 | 3, 1, 400))).as("count byte 0: M = 0").startsWith("[R5]");
        byte[] b = packet(31 << 3 | 4 | 3, 1, 400);
        b[1] = 4;
        assertThat(parse(b)).isNull();
        assertThat(p.frameCount()).isEqualTo(4);
        assertThat(p.frameLength(3)).isEqualTo(100);
        assertThat(p.frameOffset(3)).isEqualTo(2 + 300);
        assertThat(p.durationSamples48k()).isEqualTo(3840);
        // the RFC's example: two FB mono 20 ms hybrid frames of different sizes (VBR)
        b = packet(15 << 3 | 3, 2, 50);
        b[1] = (byte) (0x80 | 2);
        b[2] = 20;
        assertThat(parse(b)).isNull();
        assertThat(p.frameLength(0)).isEqualTo(20);
        assertThat(p.frameOffset(1)).isEqualTo(3 + 20);
        assertThat(p.frameLength(1)).isEqualTo(30);
        // padding: 255 means 254 more and another length byte; 254 + 3 = 257 trailing bytes
        b = packet(1 << 3 | 3, 3, 2 * 50 + 257);
        b[1] = (byte) (0x40 | 2);
        b[2] = (byte) 255;
        b[3] = 3;
        assertThat(parse(b)).isNull();
        assertThat(p.paddingLength()).isEqualTo(257);
        assertThat(p.frameLength(0)).isEqualTo(50);
        assertThat(p.frameOffset(1)).isEqualTo(4 + 50);
    }

    @Test
    void everyRuleOfSection34IsEnforced() {
        assertThat(p.parse(new byte[4], 0, 0)).startsWith("[R1]");
        assertThat(parse(packet(1 << 3, 0, 1276))).startsWith("[R2]");
        assertThat(parse(packet(1 << 3 | 1, 0, 2 * 1276))).startsWith("[R2]");
        assertThat(parse(packet(1 << 3 | 1, 0, 41))).startsWith("[R3]");
        assertThat(parse(bytes(1 << 3 | 2))).startsWith("[R4]");
        assertThat(parse(bytes(1 << 3 | 2, 253))).as("a two-byte length cut short").startsWith("[R4]");
        byte[] b = packet(1 << 3 | 2, 1, 5);
        b[1] = 6;
        assertThat(parse(b)).startsWith("[R4]");
        b = packet(3 << 3 | 3, 1, 10);
        b[1] = 3; // three 60 ms frames: 180 ms
        assertThat(parse(b)).startsWith("[R5]");
        b[1] = 2; // 120 ms is allowed
        assertThat(parse(b)).isNull();
        assertThat(parse(bytes(1 << 3 | 3))).startsWith("[R6]");
        b = packet(1 << 3 | 3, 1, 7);
        b[1] = 2; // 7 bytes into 2 CBR frames
        assertThat(parse(b)).startsWith("[R6]");
        b = packet(1 << 3 | 3, 2, 4);
        b[1] = (byte) (0x40 | 1);
        b[2] = 9; // 9 bytes of padding, 4 left
        assertThat(parse(b)).startsWith("[R6]");
        b = packet(1 << 3 | 3, 2, 0);
        b[1] = (byte) (0x40 | 1);
        b[2] = (byte) 255; // padding length runs past the end
        assertThat(parse(b)).startsWith("[R6]");
        b = packet(1 << 3 | 3, 2, 10);
        b[1] = (byte) (0x80 | 3); // VBR, 3 frames: two lengths needed
        b[2] = 4;
        b[3] = 7; // 4 + 7 > the 9 bytes left after the lengths
        assertThat(parse(b)).startsWith("[R7]");
        assertThat(parse(bytes(1 << 3 | 3, 0x80 | 2))).as("no room for the lengths").startsWith("[R7]");
    }

    @Test
    void randomAndTruncatedPacketsNeverThrowAndWhatParsesIsConsistent() {
        Random r = new Random(6716);
        byte[] buf = new byte[1600];
        long accepted = 0;
        List<String> inconsistent = new ArrayList<>();
        for (int i = 0; i < 2_000_000; i++) {
            int n = r.nextInt(8) == 0 ? r.nextInt(1600) : r.nextInt(40);
            int offset = r.nextInt(4);
            n = Math.min(n, buf.length - offset);
            for (int j = 0; j < offset + n; j++) {
                buf[j] = (byte) r.nextInt();
            }
            if (r.nextBoolean()) {
                buf[offset] = (byte) (buf[offset] | 3); // code 3 often: the most rules
            }
            if (p.parse(buf, offset, n) == null) {
                accepted++;
                int end = offset + n;
                int frames = p.frameCount();
                boolean ok = frames >= 1 && frames <= OpusPacket.MAX_FRAMES
                        && p.durationSamples48k() <= OpusPacket.MAX_DURATION_48K;
                for (int f = 0; ok && f < frames; f++) {
                    ok = p.frameLength(f) >= 0 && p.frameLength(f) <= OpusPacket.MAX_FRAME_BYTES
                            && p.frameOffset(f) > offset
                            && p.frameOffset(f) + p.frameLength(f) <= end - p.paddingLength()
                            && (f == 0 || p.frameOffset(f) >= p.frameOffset(f - 1) + p.frameLength(f - 1));
                }
                if (!ok) {
                    inconsistent.add(java.util.HexFormat.of().formatHex(buf, offset, end));
                }
            }
        }
        assertThat(inconsistent).as("accepted packets whose frames fall outside them").isEmpty();
        assertThat(accepted).as("the fuzz reaches the accepting paths too").isGreaterThan(100_000);
    }

    /** The packets of an opus_demo file. */
    static List<byte[]> readOpusDemo(Path file) throws IOException {
        return OpusDemo.read(file).stream().map(OpusDemo.Packet::data).toList();
    }

    @Test
    void theKitsStreamsParseAsTheirEncoderCountedThem() throws IOException {
        Path dir = Kit.path("codec-reference/ref/opus");
        Pattern mode = Pattern.compile("toc_mode silk=(\\d+) hybrid=(\\d+) celt=(\\d+)");
        Pattern bw = Pattern.compile("toc_bw nb=(\\d+) mb=(\\d+) wb=(\\d+) swb=(\\d+) fb=(\\d+)");
        Pattern packets = Pattern.compile("packets=(\\d+) seconds=([0-9.]+)");
        Pattern channels = Pattern.compile("--ch (\\d)");
        int streams = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path info : files.filter(f -> f.toString().endsWith(".info")).sorted().toList()) {
                String name = info.getFileName().toString().replace(".info", "");
                String text = Files.readString(info);
                List<byte[]> stream = readOpusDemo(dir.resolve(name + ".bit"));
                Map<OpusPacket.Mode, Integer> modes = new EnumMap<>(OpusPacket.Mode.class);
                Map<OpusPacket.Bandwidth, Integer> bandwidths = new EnumMap<>(OpusPacket.Bandwidth.class);
                long duration = 0;
                for (byte[] packet : stream) {
                    assertThat(p.parse(packet, 0, packet.length)).as(name).isNull();
                    modes.merge(p.mode(), 1, Integer::sum);
                    bandwidths.merge(p.bandwidth(), 1, Integer::sum);
                    duration += p.durationSamples48k();
                }
                Matcher m = mode.matcher(text);
                Matcher b = bw.matcher(text);
                Matcher c = packets.matcher(text);
                assertThat(m.find() && b.find() && c.find()).as(name + ".info has its counts").isTrue();
                assertThat(stream).as(name).hasSize(Integer.parseInt(c.group(1)));
                for (OpusPacket.Mode x : OpusPacket.Mode.values()) {
                    assertThat(modes.getOrDefault(x, 0)).as(name + " " + x).isEqualTo(Integer.parseInt(m.group(x.ordinal() + 1)));
                }
                for (OpusPacket.Bandwidth x : OpusPacket.Bandwidth.values()) {
                    assertThat(bandwidths.getOrDefault(x, 0)).as(name + " " + x)
                            .isEqualTo(Integer.parseInt(b.group(x.ordinal() + 1)));
                }
                assertThat(duration).as(name + " duration").isEqualTo(Math.round(Double.parseDouble(c.group(2)) * 48000));
                // libopus decoded exactly that much audio
                Path pcm = dir.resolve(name + ".48k.dec.raw");
                Matcher ch = channels.matcher(text);
                if (Files.exists(pcm) && ch.find()) {
                    assertThat(Files.size(pcm)).as(name + " decoded size").isEqualTo(duration * 2 * Integer.parseInt(ch.group(1)));
                }
                streams++;
            }
        }
        assertThat(streams).isGreaterThan(10);
    }

    @Test
    void everyPacketOfTheRfc8251VectorsParses() throws IOException {
        Path dir = Kit.path("codec-reference/vectors/opus");
        long packets = 0;
        for (int v = 1; v <= 12; v++) {
            for (byte[] packet : readOpusDemo(dir.resolve(String.format("testvector%02d.bit", v)))) {
                assertThat(p.parse(packet, 0, packet.length)).as("vector %d", v).isNull();
                packets++;
                for (int cut = 0; cut < packet.length; cut++) {
                    p.parse(packet, 0, cut); // every truncation: an answer, never an exception
                }
            }
        }
        assertThat(packets).isGreaterThan(10_000);
    }
}
