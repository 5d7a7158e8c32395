package dev.siprec.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code a=rtpmap} values (RFC 8866 §6.6) and their lookup by payload type in a media section. */
class RtpMapTest {

    @Test
    void parsesEncodingClockAndOptionalChannels() {
        assertThat(RtpMap.parse("0 PCMU/8000")).isEqualTo(new RtpMap(0, "PCMU", 8000, 1));
        assertThat(RtpMap.parse(" 111 opus/48000/2 ")).isEqualTo(new RtpMap(111, "opus", 48000, 2));
        assertThat(RtpMap.parse("101 telephone-event/8000/")).isEqualTo(new RtpMap(101, "telephone-event", 8000, 1));
        assertThat(RtpMap.parse("96 L16 / 16000 / 1")).isEqualTo(new RtpMap(96, "L16", 16000, 1));
    }

    @Test
    void malformedValuesAreNull() {
        assertThat(RtpMap.parse("PCMU/8000")).isNull(); // no payload type
        assertThat(RtpMap.parse("0 PCMU")).isNull(); // no clock
        assertThat(RtpMap.parse("0 /8000")).isNull(); // no encoding
        assertThat(RtpMap.parse("0 PCMU/fast")).isNull();
        assertThat(RtpMap.parse("x PCMU/8000")).isNull();
    }

    @Test
    void payloadTypePrefixIsMatchedWholeNumberOnly() {
        assertThat(RtpMap.isOf("101 telephone-event/8000", 101)).isTrue();
        assertThat(RtpMap.isOf("101 telephone-event/8000", 10)).isFalse();
        assertThat(RtpMap.isOf("10 x/8000", 101)).isFalse();
        assertThat(RtpMap.isOf("  8 PCMA/8000", 8)).isTrue();
        assertThat(RtpMap.isOf("8", 8)).isTrue();
        assertThat(RtpMap.isOf("PCMA/8000", 0)).isFalse();
    }

    @Test
    void aSectionFindsTheRtpmapOfItsPayloadTypeOrTheStaticAssignment() throws SdpParseException {
        SessionDescription sdp = SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96 9 101 0\r\n"
                + "a=rtpmap:96 opus/48000/2\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101 Telephone-Event/8000\r\n");
        MediaDescription m = sdp.media().get(0);
        assertThat(m.rtpMap(96)).isEqualTo(new RtpMap(96, "opus", 48000, 2));
        assertThat(m.rtpMap(9)).isEqualTo(new RtpMap(9, "G722", 8000, 1));
        assertThat(m.rtpMap(101).isTelephoneEvent()).isTrue();
        assertThat(m.rtpMap(0)).isEqualTo(RtpMap.staticType(0)); // no rtpmap line: the static type
        assertThat(m.rtpMap(97)).isNull();
    }
}
