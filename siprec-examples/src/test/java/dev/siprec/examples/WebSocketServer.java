package dev.siprec.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real WebSocket server for the streaming tests (Netty's HTTP codec and WebSocket handshake):
 * keeps what each connection sent. It can close the first connection after some audio, as a
 * service restarting would.
 */
final class WebSocketServer implements AutoCloseable {

    /** What one connection sent. */
    static final class Connection {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream audio = new ByteArrayOutputStream();
        volatile int binaryMessages;
        volatile boolean closed;

        synchronized byte[] audio() {
            return audio.toByteArray();
        }
    }

    final List<Connection> connections = new CopyOnWriteArrayList<>();
    volatile int closeFirstAfter = -1; // binary messages, -1: never
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    WebSocketServer() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Connection c = new Connection();
                        connections.add(c);
                        ch.closeFuture().addListener(f -> c.closed = true);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/asr", null, false, 1 << 20),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                        if (frame instanceof TextWebSocketFrame t) {
                                            c.texts.add(t.text());
                                        } else if (frame instanceof BinaryWebSocketFrame b) {
                                            ByteBuf data = b.content();
                                            byte[] bytes = new byte[data.readableBytes()];
                                            data.readBytes(bytes);
                                            synchronized (c) {
                                                c.audio.writeBytes(bytes);
                                            }
                                            c.binaryMessages++;
                                            if (c == connections.get(0) && c.binaryMessages == closeFirstAfter) {
                                                ctx.writeAndFlush(new CloseWebSocketFrame(1012, "service restart"))
                                                        .addListener(ChannelFutureListener.CLOSE);
                                            }
                                        }
                                    }
                                });
                    }
                }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/asr");
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
