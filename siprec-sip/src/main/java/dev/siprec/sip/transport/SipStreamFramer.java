package dev.siprec.sip.transport;

import dev.siprec.sip.message.SipMessageParser;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Frames SIP messages on a stream transport (RFC 3261 §18.3): headers up to the blank line,
 * then exactly Content-Length body bytes. Several messages in one read and one message across
 * many reads both work; CRLF keep-alives between messages (RFC 5626 §3.5.1) are skipped.
 * Emits each message as a {@code byte[]}; the cumulation buffer is owned and released by
 * {@link ByteToMessageDecoder}. One instance per connection (not sharable).
 */
final class SipStreamFramer extends ByteToMessageDecoder {

    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private final TransportUser user;

    SipStreamFramer(TransportUser user) {
        this.user = user;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
                in.skipBytes(1);
            }
            if (!in.isReadable()) {
                return;
            }
            int headerEnd = findHeaderEnd(in);
            if (headerEnd < 0) {
                if (in.readableBytes() > SipMessageParser.MAX_HEADER_BYTES) {
                    fail(ctx, in, "header section larger than " + SipMessageParser.MAX_HEADER_BYTES + " bytes");
                }
                return;
            }
            int headerLength = headerEnd - in.readerIndex();
            int contentLength = contentLength(in.toString(in.readerIndex(), headerLength, StandardCharsets.UTF_8));
            if (contentLength < 0 || headerLength + (long) contentLength > MAX_MESSAGE_BYTES) {
                fail(ctx, in, contentLength < 0 ? "malformed Content-Length" : "message too large");
                return;
            }
            if (in.readableBytes() < headerLength + contentLength) {
                return; // wait for the rest of the body
            }
            byte[] message = new byte[headerLength + contentLength];
            in.readBytes(message);
            out.add(message);
        }
    }

    /** A stream we cannot frame cannot be resynchronised: count it and close the connection. */
    private void fail(ChannelHandlerContext ctx, ByteBuf in, String why) {
        user.onDropped("TCP framing error from " + ctx.channel().remoteAddress() + ": " + why);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    private static int findHeaderEnd(ByteBuf in) {
        int end = in.writerIndex();
        for (int i = in.readerIndex(); i < end; i++) {
            if (in.getByte(i) == '\n') {
                int j = i + 1;
                if (j < end && in.getByte(j) == '\r') {
                    j++;
                }
                if (j < end && in.getByte(j) == '\n') {
                    return j + 1;
                }
            }
        }
        return -1;
    }

    /** Content-Length (or compact {@code l}) from a header block; 0 when absent, -1 when malformed. */
    static int contentLength(String headers) {
        for (String line : headers.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("content-length") || name.equals("l")) {
                try {
                    int n = Integer.parseInt(line.substring(colon + 1).trim());
                    return n < 0 ? -1 : n;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 0;
    }
}
