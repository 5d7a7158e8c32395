package dev.siprec.sip.transport;

import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipParseException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport layer (RFC 3261 §18): the listening sockets (UDP, TCP, TLS), framing of the
 * stream transports, parsing, and the connection limits. Whole messages (or the reason they
 * could not be read) go up to a {@link TransportUser}; answers go back down through the
 * {@link ReplyPath} each message carries. Knows nothing of transactions or dialogs.
 *
 * <p>Each UDP socket's pipeline is one {@link UdpReceiver}; each connection's is an idle
 * timer, a {@link ConnectionGuard}, TLS when configured, the {@link SipStreamFramer} and a
 * {@link StreamReceiver}.
 */
public final class SipTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipTransport.class);

    /**
     * What to listen on and the limits on stream connections.
     *
     * @param listen addresses per transport
     * @param tls certificate settings, required when TLS addresses are listed
     * @param maxConnections TCP and TLS connections open at once
     * @param maxConnectionsPerAddress connections open at once from one remote address
     * @param connectionIdleMillis a connection that carries no dialog is closed after this long idle
     */
    public record Settings(Map<Transport, List<InetSocketAddress>> listen, TlsSettings tls, int maxConnections,
                           int maxConnectionsPerAddress, long connectionIdleMillis) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final TransportUser user;
    private final List<Channel> channels = new ArrayList<>();
    private final Map<Transport, List<InetSocketAddress>> bound = new EnumMap<>(Transport.class);
    // TCP and TLS connections open now, in all and per remote address (guarded by the map's lock)
    private final Map<InetAddress, Integer> connectionsByAddress = new HashMap<>();
    private int connectionsOpen;
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong connectionsIdleClosed = new AtomicLong();
    private final UdpReceiver udpReceiver = new UdpReceiver();

    /** A transport with these settings on {@code group}, passing messages to {@code user}. Call {@link #start()}. */
    public SipTransport(Settings settings, EventLoopGroup group, TransportUser user) {
        this.settings = settings;
        this.group = group;
        this.user = user;
    }

    /** Binds every listening address; throws when one cannot be bound or TLS is misconfigured. */
    public void start() throws InterruptedException {
        SslContext ssl = null;
        if (settings.listen().containsKey(Transport.TLS)) {
            if (settings.tls() == null) {
                throw new IllegalStateException("TLS listener configured without TLS settings");
            }
            try {
                ssl = settings.tls().context();
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("TLS certificate or key unusable: " + e.getMessage(), e);
            }
        }
        for (Map.Entry<Transport, List<InetSocketAddress>> e : settings.listen().entrySet()) {
            for (InetSocketAddress address : e.getValue()) {
                Channel ch = e.getKey() == Transport.UDP ? bindUdp(address) : bindStream(address, e.getKey(), ssl);
                channels.add(ch);
                bound.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((InetSocketAddress) ch.localAddress());
            }
        }
    }

    /** The addresses actually bound for a transport (ports resolved when 0 was asked for). */
    public List<InetSocketAddress> boundAddresses(Transport transport) {
        return List.copyOf(bound.getOrDefault(transport, List.of()));
    }

    /** Whether the sockets run on Netty's native epoll transport (else the JDK's NIO). */
    public boolean nativeTransport() {
        return NettyChannels.usesEpoll(group);
    }

    /** Closes the listening sockets. */
    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
    }

    /** TCP/TLS connections closed on accept because a connection limit was reached, since start. */
    public long connectionsRefused() {
        return connectionsRefused.get();
    }

    /** TCP/TLS connections closed because they stayed idle without a dialog, since start. */
    public long connectionsClosedIdle() {
        return connectionsIdleClosed.get();
    }

    /** TCP/TLS connections open now. */
    public int connectionsOpen() {
        synchronized (connectionsByAddress) {
            return connectionsOpen;
        }
    }

    private Channel bindUdp(InetSocketAddress address) throws InterruptedException {
        return new Bootstrap().group(group).channel(NettyChannels.datagram(group))
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .handler(udpReceiver)
                .bind(address).sync().channel();
    }

    /** TCP, or TLS: the same framing behind an SslHandler (which owns the TLS records' buffers). */
    private Channel bindStream(InetSocketAddress address, Transport transport, SslContext ssl)
            throws InterruptedException {
        StreamReceiver receiver = new StreamReceiver(transport);
        return new ServerBootstrap().group(group).channel(NettyChannels.serverSocket(group))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // limits first: a connection over them is closed before TLS or parsing costs anything
                        // (the idle handler first: its events travel towards the guard)
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, settings.connectionIdleMillis(),
                                TimeUnit.MILLISECONDS), new ConnectionGuard(transport));
                        if (transport == Transport.TLS) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new SipStreamFramer(user), receiver);
                    }
                })
                .bind(address).sync().channel();
    }

    /**
     * Counts a stream connection against the limits (closing it at once when over one) and
     * closes it when it has been idle for the configured time without carrying a dialog: a
     * caller that opens connections and leaves them must not use up our descriptors. One per
     * connection: it remembers the address it counted.
     */
    private final class ConnectionGuard extends ChannelInboundHandlerAdapter {
        private final Transport transport;
        private InetAddress counted;

        ConnectionGuard(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            InetAddress from = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            boolean over;
            synchronized (connectionsByAddress) {
                int mine = connectionsByAddress.getOrDefault(from, 0);
                over = connectionsOpen >= settings.maxConnections() || mine >= settings.maxConnectionsPerAddress();
                if (!over) {
                    connectionsOpen++;
                    connectionsByAddress.put(from, mine + 1);
                    counted = from;
                }
            }
            if (over) {
                connectionsRefused.incrementAndGet();
                log.warn("SIP connection from {} refused: connection limit reached", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (counted != null) {
                synchronized (connectionsByAddress) {
                    connectionsOpen--;
                    connectionsByAddress.merge(counted, -1, (a, b) -> a + b == 0 ? null : a + b);
                }
                counted = null;
            }
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ReplyPath path = new ReplyPath(transport, ctx.channel(), (InetSocketAddress) ctx.channel().remoteAddress());
                if (!user.carriesDialog(path)) {
                    connectionsIdleClosed.incrementAndGet();
                    log.debug("SIP connection {} idle without a dialog; closed", ctx.channel().remoteAddress());
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    /**
     * Receives datagrams and parses each into a message. Stateless, so one serves every UDP
     * socket; the packet is released by SimpleChannelInboundHandler after {@code channelRead0}.
     */
    @ChannelHandler.Sharable
    private final class UdpReceiver extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            if (isKeepAlive(content)) {
                return;
            }
            byte[] data = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), data);
            deliver(data, new ReplyPath(Transport.UDP, ctx.channel(), packet.sender()), true);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("SIP UDP socket error: {}", cause.toString());
            if (cause instanceof VirtualMachineError) {
                user.onFatalError(cause);
            }
        }
    }

    /**
     * Parses the framed messages of TCP or TLS connections. Stateless (the framer before it
     * holds the connection's bytes), so one serves every connection of a listener.
     */
    @ChannelHandler.Sharable
    private final class StreamReceiver extends SimpleChannelInboundHandler<byte[]> {
        private final Transport transport;

        StreamReceiver(Transport transport) {
            this.transport = transport;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, byte[] data) {
            deliver(data, new ReplyPath(transport, ctx.channel(), (InetSocketAddress) ctx.channel().remoteAddress()),
                    false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("SIP {} connection {} closed: {}", transport, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            if (cause instanceof VirtualMachineError) {
                user.onFatalError(cause);
            }
        }
    }

    /**
     * Parses one whole message (a datagram: its Content-Length is checked against what came,
     * RFC 3261 §18.3; framed: the framer made them agree) and hands it, or why it could not be
     * read, to the layer above.
     */
    private void deliver(byte[] data, ReplyPath path, boolean datagram) {
        SipMessage message;
        try {
            message = datagram ? SipMessageParser.parseDatagram(data, 0, data.length)
                    : SipMessageParser.parseFramed(data, 0, data.length);
        } catch (SipParseException e) {
            user.onParseError(e, path);
            return;
        }
        user.onMessage(message, path);
    }

    /** A datagram of nothing but CRLFs (or NULs): an RFC 5626 §3.5.1 keep-alive, not a message. */
    private static boolean isKeepAlive(ByteBuf data) {
        for (int i = data.readerIndex(); i < data.writerIndex(); i++) {
            byte b = data.getByte(i);
            if (b != '\r' && b != '\n' && b != 0) {
                return false;
            }
        }
        return true;
    }
}
