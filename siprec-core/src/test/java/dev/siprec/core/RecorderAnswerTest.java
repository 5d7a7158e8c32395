package dev.siprec.core;

import dev.siprec.sip.sdp.Direction;
import dev.siprec.sip.sdp.MediaDescription;
import dev.siprec.sip.sdp.RtpMap;
import dev.siprec.sip.sdp.SessionDescription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecorderAnswerTest {

    static final RecorderAnswer.CodecSupport G711 = f -> Set.of("PCMU", "PCMA").contains(f.encoding().toUpperCase());

    static final String CISCO_OFFER = "v=0\r\n"
            + "o=CiscoSystemsSIP-GW-UserAgent 5370 9597 IN IP4 192.0.2.10\r\n"
            + "s=SIP Call\r\n"
            + "c=IN IP4 192.0.2.10\r\n"
            + "t=0 0\r\n"
            + "m=audio 16384 RTP/AVP 18 0 101 19\r\n"
            + "c=IN IP4 192.0.2.11\r\n"
            + "a=rtpmap:18 G729/8000\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-16\r\n"
            + "a=rtpmap:19 CN/8000\r\n"
            + "a=ptime:20\r\n"
            + "a=sendonly\r\n"
            + "a=label:1\r\n"
            + "m=audio 16386 RTP/AVP 8 101\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=inactive\r\n"
            + "a=label:2\r\n"
            + "m=video 16388 RTP/AVP 97\r\n"
            + "a=rtpmap:97 H264/90000\r\n"
            + "a=label:3\r\n";

    @Test
    void negotiatesEachMLineOnItsOwn() throws Exception {
        SessionDescription offer = SessionDescription.parse(CISCO_OFFER);
        List<NegotiatedStream> n = RecorderAnswer.negotiate(offer, G711);
        assertThat(n).hasSize(3);
        NegotiatedStream first = n.get(0);
        assertThat(first.accepted()).isTrue();
        assertThat(first.codec().encoding()).isEqualTo("PCMU"); // first offered that we decode, G.729 skipped
        assertThat(first.telephoneEvent().payloadType()).isEqualTo(101);
        assertThat(first.comfortNoise().payloadType()).isEqualTo(19);
        assertThat(first.answerDirection()).isEqualTo(Direction.RECVONLY);
        assertThat(first.remote().address()).isEqualTo("192.0.2.11"); // media-level c= wins
        NegotiatedStream second = n.get(1);
        assertThat(second.codec().encoding()).isEqualTo("PCMA"); // static type without rtpmap
        assertThat(second.comfortNoise()).isNull();
        assertThat(second.answerDirection()).isEqualTo(Direction.INACTIVE);
        assertThat(second.remote().address()).isEqualTo("192.0.2.10"); // session-level c=
        assertThat(n.get(2).accepted()).isFalse();
    }

    @Test
    void aReAnswerKeepsTheOriginAndRaisesItsVersionOnlyWhenTheSessionChanged() throws Exception {
        SessionDescription offer = SessionDescription.parse(CISCO_OFFER);
        List<NegotiatedStream> n = RecorderAnswer.negotiate(offer, G711);
        dev.siprec.codecs.registry.CodecRegistry codecs = dev.siprec.codecs.registry.CodecRegistry.defaults();
        LocalAnswer first = LocalAnswer.first(offer, n, new int[] {40000, 40002, 0}, "127.0.0.1", 42, codecs);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.text()).contains("o=siprec 42 1 IN IP4 127.0.0.1\r\n").isEqualTo(first.sdp().format());
        // the same offer again (a session refresh): the very same answer, version 1 (RFC 3264 §8)
        assertThat(first.next(offer, n, new int[] {40000, 40002, 0}, codecs)).isSameAs(first);
        // a stream moved to another port: version 2, same session id and address
        LocalAnswer moved = first.next(offer, n, new int[] {40000, 40004, 0}, codecs);
        assertThat(moved.version()).isEqualTo(2);
        assertThat(moved.text()).contains("o=siprec 42 2 IN IP4 127.0.0.1\r\n", "m=audio 40004 ");
        assertThat(moved.next(offer, n, new int[] {40000, 40004, 0}, codecs)).isSameAs(moved);
    }

    @Test
    void answerHasOneMLinePerOfferedMLineInOrderWithLabelsEchoed() throws Exception {
        SessionDescription offer = SessionDescription.parse(CISCO_OFFER);
        List<NegotiatedStream> n = RecorderAnswer.negotiate(offer, G711);
        String answer = RecorderAnswer.answer(offer, n, new int[] {40000, 40002, 0}, "127.0.0.1", 42, 1).format();
        assertThat(answer).isEqualTo("v=0\r\n"
                + "o=siprec 42 1 IN IP4 127.0.0.1\r\n"
                + "s=siprec\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio 40000 RTP/AVP 0 101 19\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=rtpmap:19 CN/8000\r\n"
                + "a=ptime:20\r\n"
                + "a=label:1\r\n"
                + "a=recvonly\r\n"
                + "m=audio 40002 RTP/AVP 8 101\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\n"
                + "a=label:2\r\n"
                + "a=inactive\r\n"
                + "m=video 0 RTP/AVP 97\r\n"
                + "a=label:3\r\n");
        assertThat(SessionDescription.parse(answer).media()).hasSize(3);
    }

    @Test
    void comfortNoiseIsAnsweredOnlyAtTheCodecsClockRate() throws Exception {
        SessionDescription wide = SessionDescription.parse("v=0\r\nc=IN IP4 h\r\n"
                + "m=audio 1000 RTP/AVP 0 98 13\r\na=rtpmap:98 CN/16000\r\na=sendonly\r\n");
        assertThat(RecorderAnswer.negotiate(wide, G711).get(0).comfortNoise())
                .isEqualTo(new RtpMap(13, "CN", 8000, 1)); // static 13, without an rtpmap line
        SessionDescription only16k = SessionDescription.parse("v=0\r\nc=IN IP4 h\r\n"
                + "m=audio 1000 RTP/AVP 0 98\r\na=rtpmap:98 CN/16000\r\na=sendonly\r\n");
        List<NegotiatedStream> n = RecorderAnswer.negotiate(only16k, G711);
        assertThat(n.get(0).comfortNoise()).isNull();
        assertThat(RecorderAnswer.answer(only16k, n, new int[] {40000}, "127.0.0.1", 1, 1).format())
                .contains("m=audio 40000 RTP/AVP 0\r\n").doesNotContain("CN/");
    }

    @Test
    void telephoneEventIsChosenAtTheCodecsClockRate() throws Exception {
        RecorderAnswer.CodecSupport opus = f -> f.encoding().equalsIgnoreCase("opus") || f.encoding().equals("PCMU");
        SessionDescription both = SessionDescription.parse("v=0\r\nc=IN IP4 h\r\n"
                + "m=audio 1000 RTP/AVP 111 101 110\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=rtpmap:110 telephone-event/48000\r\na=sendonly\r\n"
                + "m=audio 1002 RTP/AVP 0 110\r\na=rtpmap:110 telephone-event/48000\r\na=sendonly\r\n");
        List<NegotiatedStream> n = RecorderAnswer.negotiate(both, opus);
        assertThat(n.get(0).telephoneEvent().payloadType()).isEqualTo(110); // 48 kHz, as Opus
        assertThat(n.get(1).telephoneEvent().payloadType()).isEqualTo(110); // none at 8 kHz: the first offered
    }

    @Test
    void rtcpMuxIsAcceptedWhenOffered() throws Exception {
        SessionDescription muxed = SessionDescription.parse("v=0\r\nc=IN IP4 h\r\n"
                + "m=audio 1000 RTP/AVP 0\r\na=rtcp-mux\r\na=sendonly\r\nm=audio 1002 RTP/AVP 0\r\na=sendonly\r\n");
        SessionDescription answer = SessionDescription.parse(RecorderAnswer.answer(muxed,
                RecorderAnswer.negotiate(muxed, G711), new int[] {40000, 40002}, "127.0.0.1", 1, 1).format());
        assertThat(answer.media().get(0).attributeValue("rtcp-mux")).isEqualTo("");
        assertThat(answer.media().get(1).attributeValue("rtcp-mux")).isNull();
    }

    @Test
    void directionsFollowRfc3264ForAReceiveOnlyParty() {
        assertThat(RecorderAnswer.answerDirection(Direction.SENDONLY)).isEqualTo(Direction.RECVONLY);
        assertThat(RecorderAnswer.answerDirection(Direction.SENDRECV)).isEqualTo(Direction.RECVONLY);
        assertThat(RecorderAnswer.answerDirection(Direction.INACTIVE)).isEqualTo(Direction.INACTIVE);
        assertThat(RecorderAnswer.answerDirection(Direction.RECVONLY)).isEqualTo(Direction.INACTIVE);
    }

    @Test
    void noDirectionMeansSendrecvAndSessionLevelDirectionApplies() throws Exception {
        SessionDescription sd = SessionDescription.parse("v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
                + "a=sendonly\nm=audio 1000 RTP/AVP 0\nm=audio 1002 RTP/AVP 0\na=recvonly\n");
        assertThat(sd.effectiveDirection(sd.media().get(0))).isEqualTo(Direction.SENDONLY);
        assertThat(sd.effectiveDirection(sd.media().get(1))).isEqualTo(Direction.RECVONLY);
        SessionDescription none = SessionDescription.parse("v=0\nm=audio 1000 RTP/AVP 0\n");
        assertThat(none.effectiveDirection(none.media().get(0))).isEqualTo(Direction.SENDRECV);
    }

    @Test
    void unknownCodecsSecureProfilesAndDisabledStreamsAreNotAccepted() throws Exception {
        SessionDescription sd = SessionDescription.parse("v=0\r\nc=IN IP4 h\r\n"
                + "m=audio 1000 RTP/AVP 96 97\r\na=rtpmap:96 AMR/8000\r\na=rtpmap:97 iLBC/8000\r\n"
                + "m=audio 1002 RTP/SAVP 0\r\n"
                + "m=audio 0 RTP/AVP 0\r\n");
        assertThat(RecorderAnswer.negotiate(sd, G711)).noneMatch(NegotiatedStream::accepted);
    }

    @Test
    void malformedSdpSaysWhatIsWrong() {
        assertThatThrownBy(() -> SessionDescription.parse("hello")).hasMessageContaining("not of the form");
        assertThatThrownBy(() -> SessionDescription.parse("o=- 1 1 IN IP4 h\r\n")).hasMessageContaining("v=0");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=audio x RTP/AVP 0\r\n"))
                .hasMessageContaining("malformed port in m= line 2");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=audio 1000\r\n"))
                .hasMessageContaining("malformed m= line 2");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nc=IN IP9 h\r\n")).hasMessageContaining("c= line");
        assertThatThrownBy(() -> SessionDescription.parse("")).hasMessageContaining("empty SDP");
    }

    @Test
    void toleratesBogusAttributesAndHoldAddress() throws Exception {
        SessionDescription sd = SessionDescription.parse("v=0\nc=IN IP4 0.0.0.0\nm=audio 1000 RTP/AVP 0\na=3gOoBTC\n"
                + "a=label:a_leg\n");
        assertThat(sd.connection().isHold()).isTrue();
        assertThat(sd.media().get(0).label()).isEqualTo("a_leg");
    }

    static final RecorderAnswer.CodecSupport WITH_G729 =
            f -> Set.of("PCMU", "PCMA", "G729").contains(f.encoding().toUpperCase());

    @Test
    void g729AnswerKeepsTheOfferedAnnexB() throws Exception {
        for (String[] c : new String[][] {{"a=fmtp:18 annexb=no\r\n", "annexb=no"},
            {"a=fmtp:18 annexb=yes\r\n", "annexb=yes"}, {"a=fmtp:18 AnnexB = No\r\n", "annexb=no"},
            {"", null}}) {
            String sdp = CISCO_OFFER.replace("a=rtpmap:18 G729/8000\r\n", "a=rtpmap:18 G729/8000\r\n" + c[0]);
            SessionDescription offer = SessionDescription.parse(sdp);
            List<NegotiatedStream> n = RecorderAnswer.negotiate(offer, WITH_G729);
            assertThat(n.get(0).codec().encoding()).isEqualTo("G729"); // the SRC's first choice
            SessionDescription answer = RecorderAnswer.answer(offer, n, new int[] {4000, 4002, 4004}, "127.0.0.1", 1, 1);
            MediaDescription m = answer.media().get(0);
            assertThat(m.fmtp(18)).as("offer %s", c[0]).isEqualTo(c[1]);
            assertThat(m.formats()).startsWith("18");
        }
    }

    /** RFC 7587 §6.1: opus/48000/2 answered with our receiver parameters; stereo and DTX as the sender offers. */
    @Test
    void opusAnswerStatesReceiverParameters() throws Exception {
        RecorderAnswer.CodecSupport withOpus = f -> f.encoding().equalsIgnoreCase("opus") && f.clockRate() == 48000
                && f.channels() == 2;
        for (String[] c : new String[][] {
            {"a=fmtp:111 minptime=10;useinbandfec=1;sprop-stereo=1;usedtx=1\r\n",
                "maxplaybackrate=48000;stereo=1;useinbandfec=1;usedtx=1"},
            {"a=fmtp:111 sprop-stereo=0\r\n", "maxplaybackrate=48000;stereo=0;useinbandfec=1"},
            {"", "maxplaybackrate=48000;stereo=0;useinbandfec=1"}}) {
            String sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                    + "m=audio 5000 RTP/AVP 111 0 101\r\na=rtpmap:111 opus/48000/2\r\n" + c[0]
                    + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/48000\r\na=sendonly\r\n";
            SessionDescription offer = SessionDescription.parse(sdp);
            List<NegotiatedStream> n = RecorderAnswer.negotiate(offer, withOpus);
            assertThat(n.get(0).codec().encoding()).isEqualTo("opus");
            SessionDescription answer = RecorderAnswer.answer(offer, n, new int[] {4000}, "127.0.0.1", 1, 1);
            MediaDescription m = answer.media().get(0);
            assertThat(m.fmtp(111)).as("offer %s", c[0]).isEqualTo(c[1]);
            assertThat(m.formats()).containsExactly("111", "101");
            assertThat(answer.toString()).contains("a=rtpmap:111 opus/48000/2");
        }
    }
}
