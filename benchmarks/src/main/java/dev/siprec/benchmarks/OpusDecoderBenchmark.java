package dev.siprec.benchmarks;

import dev.siprec.codecs.opus.OpusDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opus decoding of every mode (SILK, CELT, hybrid; mono and stereo), one op = one packet
 * (20 ms, or 10 ms where the stream's name says so) decoded to 48 kHz, walking through a kit
 * stream ({@code -Dsiprec.opus=DIR}, default the kit beside the checkout; the benchmark needs
 * it): this project's {@link OpusDecoder} against Concentus 1.0.2 (the pure-Java libopus port)
 * on the same packets. libopus itself is timed by the kit's C harness in the same run
 * ({@code benchmarks/codec-bench.sh}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OpusDecoderBenchmark {

    @Param({"silk_nb_20ms_vbr_6k", "silk_wb_20ms_fec_24k", "st_silk_wb_20ms_vbr_32k", "celt_fb_20ms_vbr_128k",
        "hybrid_fb_20ms_fec_48k", "st_celt_fb_10ms_cbr_96k", "st_hybrid_fb_20ms_vbr_64k"})
    public String stream;

    List<byte[]> packets;
    int channels;
    short[] pcm;
    OpusDecoder ours;
    io.github.jaredmdobson.concentus.OpusDecoder concentus;
    int next;
    int nextConcentus;

    @Setup
    public void load() throws Exception {
        Path dir = Paths.get(System.getProperty("siprec.opus", "../shared/codec-reference/ref/opus"));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(stream + ".bit")));
        packets = new ArrayList<>();
        while (b.remaining() >= 8) {
            int length = b.getInt();
            b.getInt(); // the encoder's final range
            byte[] p = new byte[length];
            b.get(p);
            packets.add(p);
        }
        channels = stream.startsWith("st_") ? 2 : 1;
        pcm = new short[5760 * 2];
        ours = new OpusDecoder(48000, channels);
        concentus = new io.github.jaredmdobson.concentus.OpusDecoder(48000, channels);
    }

    @Benchmark
    public int ours() {
        byte[] p = packets.get(next);
        if (++next == packets.size()) {
            next = 0;
        }
        return ours.decode(p, 0, p.length, pcm, 0);
    }

    @Benchmark
    public int concentus() throws Exception {
        byte[] p = packets.get(nextConcentus);
        if (++nextConcentus == packets.size()) {
            nextConcentus = 0;
        }
        return concentus.decode(p, 0, p.length, pcm, 0, 960, false);
    }
}
