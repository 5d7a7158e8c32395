package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.message.SipResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15, item 9: only allowed networks talk SIP (403 otherwise) and send media (dropped, counted). */
class AccessControlTest extends ServerTest {

    @Test
    void sipAndRtpFromOutsideTheAllowedNetworksAreRefused() throws Exception {
        start(SiprecServer.builder().allowSources(List.of("127.0.0.1/32", "10.0.0.0/8"), List.of("127.0.0.1")));
        InetSocketAddress sip = sipAddress();
        InetAddress outsider = InetAddress.getByName("127.0.0.2");
        try (TestSrc stranger = new TestSrc(sip, outsider)) {
            SipResponse r = stranger.recordingInvite("1", "2");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.reasonPhrase()).isEqualTo("Forbidden: source address not allowed");
        }
        assertThat(server.rtpPortsInUse()).isZero();
        try (TestSrc src = new TestSrc(sip, false);
             java.net.DatagramSocket stray = new java.net.DatagramSocket(new InetSocketAddress(outsider, 0))) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            // valid PCMU from outside the RTP networks, before and while the SRC sends
            byte[] valid = new byte[172];
            valid[0] = (byte) 0x80;
            for (int i = 0; i < 4; i++) {
                valid[3] = (byte) i;
                stray.send(new java.net.DatagramPacket(valid, valid.length, InetAddress.getLoopbackAddress(),
                        src.rtpPorts[0]));
            }
            src.streamTones(10, 440, 1000);
            RecordingSession s = recorder.last();
            int first = s.channels().get(0).label().equals("1") ? 0 : 1;
            dev.siprec.testing.Await.until("the refused packets counted", java.time.Duration.ofSeconds(2),
                    () -> s.stats(first).packetsOtherSource() == 4 && s.stats(first).packetsReceived() == 10);
            assertThat(s.stats(first).packetsReceived()).isEqualTo(10);
            src.bye();
        }
    }
}
