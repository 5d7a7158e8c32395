package dev.siprec.media;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight over a compound RTCP packet (RFC 3550 §6): {@link #wrap} checks that the
 * datagram is a well-formed sequence of RTCP packets, then {@link #next} steps through them
 * and the accessors read the current one in place. Reused across datagrams; does not own,
 * retain or release the buffer.
 *
 * <p>Validity follows RFC 3550 §A.2 (version 2 throughout, lengths that add up to the
 * datagram exactly, padding only in the last packet) without its rule that a compound starts
 * with SR or RR, which reduced-size RTCP (RFC 5506) lifts.
 */
public final class RtcpPacket {

    /** Sender report (RFC 3550 §6.4.1). */
    public static final int SR = 200;
    /** Receiver report (RFC 3550 §6.4.2). */
    public static final int RR = 201;
    /** Source description (RFC 3550 §6.5). */
    public static final int SDES = 202;
    /** Goodbye (RFC 3550 §6.6). */
    public static final int BYE = 203;
    /** Application-defined (RFC 3550 §6.7). */
    public static final int APP = 204;

    private ByteBuf buf;
    private int end;
    private int next;
    private int current;
    private int currentLength;

    /**
     * Whether a datagram on an RTP port is RTCP rather than RTP: RFC 5761 §4 demultiplexes on
     * the second octet, which is an RTCP packet type in 192..223 and can then be no RTP payload
     * type of a negotiated stream (RTP types 64..95 with the marker bit are avoided, §4).
     */
    public static boolean isRtcp(ByteBuf datagram) {
        if (datagram.readableBytes() < 2) {
            return false;
        }
        int type = datagram.getUnsignedByte(datagram.readerIndex() + 1);
        return type >= 192 && type <= 223;
    }

    /**
     * Points this flyweight at the readable bytes of {@code buffer}.
     *
     * @return null when the compound packet is valid, otherwise why it is not
     */
    public String wrap(ByteBuf buffer) {
        this.buf = buffer;
        int start = buffer.readerIndex();
        this.end = buffer.writerIndex();
        if (end - start < 4) {
            return "shorter than an RTCP header";
        }
        for (int at = start; at < end; ) {
            if (end - at < 4) {
                return "trailing bytes after the last RTCP packet";
            }
            int b0 = buffer.getUnsignedByte(at);
            if ((b0 >> 6) != 2) {
                return "RTCP version is not 2";
            }
            int length = 4 * (buffer.getUnsignedShort(at + 2) + 1);
            if (at + length > end) {
                return "RTCP length beyond the datagram";
            }
            if ((b0 & 0x20) != 0 && at + length != end) {
                return "padding before the last RTCP packet";
            }
            at += length;
        }
        this.next = start;
        this.current = -1;
        return null;
    }

    /** Moves to the next packet of the compound; false after the last. */
    public boolean next() {
        if (next >= end) {
            return false;
        }
        current = next;
        currentLength = 4 * (buf.getUnsignedShort(current + 2) + 1);
        next = current + currentLength;
        return true;
    }

    /** Packet type of the current packet ({@link #SR}, {@link #RR}, ...). */
    public int type() {
        return buf.getUnsignedByte(current + 1);
    }

    /** The 5-bit count field: reception reports (SR, RR), chunks (SDES), sources (BYE). */
    public int count() {
        return buf.getUnsignedByte(current) & 0x1F;
    }

    /** SSRC of the sender of the current SR, RR or APP packet, or the first source of SDES and BYE. */
    public int ssrc() {
        return currentLength >= 8 ? buf.getInt(current + 4) : 0;
    }

    /** Whether the current packet is a sender report long enough for its sender info (28 octets). */
    public boolean hasSenderInfo() {
        return type() == SR && currentLength >= 28;
    }

    /** NTP timestamp of the current sender report (64-bit fixed point, seconds since 1900). */
    public long ntpTimestamp() {
        return buf.getLong(current + 8);
    }

    /** RTP timestamp of the current sender report: the same instant as {@link #ntpTimestamp()}. */
    public int rtpTimestamp() {
        return buf.getInt(current + 16);
    }

    /** Packets sent, from the current sender report. */
    public long senderPacketCount() {
        return buf.getUnsignedInt(current + 20);
    }

    /** Whether the current packet is a BYE that names {@code ssrc} among its sources. */
    public boolean byeIncludes(int ssrc) {
        if (type() != BYE) {
            return false;
        }
        int sources = Math.min(count(), (currentLength - 4) / 4);
        for (int i = 0; i < sources; i++) {
            if (buf.getInt(current + 4 + 4 * i) == ssrc) {
                return true;
            }
        }
        return false;
    }
}
