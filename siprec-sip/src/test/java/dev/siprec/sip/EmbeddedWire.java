package dev.siprec.sip;

import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipParseException;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.transaction.SipTimers;
import dev.siprec.sip.transport.ReplyPath;
import dev.siprec.sip.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wire for testing the SIP layers below any socket: what they send goes to an embedded
 * channel, read back with {@link #sent()}, and their timers run on a clock the test moves
 * with {@link #advanceMillis}. Call {@link #close()} after each test (releases what was left).
 */
public final class EmbeddedWire implements AutoCloseable {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    /** Timers on the test's clock, driven only by {@link #advanceMillis}. */
    public final SipTimers timers = new SipTimers(null, 10, now::get);
    /** The SRC's address. */
    public final InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5099);
    private final InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060);
    private final EmbeddedChannel channel = new EmbeddedChannel() {
        @Override
        public SocketAddress localAddress() {
            return local;
        }
    };
    /** Datagrams to and from the SRC. */
    public final ReplyPath udp = new ReplyPath(Transport.UDP, channel, remote);

    /** The channel everything is written to (to add a handler that watches writes). */
    public EmbeddedChannel channel() {
        return channel;
    }

    /** A TCP-like (reliable) path over the same channel. */
    public ReplyPath tcp() {
        return new ReplyPath(Transport.TCP, channel, remote);
    }

    /** Moves the clock on, running the timers every 10 ms as their driver would. */
    public void advanceMillis(long ms) {
        for (long t = 0; t < ms; t += 10) {
            now.addAndGet(10_000_000L);
            timers.runDue();
        }
    }

    /** The messages written since the last call, decoded. */
    public List<String> sent() {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf b = o instanceof DatagramPacket p ? p.content() : (ByteBuf) o;
            out.add(b.toString(StandardCharsets.UTF_8));
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return out;
    }

    /** Parses a request written as text. */
    public static SipRequest parse(String text) throws SipParseException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return (SipRequest) SipMessageParser.parseDatagram(b, 0, b.length);
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
