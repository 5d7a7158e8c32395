package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class RtcpPacketTest {

    /** SR (sender info, no report blocks) + SDES with one CNAME chunk, as RFC 3550 §6.1 compounds them. */
    static ByteBuf senderReportAndSdes(int ssrc, long ntp, int rtpTs) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(RtcpPacket.SR).writeShort(6).writeInt(ssrc)
                .writeLong(ntp).writeInt(rtpTs).writeInt(1234).writeInt(1234 * 160);
        // SDES: one chunk, CNAME "sbc" (1 + 1 + 3 octets) + end + padding to a 32-bit boundary
        b.writeByte(0x81).writeByte(RtcpPacket.SDES).writeShort(3).writeInt(ssrc)
                .writeByte(1).writeByte(3).writeBytes("sbc".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .writeByte(0).writeZero(2);
        return b;
    }

    static ByteBuf bye(int... ssrcs) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80 | ssrcs.length).writeByte(RtcpPacket.BYE).writeShort(ssrcs.length);
        for (int s : ssrcs) {
            b.writeInt(s);
        }
        return b;
    }

    @Test
    void readsACompoundOfSenderReportAndSdes() {
        ByteBuf b = senderReportAndSdes(0xCAFEBABE, 0xE7A1B2C3_80000000L, 160_000);
        assertThat(RtcpPacket.isRtcp(b)).isTrue();
        RtcpPacket p = new RtcpPacket();
        assertThat(p.wrap(b)).isNull();
        assertThat(p.next()).isTrue();
        assertThat(p.type()).isEqualTo(RtcpPacket.SR);
        assertThat(p.hasSenderInfo()).isTrue();
        assertThat(p.ssrc()).isEqualTo(0xCAFEBABE);
        assertThat(p.ntpTimestamp()).isEqualTo(0xE7A1B2C3_80000000L);
        assertThat(p.rtpTimestamp()).isEqualTo(160_000);
        assertThat(p.senderPacketCount()).isEqualTo(1234);
        assertThat(p.byeIncludes(0xCAFEBABE)).isFalse();
        assertThat(p.next()).isTrue();
        assertThat(p.type()).isEqualTo(RtcpPacket.SDES);
        assertThat(p.count()).isEqualTo(1);
        assertThat(p.next()).isFalse();
    }

    @Test
    void byeNamesItsSources() {
        RtcpPacket p = new RtcpPacket();
        assertThat(p.wrap(bye(7, 9))).isNull();
        assertThat(p.next()).isTrue();
        assertThat(p.byeIncludes(9)).isTrue();
        assertThat(p.byeIncludes(8)).isFalse();
    }

    @Test
    void rtpIsNotTakenForRtcp() {
        ByteBuf rtp = Unpooled.buffer().writeByte(0x80).writeByte(0x80 | 0).writeShort(1); // PCMU with marker
        assertThat(RtcpPacket.isRtcp(rtp)).isFalse();
        assertThat(RtcpPacket.isRtcp(Unpooled.buffer().writeByte(0x80))).isFalse();
    }

    @Test
    void malformedCompoundsSayWhatIsWrong() {
        RtcpPacket p = new RtcpPacket();
        assertThat(p.wrap(Unpooled.buffer().writeByte(0x80).writeByte(200))).contains("shorter");
        ByteBuf v1 = bye(1);
        v1.setByte(0, 0x41);
        assertThat(p.wrap(v1)).contains("version");
        ByteBuf tooLong = bye(1);
        tooLong.setShort(2, 5);
        assertThat(p.wrap(tooLong)).contains("beyond");
        assertThat(p.wrap(bye(1).writeByte(0))).contains("trailing");
        ByteBuf padded = Unpooled.buffer().writeBytes(bye(1)).writeBytes(bye(2));
        padded.setByte(0, 0xA1);
        assertThat(p.wrap(padded)).contains("padding");
    }
}
