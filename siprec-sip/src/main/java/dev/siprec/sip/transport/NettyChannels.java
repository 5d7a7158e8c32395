package dev.siprec.sip.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The socket classes that match an event loop group: Netty's native epoll channels on loops
 * made with its epoll I/O handler (when the application has the native transport on its class
 * path), the JDK's NIO channels otherwise. The epoll classes are only touched when the group
 * uses epoll, so the native artifact stays optional.
 */
final class NettyChannels {

    private NettyChannels() {
    }

    static Class<? extends DatagramChannel> datagram(EventLoopGroup group) {
        return usesEpoll(group) ? io.netty.channel.epoll.EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    static Class<? extends ServerChannel> serverSocket(EventLoopGroup group) {
        return usesEpoll(group) ? io.netty.channel.epoll.EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
    }

    static boolean usesEpoll(EventLoopGroup group) {
        try {
            return group instanceof IoEventLoopGroup io && io.isIoType(io.netty.channel.epoll.EpollIoHandler.class);
        } catch (LinkageError absent) {
            return false; // netty-transport-classes-epoll is not on the class path
        }
    }
}
