package dev.siprec.codecs.opus;

import dev.siprec.codecs.AudioDecoder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.codecs.opus.OpusDecoder;
import dev.siprec.testing.Kit;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Opus for the recording path: negotiation names, the recording's rate, odd concealment spans, FEC. */
class OpusRtpDecoderTest {

    @Test
    void opusIsDecodedAtTheRecordingRateAsOneChannel() {
        assertThat((new OpusCodec().newDecoder("opus", 48000, 2, 48000, 1) != null)).isTrue();
        assertThat((new OpusCodec().newDecoder("OPUS", 48000, 1, 48000, 1) != null)).isTrue();
        assertThat((new OpusCodec().newDecoder("opus", 16000, 2, 48000, 1) != null)).as("RFC 7587: the clock is always 48 kHz").isFalse();
        assertThat((new OpusCodec().newDecoder("opus", 48000, 3, 48000, 1) != null)).isFalse();
        AudioDecoder d = new OpusCodec().newDecoder("opus", 48000, 2, 16000, 1);
        assertThat(d.sampleRate()).isEqualTo(16000);
        assertThat(d.channels()).isEqualTo(1);
        assertThat(d.maxSamplesPerChannel(100)).isEqualTo(1920); // 120 ms
        assertThat(new OpusCodec().newDecoder("opus", 48000, 2, 44100, 1).sampleRate()).as("not an Opus rate").isEqualTo(48000);
        assertThat(d.decode(new byte[0], 0, 0, new short[1920], 0)).isEqualTo(AudioDecoder.MALFORMED);
    }

    /** Spans that are not whole 2.5 ms are still filled exactly; recovered audio ends where the next packet starts. */
    @Test
    void oddSpansAndRecoveryFromTheNextPacket() throws Exception {
        List<byte[]> packets = packets("codec-reference/ref/opus/silk_wb_20ms_fec_24k.bit", 40);
        AudioDecoder d = new OpusCodec().newDecoder("opus", 48000, 2, 16000, 1);
        OpusDecoder reference = new OpusDecoder(16000, 1);
        short[] out = new short[1920];
        short[] expected = new short[1920];
        for (int i = 0; i < 30; i++) {
            byte[] p = packets.get(i);
            assertThat(d.decode(p, 0, p.length, out, 0)).isEqualTo(320);
            reference.decode(p, 0, p.length, expected, 0);
        }
        // packet 30 lost: recovered from 31, whose FEC carries it
        byte[] next = packets.get(31);
        java.util.Arrays.fill(out, (short) 12345);
        assertThat(d.recover(next, 0, next.length, 320, out, 0)).isEqualTo(320);
        reference.decodeFec(next, 0, next.length, 320, expected, 0);
        assertThat(java.util.Arrays.copyOf(out, 320)).isEqualTo(java.util.Arrays.copyOf(expected, 320));
        assertThat(d.decode(next, 0, next.length, out, 0)).isEqualTo(320);
        reference.decode(next, 0, next.length, expected, 0);
        assertThat(java.util.Arrays.copyOf(out, 320)).isEqualTo(java.util.Arrays.copyOf(expected, 320));
        // a span of 7.3 ms: concealed to the sample, nothing written beyond it
        java.util.Arrays.fill(out, (short) 12345);
        assertThat(d.conceal(117, out, 0)).isEqualTo(117);
        assertThat(out[117]).isEqualTo((short) 12345);
        assertThat(d.recover(next, 0, next.length, 333, out, 0)).isEqualTo(333);
        assertThat(out[333]).isEqualTo((short) 12345);
    }

    static List<byte[]> packets(String path, int count) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Kit.path(path)));
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= 8 && out.size() < count) {
            byte[] p = new byte[b.getInt()];
            b.getInt();
            b.get(p);
            out.add(p);
        }
        return out;
    }
}
