package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What field captures hold (issue 18), in messages written here from the facts in the kit's
 * vendor notes: bodies damaged as they are seen (a multipart body whose last part has no close
 * delimiter, from Sonus, ProComm and bodies cut short in transit; metadata with an unescaped
 * ampersand, a Cisco capture), read with the repair said and counted; and Cisco CUBE
 * network-based recording, whose parties come in X-Cisco-Recording-Participant headers.
 */
class FieldInteropTest extends RecordingServerTest {


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

    /** A sine in G.711 (A-law or μ-law), 20 ms per packet, its phase going on from packet {@code first}. */
    static TestSrc.Payloads tone(double hz, int first, boolean alaw) {
        return (k, packet, offset) -> {
            for (int i = 0; i < 160; i++) {
                int v = (int) (8000 * Math.sin(2 * Math.PI * hz * (160.0 * (first + k) + i) / 8000));
                packet[offset + i] = alaw ? dev.siprec.codecs.g711.G711.linearToAlaw(v) : dev.siprec.codecs.g711.G711.linearToUlaw(v);
            }
            return 160;
        };
    }

    @Test
    void everyOfferedCodecIsAnsweredAndASwitchBetweenThemMidStreamLeavesNoGap() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(44000, 44999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(100)).start();
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            String offer = TestSrc.offerCodecs("0 18 8 9 13 101", "a=rtpmap:0 PCMU/8000\r\na=rtpmap:18 G729/8000\r\n"
                    + "a=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\na=rtpmap:13 CN/8000\r\n"
                    + "a=rtpmap:102 telephone-event/16000\r\n", "1", "2");
            assertThat(src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(offer, TestSrc.METADATA))
                    .statusCode()).isEqualTo(200);
            // every codec we decode, in the offer's order, then CN and one telephone-event per clock rate
            assertThat(src.answer.media().get(0).formats()).containsExactly("0", "18", "8", "9", "101", "13");
            src.ack();
            src.continueStreams = true;
            src.stream(40, 0, tone(440, 0, false), tone(1000, 0, false));
            src.stream(40, 8, tone(440, 40, true), tone(1000, 40, true)); // the SBC forks PCMA now
            src.stream(5, 3, tone(440, 80, true), tone(1000, 80, true)); // GSM: offered by nobody
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        s.ended().get(10, TimeUnit.SECONDS);
        short[][] a = recorder.audio.get(s.id());
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).formatSwitches()).as("channel " + c).isEqualTo(1);
            assertThat(s.stats(c).packetsReceived()).as("channel " + c).isEqualTo(80);
            assertThat(s.stats(c).packetsOtherPayloadType()).as("channel " + c).isEqualTo(5);
            assertThat(s.stats(c).packetsInvalid()).as("channel " + c).isZero();
        }
        // leg A (440 Hz) is channel 1: the tone runs on through the switch, without a gap or a click
        short[] ch = a[1];
        int start = dev.siprec.testing.Signals.firstSound(ch);
        for (int block = 1; block < 79; block++) { // every 20 ms block carries the tone at full level
            double energy = 0;
            for (int i = 0; i < 160; i++) {
                energy += (double) ch[start + block * 160 + i] * ch[start + block * 160 + i];
            }
            assertThat(Math.sqrt(energy / 160)).as("RMS of block " + block).isGreaterThan(4000);
        }
        int around = start + 40 * 160 - 400; // 800 samples around the switch
        assertThat(dev.siprec.testing.Signals.power(ch, around, 800, 440, 8000))
                .isGreaterThan(300 * dev.siprec.testing.Signals.power(ch, around, 800, 1000, 8000));
    }

    @Test
    void anInviteWithoutAnOfferGetsOursAndTheAnswerInTheAckDecidesWhatIsRecorded() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(44000, 44999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(100)).start();
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            // Cisco CUCM built-in bridge: no SDP in the INVITE
            dev.siprec.sip.message.SipResponse ok = src.invite(null, null);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.contentType().is("application/sdp")).isTrue();
            assertThat(src.answer.media()).hasSize(2).allSatisfy(m -> {
                assertThat(m.formats()).containsExactly("0", "8", "9", "18", "111", "101", "102", "13");
                assertThat(m.direction()).isEqualTo(dev.siprec.sip.sdp.Direction.RECVONLY);
                assertThat(m.port()).isPositive();
            });
            // the answer in the ACK: the first stream as PCMA with label 1, the second declined;
            // metadata beside it
            String answer = "v=0\r\no=CiscoSystemsCCM-SIP 1 1 IN IP4 127.0.0.1\r\ns=SIP Call\r\nc=IN IP4 127.0.0.1\r\n"
                    + "t=0 0\r\nm=audio 30000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendonly\r\na=label:1\r\n"
                    + "m=audio 0 RTP/AVP 0\r\n";
            src.send(src.request("ACK", 1, "z9hG4bK-ack-late-" + src.callId.hashCode(),
                    "multipart/mixed;boundary=boundary42", TestSrc.multipart(answer, TestSrc.METADATA)));
            src.stream(50, 8, tone(440, 0, true));
            recorder.awaitPlayedOut(recorder.last());
            assertThat(src.bye().statusCode()).isEqualTo(200);
        }
        RecordingSession s = recorder.last();
        s.ended().get(10, TimeUnit.SECONDS);
        assertThat(s.endReason()).isEqualTo(EndReason.BYE);
        RecordedChannel first = s.channels().stream().filter(c -> c.mLineIndex() == 0).findFirst().orElseThrow();
        assertThat(first.label()).isEqualTo("1");
        assertThat(first.codec()).isEqualTo("PCMA/8000");
        assertThat(first.participant().nameIds().get(0).aor()).isEqualTo("sip:alice@example.com");
        assertThat(s.stats(first.index()).packetsReceived()).isEqualTo(50);
        short[] ch = recorder.audio.get(s.id())[first.index()];
        int from = dev.siprec.testing.Signals.firstSound(ch) + 400;
        assertThat(dev.siprec.testing.Signals.power(ch, from, 4000, 440, 8000))
                .isGreaterThan(1000 * dev.siprec.testing.Signals.power(ch, from, 4000, 1000, 8000));

        // an ACK without an answer leaves nothing to record: we end the session with a BYE
        recorder.last = null;
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            assertThat(src.invite(null, null).statusCode()).isEqualTo(200);
            src.ack();
            dev.siprec.sip.message.SipRequest bye = src.receiveRequest();
            assertThat(bye.method()).isEqualTo("BYE");
            src.respond(bye, 200, "OK");
            RecordingSession s2 = recorder.last();
            assertThat(s2.ended().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SETUP_FAILED);
        }
        assertThat(server.activeSessions()).isEmpty();
    }
}
