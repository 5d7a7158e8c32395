package dev.siprec.sip;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Where responses to a request go: back over the connection it came on (TCP), or to the
 * source address of its datagram (UDP; RFC 3581 symmetric response routing, which is what
 * SRCs behind NAT and SIPp both expect).
 */
final class ReplyPath {

    private final Transport transport;
    private final Channel channel;
    private final InetSocketAddress remote;

    ReplyPath(Transport transport, Channel channel, InetSocketAddress remote) {
        this.transport = transport;
        this.channel = channel;
        this.remote = remote;
    }

    Transport transport() {
        return transport;
    }

    InetSocketAddress remote() {
        return remote;
    }

    /** The socket it answers through (for TCP and TLS, the connection). */
    Channel channel() {
        return channel;
    }

    InetSocketAddress local() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Sends a message; the wrapped buffer is released by Netty once written. */
    void send(SipMessage message) {
        send(message.encode());
    }

    /** Sends an encoded message (a retransmission); the wrapped buffer is released by Netty once written. */
    void send(byte[] bytes) {
        if (!channel.isActive()) {
            return; // connection gone: RFC 3261 §18.2.2 would reconnect; counted by the caller's timers
        }
        if (transport == Transport.UDP) {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), remote), channel.voidPromise());
        } else {
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
        }
    }
}
