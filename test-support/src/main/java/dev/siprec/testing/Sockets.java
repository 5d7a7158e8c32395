package dev.siprec.testing;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;

/** Sockets for tests that play an SRC's media side. */
public final class Sockets {

    private Sockets() {
    }

    /**
     * Two UDP sockets on loopback on consecutive ports, the first even: an SRC's RTP and RTCP
     * ports (RFC 3550 §11). The caller closes both.
     */
    public static DatagramSocket[] udpPair() throws SocketException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            DatagramSocket rtp = new DatagramSocket(0, lo);
            if (rtp.getLocalPort() % 2 == 0) {
                try {
                    return new DatagramSocket[] {rtp, new DatagramSocket(rtp.getLocalPort() + 1, lo)};
                } catch (SocketException taken) {
                    // try another pair
                }
            }
            rtp.close();
        }
        throw new IllegalStateException("no free pair of UDP ports");
    }
}
