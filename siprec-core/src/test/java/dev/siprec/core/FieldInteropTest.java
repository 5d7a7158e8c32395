package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What field captures hold (issue 18), in messages written here from the facts in the kit's
 * vendor notes: bodies damaged as they are seen (a multipart body whose last part has no close
 * delimiter, from Sonus, ProComm and bodies cut short in transit; metadata with an unescaped
 * ampersand, a Cisco capture), read with the repair said and counted; and Cisco CUBE
 * network-based recording, whose parties come in X-Cisco-Recording-Participant headers.
 */
class FieldInteropTest {

    final EndToEndTest.Recorder recorder = new EndToEndTest.Recorder();
    SiprecServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void metadataWithoutItsCloseDelimiterAndWithABareAmpersandIsReadAndTheRepairSaid() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(44000, 44999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(100)).start();
        String metadata = TestSrc.METADATA.replace("<name>Bob</name>", "<name>Bob at AT&T</name>");
        String whole = TestSrc.multipart(TestSrc.offer("1", "2"), metadata);
        String damaged = whole.substring(0, whole.lastIndexOf("--boundary42--")); // no close delimiter
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            assertThat(src.invite("multipart/mixed;boundary=boundary42", damaged).statusCode()).isEqualTo(200);
            src.ack();
            RecordingSession s = recorder.last();
            assertThat(s.metadata().participants()).extracting(p -> p.nameIds().get(0).name())
                    .containsExactly("Bob at AT&T", "Alice");
            assertThat(s.metadataProblem()).startsWith("repaired: ").contains("no close delimiter")
                    .contains("1 unescaped '&'");
            assertThat(s.channels().get(0).participant().aor()).isEqualTo("sip:bob@example.net");
            assertThat(server.metadataRepaired()).isEqualTo(1);
            assertThat(server.metadataErrors()).isZero();
            src.bye();
            s.ended().get(10, TimeUnit.SECONDS);
        }
        recorder.last = null;
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            // an intact body of the next call: nothing to say
            assertThat(src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(TestSrc.offer("1", "2"), TestSrc.METADATA)).statusCode()).isEqualTo(200);
            src.ack();
            RecordingSession s = recorder.last();
            assertThat(s.metadataProblem()).isNull();
            assertThat(server.metadataRepaired()).isEqualTo(1);
            src.bye();
        }
    }

    @Test
    void ciscoNetworkBasedRecordingNamesItsPartiesInHeadersAndThoseArriveOnTheirChannels() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(44000, 44999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(100)).start();
        // plain SDP, two m-lines without labels, no metadata (the NBR shape)
        String sdp = "v=0\r\no=CiscoSystemsSIP-GW-UserAgent 1 1 IN IP4 127.0.0.1\r\ns=SIP Call\r\n"
                + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n"
                + "m=audio 30002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n";
        String headers = "X-Cisco-Recording-Participant: sip:2001@192.0.2.20;media-index=\"1\"\r\n"
                + "X-Cisco-Recording-Participant: \"Front desk\" <sip:1001@192.0.2.10>;media-index=\"0\"\r\n";
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            src.send(src.vendorRequest("INVITE", 1, "z9hG4bK-nbr-" + src.callId.hashCode(), "application/sdp", sdp,
                    null, false, headers));
            assertThat(src.receiveFinal("INVITE").statusCode()).isEqualTo(200);
            RecordingSession s = recorder.last();
            assertThat(s.inviteHeaders("x-cisco-recording-participant")).hasSize(2);
            assertThat(s.metadata().participants()).hasSize(2);
            for (RecordedChannel c : s.channels()) {
                String expected = c.mLineIndex() == 0 ? "sip:1001@192.0.2.10" : "sip:2001@192.0.2.20";
                assertThat(c.participant()).as("channel " + c.index()).isNotNull();
                assertThat(c.participant().nameIds().get(0).aor()).isEqualTo(expected);
            }
            assertThat(s.channels().stream().filter(c -> c.mLineIndex() == 0).findFirst().orElseThrow()
                    .participant().nameIds().get(0).name()).isEqualTo("Front desk");
        }
    }
}
