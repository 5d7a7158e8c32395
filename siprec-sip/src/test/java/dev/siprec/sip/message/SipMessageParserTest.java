package dev.siprec.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipMessageParserTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static SipMessage datagram(String s) throws SipParseException {
        byte[] b = bytes(s);
        return SipMessageParser.parseDatagram(b, 0, b.length);
    }

    static final String OPTIONS = "OPTIONS sip:srs@10.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-1\r\n"
            + "From: <sip:src@10.0.0.2>;tag=abc\r\n"
            + "To: <sip:srs@10.0.0.1>\r\n"
            + "Call-ID: opt-1@10.0.0.2\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Max-Forwards: 70\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    void readsARequestWithMandatoryHeaders() throws Exception {
        SipRequest r = (SipRequest) datagram(OPTIONS);
        assertThat(r.method()).isEqualTo("OPTIONS");
        assertThat(r.requestUri()).isEqualTo("sip:srs@10.0.0.1:5060");
        assertThat(r.requestUriHost()).isEqualTo("10.0.0.1");
        assertThat(r.callId()).isEqualTo("opt-1@10.0.0.2");
        assertThat(r.cseq()).isEqualTo(new CSeq(1, "OPTIONS"));
        assertThat(r.topVia().branch()).isEqualTo("z9hG4bK-1");
        assertThat(r.topVia().sentBy()).isEqualTo("10.0.0.2:5060");
        assertThat(r.from().tag()).isEqualTo("abc");
        assertThat(r.to().tag()).isNull();
        assertThat(r.body()).isEmpty();
    }

    @Test
    void expandsCompactFormsAndMatchesNamesCaseInsensitively() throws Exception {
        SipRequest r = (SipRequest) datagram("INVITE sip:srs@h SIP/2.0\r\n"
                + "v: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKx\r\n"
                + "f: \"Acme, Inc\" <sip:acmeSrc@192.0.2.1>;tag=1\r\n"
                + "t: sip:srs@h\r\n"
                + "i: compact@h\r\n"
                + "CSEQ: 7 INVITE\r\n"
                + "m: <sip:acmeSrc@192.0.2.1:5060;transport=tcp>;+sip.src\r\n"
                + "k: siprec, timer\r\n"
                + "c: application/sdp\r\n"
                + "l: 4\r\n\r\nv=0\n");
        assertThat(r.header("Via")).startsWith("SIP/2.0/TCP");
        assertThat(r.header("call-id")).isEqualTo("compact@h");
        assertThat(r.cseq().number()).isEqualTo(7);
        assertThat(r.from().displayName()).isEqualTo("Acme, Inc");
        assertThat(r.to().uri()).isEqualTo("sip:srs@h");
        assertThat(NameAddress.parse(r.header("Contact")).hasParam("+sip.src")).isTrue();
        assertThat(r.hasOptionTag("Supported", "siprec")).isTrue();
        assertThat(r.contentType().is("application/sdp")).isTrue();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("v=0\n");
    }

    @Test
    void toleratesBareLfFoldingAndSpacesBeforeTheColon() throws Exception {
        SipRequest r = (SipRequest) datagram("OPTIONS sip:srs@h SIP/2.0\n"
                + "Via : SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2\n"
                + "From:<sip:a@b>;tag=t\n"
                + "To: <sip:srs@h>\n"
                + "Subject: first part\n"
                + "  second part\n"
                + "\tthird part\n"
                + "Call-ID: lf@h\n"
                + "CSeq: 2 OPTIONS\n\n");
        assertThat(r.header("Subject")).isEqualTo("first part second part third part");
        assertThat(r.topVia().port()).isEqualTo(-1);
        assertThat(r.topVia().sentBy()).isEqualTo("10.0.0.2:5060");
    }

    @Test
    void splitsMultiValueHeadersButNotInsideQuotesOrBrackets() throws Exception {
        SipRequest r = (SipRequest) datagram("OPTIONS sip:srs@h SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-a;rport, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-b\r\n"
                + "Via: SIP/2.0/TCP proxy.example.com:5061;branch=z9hG4bK-c;received=192.0.2.7\r\n"
                + "From: \"Doe, John\" <sip:john@h>;tag=1\r\n"
                + "To: <sip:srs@h>\r\n"
                + "Contact: \"A, B\" <sip:a@h;x=1,2>, <sip:b@h>\r\n"
                + "Call-ID: multi@h\r\nCSeq: 1 OPTIONS\r\n\r\n");
        assertThat(r.headerElements("Via")).hasSize(3);
        Via top = r.topVia();
        assertThat(top.host()).isEqualTo("2001:db8::1");
        assertThat(top.port()).isEqualTo(5070);
        assertThat(top.params()).containsEntry("rport", "").containsEntry("branch", "z9hG4bK-a");
        assertThat(Via.parse(r.headerElements("Via").get(2)).params()).containsEntry("received", "192.0.2.7");
        assertThat(r.headerElements("Contact")).containsExactly("\"A, B\" <sip:a@h;x=1,2>", "<sip:b@h>");
        assertThat(r.from().displayName()).isEqualTo("Doe, John");
    }

    @Test
    void datagramBodyIsCutToContentLengthAndMissingLengthTakesTheRest() throws Exception {
        String head = OPTIONS.replace("Content-Length: 0", "Content-Length: 3");
        assertThat(datagram(head + "abcdef").body()).containsExactly('a', 'b', 'c');
        String noLength = OPTIONS.replace("Content-Length: 0\r\n", "");
        assertThat(datagram(noLength + "xyz").body()).containsExactly('x', 'y', 'z');
    }

    @Test
    void contentLengthBeyondTheDatagramIsA400WithTheRequestToAnswer() {
        String bad = OPTIONS.replace("Content-Length: 0", "Content-Length: 99999999") + "short body";
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> datagram(bad));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.reason()).contains("Content-Length 99999999 exceeds");
        assertThat(e.partialRequest()).isNotNull();
        assertThat(e.partialRequest().callId()).isEqualTo("opt-1@10.0.0.2");
    }

    @Test
    void eachMalformedRequestGetsAReasonThatSaysWhatIsWrong() {
        assertReason(OPTIONS.replace("Call-ID: opt-1@10.0.0.2\r\n", ""), 400, "Missing Call-ID header", false);
        assertReason(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"), 400,
                "CSeq method INVITE does not match request method OPTIONS", true);
        assertReason(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: x OPTIONS"), 400, "Malformed CSeq header", false);
        // RFC 3261 §8.1.1.5: below 2^31 (2^31 itself would let a dialog's next request wrap)
        assertReason(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: 2147483648 OPTIONS"), 400,
                "CSeq number must be less than 2^31", false);
        assertThat(catchThrowableOfType(SipParseException.class,
                () -> datagram(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: 2147483647 OPTIONS")))).isNull();
        assertReason(OPTIONS.replace("Content-Length: 0", "Content-Length: ten"), 400, "Malformed Content-Length",
                true);
        assertReason(OPTIONS.replace("Max-Forwards: 70", "Max-Forwards: many"), 400, "Malformed Max-Forwards", true);
        assertReason(OPTIONS.replace("SIP/2.0\r\nVia", "SIP/3.0\r\nVia"), 505, "Version Not Supported: SIP/3.0", true);
        assertReason(OPTIONS.replace("Max-Forwards: 70", "this line has no colon"), 400,
                "Malformed header line: this line has no colon", true);
    }

    private static void assertReason(String message, int code, String reason, boolean answerable) {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> datagram(message));
        assertThat(e).as("parse of %s", message).isNotNull();
        assertThat(e.statusCode()).isEqualTo(code);
        assertThat(e.reason()).isEqualTo(reason);
        if (answerable) {
            assertThat(e.partialRequest()).isNotNull();
        }
    }

    @Test
    void garbageAndHeaderlessRequestsCannotBeAnswered() {
        SipParseException junk = catchThrowableOfType(SipParseException.class,
                () -> SipMessageParser.parseDatagram(new byte[] {1, 2, 3, (byte) 0xff, 0, 10}, 0, 6));
        assertThat(junk.partialRequest()).isNull();
        SipParseException bare = catchThrowableOfType(SipParseException.class,
                () -> datagram("INVITE sip:srs@h SIP/2.0\r\nCall-ID: x\r\n\r\n"));
        assertThat(bare.partialRequest()).isNull();
        assertThatThrownBy(() -> datagram("\r\n\r\n")).isInstanceOf(SipParseException.class);
    }

    @Test
    void readsResponses() throws Exception {
        SipResponse r = (SipResponse) datagram("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                + "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n");
        assertThat(r.statusCode()).isEqualTo(180);
        assertThat(r.reasonPhrase()).isEqualTo("Ringing");
    }

    @Test
    void writesWhatItReadsWithAContentLengthFromTheBody() throws Exception {
        SipRequest r = (SipRequest) datagram(OPTIONS);
        SipResponse resp = SipResponse.to(r, 200, "OK", "mytag");
        resp.setBody("application/sdp", bytes("v=0\r\n"));
        SipResponse back = (SipResponse) datagram(new String(resp.encode(), StandardCharsets.UTF_8));
        assertThat(back.to().tag()).isEqualTo("mytag");
        assertThat(back.header("Content-Length")).isEqualTo("5");
        assertThat(back.headers("Via")).isEqualTo(r.headers("Via"));
        assertThat(back.cseq()).isEqualTo(r.cseq());
    }
}
