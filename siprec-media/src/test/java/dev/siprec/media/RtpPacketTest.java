package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

    static ByteBuf packet(int b0, int pt, int seq, int ts, int ssrc, byte[] rest) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(b0).writeByte(pt).writeShort(seq).writeInt(ts).writeInt(ssrc).writeBytes(rest);
        return b;
    }

    @Test
    void readsTheFixedHeaderInPlace() {
        ByteBuf b = packet(0x80, 0x80 | 8, 65535, -10, 0x11000008, new byte[160]);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b)).isNull();
        assertThat(p.marker()).isTrue();
        assertThat(p.payloadType()).isEqualTo(8);
        assertThat(p.sequenceNumber()).isEqualTo(65535);
        assertThat(p.timestamp()).isEqualTo(-10);
        assertThat(p.ssrc()).isEqualTo(0x11000008);
        assertThat(p.payloadOffset()).isEqualTo(12);
        assertThat(p.payloadLength()).isEqualTo(160);
        b.release();
    }

    @Test
    void skipsCsrcsAndHeaderExtensionAndRemovesPadding() {
        byte[] rest = new byte[8 + 4 + 8 + 10 + 4];
        // 2 CSRCs (8 bytes), extension header: profile 0xBEDE, length 2 words (8 bytes), payload 10, padding 4
        rest[8] = (byte) 0xBE;
        rest[9] = (byte) 0xDE;
        rest[11] = 2;
        rest[rest.length - 1] = 4;
        ByteBuf b = packet(0x80 | 0x20 | 0x10 | 2, 0, 1, 0, 1, rest);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b)).isNull();
        assertThat(p.payloadOffset()).isEqualTo(12 + 8 + 4 + 8);
        assertThat(p.payloadLength()).isEqualTo(10);
        b.release();
    }

    @Test
    void saysWhyABadPacketIsBad() {
        RtpPacket p = new RtpPacket();
        ByteBuf tiny = Unpooled.wrappedBuffer(new byte[5]);
        assertThat(p.wrap(tiny)).isEqualTo("shorter than an RTP header");
        ByteBuf v1 = packet(0x40, 0, 0, 0, 0, new byte[4]);
        assertThat(p.wrap(v1)).isEqualTo("RTP version is not 2");
        ByteBuf csrc = packet(0x8F, 0, 0, 0, 0, new byte[4]);
        assertThat(p.wrap(csrc)).isEqualTo("header longer than the packet");
        ByteBuf ext = packet(0x90, 0, 0, 0, 0, new byte[2]);
        assertThat(p.wrap(ext)).isEqualTo("truncated header extension");
        byte[] pad = new byte[4];
        pad[3] = 9;
        ByteBuf padding = packet(0xA0, 0, 0, 0, 0, pad);
        assertThat(p.wrap(padding)).isEqualTo("invalid padding");
        for (ByteBuf b : new ByteBuf[] {tiny, v1, csrc, ext, padding}) {
            b.release();
        }
    }
}
