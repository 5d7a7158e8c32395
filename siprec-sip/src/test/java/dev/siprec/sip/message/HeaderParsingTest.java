package dev.siprec.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The header grammar on its own (RFC 3261 §25.1, §20): lists, parameters, quoting, and the parsed headers. */
class HeaderParsingTest {

    static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        HeaderValues.splitCommas(value, out);
        return out;
    }

    @Test
    void listsSplitAtCommasOutsideQuotesAndAngleBrackets() {
        assertThat(split("INVITE, ACK ,BYE")).containsExactly("INVITE", "ACK", "BYE");
        assertThat(split("\"Doe, John\" <sip:j@x;a=1,2>;tag=9, <sip:k@y>"))
                .containsExactly("\"Doe, John\" <sip:j@x;a=1,2>;tag=9", "<sip:k@y>");
        assertThat(split("\"a \\\", b\" <sip:a@b>")).containsExactly("\"a \\\", b\" <sip:a@b>"); // escaped quote
        assertThat(split(" , ,timer,")).containsExactly("timer"); // empty elements dropped
    }

    @Test
    void parametersAreLowerCasedNamesWithUnquotedValuesAndFlags() {
        Map<String, String> p = HeaderValues.parameters(";Tag=AbC ; lr;x=\"a;b\\\"c\";refresher = uac;tag=second", 0);
        assertThat(p).containsExactly(Map.entry("tag", "AbC"), Map.entry("lr", ""), Map.entry("x", "a;b\"c"),
                Map.entry("refresher", "uac"));
        assertThat(HeaderValues.parameters(";x=\"unterminated;y=1", 0)) // taken to the end, as written
                .containsExactly(Map.entry("x", "\"unterminated;y=1"));
        assertThat(HeaderValues.firstParamSeparator("<sip:a@b;user=phone>;tag=1", 0)).isEqualTo(20);
        assertThat(HeaderValues.firstParamSeparator("\"x;y\" <sip:a>", 0)).isEqualTo(-1);
        assertThat(HeaderValues.unquote("  \"a\\\\b\"  ")).isEqualTo("a\\b");
        assertThat(HeaderValues.unquote("plain ")).isEqualTo("plain");
    }

    @Test
    void nameAddressesWithAndWithoutBrackets() {
        NameAddress a = NameAddress.parse("\"Agent <7>\" <sip:agent@example.com;transport=tcp>;tag=a1;+sip.src");
        assertThat(a.displayName()).isEqualTo("Agent <7>");
        assertThat(a.uri()).isEqualTo("sip:agent@example.com;transport=tcp"); // URI parameters stay in the URI
        assertThat(a.tag()).isEqualTo("a1");
        assertThat(a.hasParam("+sip.src")).isTrue();
        NameAddress bare = NameAddress.parse("sip:src@10.0.0.1;tag=77");
        assertThat(bare.uri()).isEqualTo("sip:src@10.0.0.1");
        assertThat(bare.tag()).isEqualTo("77");
        assertThat(NameAddress.parse("<sip:x@y").uri()).isEqualTo("sip:x@y"); // tolerant of a missing '>'
    }

    @Test
    void viaGivesTransportSentByAndBranch() {
        Via v = Via.parse("SIP/2.0/udp [2001:db8::1]:5062 ;branch=z9hG4bK-77;rport;received=192.0.2.1");
        assertThat(v).isNotNull();
        assertThat(v.transport()).isEqualTo("UDP");
        assertThat(v.host()).isEqualTo("2001:db8::1");
        assertThat(v.port()).isEqualTo(5062);
        assertThat(v.branch()).isEqualTo("z9hG4bK-77");
        assertThat(v.params()).containsKeys("rport", "received");
        assertThat(Via.parse("SIP/2.0 host")).isNull();
        assertThat(Via.parse("SIP/2.0/TCP ")).isNull();
    }

    @Test
    void cseqIsA32BitNumberAndOneMethod() {
        assertThat(CSeq.parse(" 4711  INVITE ")).isEqualTo(new CSeq(4711, "INVITE"));
        assertThat(CSeq.parse("4294967295 BYE")).isEqualTo(new CSeq(4294967295L, "BYE"));
        assertThat(CSeq.parse("4294967296 BYE")).isNull();
        assertThat(CSeq.parse("-1 BYE")).isNull();
        assertThat(CSeq.parse("1 INVITE ACK")).isNull();
        assertThat(CSeq.parse("INVITE")).isNull();
        assertThat(CSeq.parse("x1 INVITE")).isNull();
    }

    @Test
    void headerNamesAreCanonicalWhateverTheirSpelling() {
        assertThat(SipHeaders.canonical("call-ID")).isSameAs(SipHeaders.CALL_ID);
        assertThat(SipHeaders.canonical("i")).isSameAs(SipHeaders.CALL_ID);
        assertThat(SipHeaders.canonical(new String("Call-ID"))).isSameAs(SipHeaders.CALL_ID);
        assertThat(SipHeaders.canonical("X-Vendor")).isEqualTo("X-Vendor");
        SipMessage m = new SipRequest("OPTIONS", "sip:a@b");
        m.addHeader("x-vendor", "1").addHeader("v", "SIP/2.0/UDP h;branch=z9hG4bK1").addHeader("X-VENDOR", "2");
        assertThat(m.headers("X-Vendor")).containsExactly("1", "2"); // unknown names match ignoring case
        assertThat(m.header("via")).isEqualTo("SIP/2.0/UDP h;branch=z9hG4bK1");
        m.setHeader("x-Vendor", "3");
        assertThat(m.headers("x-vendor")).containsExactly("3");
    }
}
