package dev.siprec.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;

/** What the server-level tests share: a server on loopback UDP with a recording listener, closed after each test. */
abstract class ServerTest {

    final EndToEndTest.Recorder recorder = new EndToEndTest.Recorder();
    SiprecServer server;

    /** Starts {@code b} on loopback UDP (any port), RTP 42000-42999, recording into {@link #recorder}. */
    SiprecServer start(SiprecServer.Builder b) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = b.sip(Transport.UDP, any).rtpPortRange(42000, 42999).listener(recorder).start();
        return server;
    }

    InetSocketAddress sipAddress() {
        return server.sipAddresses(Transport.UDP).get(0);
    }

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }
}
