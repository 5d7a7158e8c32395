package dev.siprec.sip.transport;

import dev.siprec.sip.message.SipMessage;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Where responses to a request go: back over the connection it came on (TCP), or to the
 * source address of its datagram (UDP; RFC 3581 symmetric response routing, which is what
 * SRCs behind NAT and SIPp both expect). Immutable; sending is safe from any thread.
 */
public final class ReplyPath {

    private final Transport transport;
    private final Channel channel;
    private final InetSocketAddress remote;

    /** Answers through {@code channel} (a UDP socket, or a TCP/TLS connection) to {@code remote}. */
    public ReplyPath(Transport transport, Channel channel, InetSocketAddress remote) {
        this.transport = transport;
        this.channel = channel;
        this.remote = remote;
    }

    /** The transport the message came over. */
    public Transport transport() {
        return transport;
    }

    /** Where the message came from, and where answers go. */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The socket it answers through (for TCP and TLS, the connection). */
    Channel channel() {
        return channel;
    }

    /** Whether both answer through the same socket or connection. */
    public boolean sameConnection(ReplyPath other) {
        return other != null && other.channel == channel;
    }

    /** The local address of the socket (a wildcard for a UDP socket bound to one). */
    public InetSocketAddress local() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Sends a message; the wrapped buffer is released by Netty once written. */
    public void send(SipMessage message) {
        send(message.encode());
    }

    /** Sends an encoded message (a retransmission); the wrapped buffer is released by Netty once written. */
    public void send(byte[] bytes) {
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
