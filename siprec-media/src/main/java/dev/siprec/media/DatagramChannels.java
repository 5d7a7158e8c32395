package dev.siprec.media;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The datagram socket class that matches an event loop: Netty's native epoll channel on a
 * loop made with its epoll I/O handler (the application has the native transport on its class
 * path), the JDK's NIO channel otherwise. The epoll classes are only touched when the loop
 * uses epoll, so the native artifact stays optional.
 */
final class DatagramChannels {

    private DatagramChannels() {
    }

    static Class<? extends DatagramChannel> forLoop(EventLoopGroup loop) {
        boolean epoll;
        try {
            epoll = loop instanceof IoEventLoopGroup io && io.isIoType(io.netty.channel.epoll.EpollIoHandler.class);
        } catch (LinkageError absent) {
            epoll = false; // netty-transport-classes-epoll is not on the class path
        }
        return epoll ? io.netty.channel.epoll.EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
