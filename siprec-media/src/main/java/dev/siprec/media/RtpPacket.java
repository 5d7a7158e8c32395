package dev.siprec.media;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight over an RTP packet in a {@link ByteBuf} (RFC 3550 §5.1). {@link #wrap} validates
 * the header (version, CSRC count, extension length, padding) and records where the payload
 * is; the accessors read the buffer in place. Reused across packets; does not own, retain or
 * release the buffer.
 */
public final class RtpPacket {

    /** Smallest RTP header: 12 bytes (RFC 3550 §5.1). */
    public static final int FIXED_HEADER = 12;

    private ByteBuf buf;
    private int base;
    private int payloadOffset;
    private int payloadLength;

    /**
     * Points this flyweight at the readable bytes of {@code buffer}.
     *
     * @return null when the packet is valid, otherwise why it is not (for the drop log)
     */
    public String wrap(ByteBuf buffer) {
        this.buf = buffer;
        this.base = buffer.readerIndex();
        int length = buffer.readableBytes();
        if (length < FIXED_HEADER) {
            return "shorter than an RTP header";
        }
        int b0 = buffer.getUnsignedByte(base);
        if ((b0 >> 6) != 2) {
            return "RTP version is not 2";
        }
        int header = FIXED_HEADER + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) { // header extension (§5.3.1)
            if (length < header + 4) {
                return "truncated header extension";
            }
            header += 4 + 4 * buffer.getUnsignedShort(base + header + 2);
        }
        if (length < header) {
            return "header longer than the packet";
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) { // padding count in the last octet (§5.1)
            padding = buffer.getUnsignedByte(base + length - 1);
            if (padding == 0 || header + padding > length) {
                return "invalid padding";
            }
        }
        payloadOffset = header;
        payloadLength = length - header - padding;
        return null;
    }

    /** The marker bit. */
    public boolean marker() {
        return (buf.getUnsignedByte(base + 1) & 0x80) != 0;
    }

    /** The payload type (0..127). */
    public int payloadType() {
        return buf.getUnsignedByte(base + 1) & 0x7F;
    }

    /** The 16-bit sequence number. */
    public int sequenceNumber() {
        return buf.getUnsignedShort(base + 2);
    }

    /** The 32-bit timestamp, as an int (compare with signed differences). */
    public int timestamp() {
        return buf.getInt(base + 4);
    }

    /** The synchronisation source. */
    public int ssrc() {
        return buf.getInt(base + 8);
    }

    /** Offset of the payload from the buffer's reader index. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload length in bytes, padding excluded. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Index of the payload's first byte in the buffer. */
    public int payloadIndex() {
        return base + payloadOffset;
    }
}
