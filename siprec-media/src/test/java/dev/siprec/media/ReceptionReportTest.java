package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ReceptionReportTest {

    static final long S = 1_000_000_000L;

    @Test
    void aReceiverReportCarriesTheCountsOfAppendixA3AndAnSdesCname() {
        ReceptionReport r = new ReceptionReport(0x5151, "srs-1");
        long first = 65_500 + (1L << 16); // extended as the leg extends: one cycle of headroom
        r.newSource(0xABCD, first);
        for (int i = 0; i < 90; i++) {
            r.received();
        }
        // the SR's NTP time 0x0000_1234_5678_9ABC: its middle 32 bits are 0x1234_5678
        r.senderReport(0xABCD, 0x0000_1234_5678_9ABCL, 10 * S);
        r.senderReport(0x9999, 0x7777_0000_0000_0000L, 10 * S); // another source's: ignored
        ByteBuf out = Unpooled.buffer();
        // 100 expected (65500 .. 65599, across the wrap), 90 received; jitter 12.4; 1.5 s after the SR
        r.write(out, first + 99, 12.4, 11 * S + S / 2);
        RtcpPacket p = new RtcpPacket();
        assertThat(p.wrap(out)).isNull(); // a valid compound packet
        assertThat(p.next()).isTrue();
        assertThat(p.type()).isEqualTo(RtcpPacket.RR);
        assertThat(p.count()).isEqualTo(1);
        assertThat(p.ssrc()).isEqualTo(0x5151);
        assertThat(out.getInt(8)).isEqualTo(0xABCD);
        assertThat((int) out.getUnsignedByte(12)).isEqualTo(10 * 256 / 100); // fraction lost: 10 of 100
        assertThat(out.getMedium(13)).isEqualTo(10); // cumulative lost
        assertThat(out.getInt(16)).isEqualTo((1 << 16) | 63); // one cycle, highest sequence number 63
        assertThat(out.getInt(20)).isEqualTo(12);
        assertThat(out.getInt(24)).isEqualTo(0x1234_5678); // LSR
        assertThat(out.getInt(28)).isEqualTo(65536 * 3 / 2); // DLSR: 1.5 s in 1/65536 s
        assertThat(p.next()).isTrue();
        assertThat(p.type()).isEqualTo(RtcpPacket.SDES);
        assertThat(p.ssrc()).isEqualTo(0x5151);
        assertThat(out.getByte(40)).isEqualTo((byte) 1); // CNAME
        assertThat(out.toString(42, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("srs-1");
        assertThat(p.next()).isFalse();

        // the next interval: 50 more expected, all received: nothing lost in it, 10 in all
        for (int i = 0; i < 50; i++) {
            r.received();
        }
        out.clear();
        r.write(out, first + 149, 3, 16 * S);
        assertThat((int) out.getUnsignedByte(12)).isZero();
        assertThat(out.getMedium(13)).isEqualTo(10);
        out.release();
    }

    @Test
    void beforeAnyPacketTheReportHasNoBlock() {
        ReceptionReport r = new ReceptionReport(7, "srs-2");
        ByteBuf out = Unpooled.buffer();
        r.write(out, 0, 0, 0);
        RtcpPacket p = new RtcpPacket();
        assertThat(p.wrap(out)).isNull();
        assertThat(p.next()).isTrue();
        assertThat(p.type()).isEqualTo(RtcpPacket.RR);
        assertThat(p.count()).isZero();
        assertThat(p.next()).isTrue();
        assertThat(p.type()).isEqualTo(RtcpPacket.SDES);
        out.release();
    }
}
