package dev.siprec.media;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * What a receiver reports about one source (RFC 3550 §6.4.2 and appendix A.3), and the
 * compound RTCP packet that carries it: a receiver report with one report block, then an SDES
 * with our CNAME (§6.1: every compound packet carries one). One per stream, on the session's
 * event loop.
 */
final class ReceptionReport {

    private final int ourSsrc;
    private final byte[] cname;
    private boolean hasSource;
    private int sourceSsrc;
    private long baseExtSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long lastSrMiddle; // middle 32 bits of the last SR's NTP timestamp
    private long lastSrNanos = Long.MIN_VALUE;

    ReceptionReport(int ourSsrc, String cname) {
        this.ourSsrc = ourSsrc;
        this.cname = cname.getBytes(StandardCharsets.US_ASCII);
    }

    /** A new source starts at {@code extSeq}: its counts start afresh (A.1). */
    void newSource(int ssrc, long extSeq) {
        hasSource = true;
        sourceSsrc = ssrc;
        baseExtSeq = extSeq;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        lastSrNanos = Long.MIN_VALUE;
    }

    /** Whether the report is about {@code ssrc} now. */
    boolean isSource(int ssrc) {
        return hasSource && sourceSsrc == ssrc;
    }

    /** A valid packet of the current source arrived (duplicates included, as A.3 counts). */
    void received() {
        received++;
    }

    /** A sender report of the current source arrived. */
    void senderReport(int ssrc, long ntp, long arrivalNanos) {
        if (hasSource && ssrc == sourceSsrc) {
            lastSrMiddle = (ntp >>> 16) & 0xFFFFFFFFL;
            lastSrNanos = arrivalNanos;
        }
    }

    /**
     * Writes the compound packet.
     *
     * @param highestExtSeq the highest extended sequence number received, counted as this
     *     report's base was
     * @param jitterRtpUnits the interarrival jitter estimate in RTP timestamp units
     */
    void write(ByteBuf out, long highestExtSeq, double jitterRtpUnits, long nowNanos) {
        if (hasSource) {
            long expected = highestExtSeq - baseExtSeq + 1;
            long lost = Math.max(-0x800000L, Math.min(0x7FFFFFL, expected - received));
            long expectedInterval = expected - expectedPrior;
            long lostInterval = expectedInterval - (received - receivedPrior);
            expectedPrior = expected;
            receivedPrior = received;
            int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
            out.writeByte(0x81).writeByte(RtcpPacket.RR).writeShort(7).writeInt(ourSsrc);
            out.writeInt(sourceSsrc);
            out.writeByte(Math.min(255, fraction)).writeMedium((int) (lost & 0xFFFFFF));
            // extended highest sequence number: cycles in the upper 16 bits, counted from the
            // first packet's (A.1); ours carry one cycle of headroom, taken off here
            out.writeInt((int) (highestExtSeq - (1L << 16)));
            out.writeInt((int) Math.min(0xFFFFFFFFL, Math.round(jitterRtpUnits)));
            out.writeInt((int) lastSrMiddle);
            long dlsr = lastSrNanos == Long.MIN_VALUE ? 0 : (nowNanos - lastSrNanos) * 65536 / 1_000_000_000L;
            out.writeInt(lastSrNanos == Long.MIN_VALUE ? 0 : (int) dlsr); // units of 1/65536 s (§6.4.1)
        } else {
            out.writeByte(0x80).writeByte(RtcpPacket.RR).writeShort(1).writeInt(ourSsrc);
        }
        // SDES: one chunk, CNAME then the end item, padded to a 32-bit boundary
        int chunk = 4 + 2 + cname.length + 1;
        int padded = (chunk + 3) & ~3;
        out.writeByte(0x81).writeByte(RtcpPacket.SDES).writeShort(padded / 4).writeInt(ourSsrc);
        out.writeByte(1).writeByte(cname.length).writeBytes(cname);
        out.writeZero(padded - chunk + 1);
    }
}
