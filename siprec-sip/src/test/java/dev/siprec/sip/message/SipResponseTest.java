package dev.siprec.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Responses made from requests (RFC 3261 §8.2.6.2, §12.1.1). */
class SipResponseTest {

    static SipRequest invite(String method) {
        SipRequest r = new SipRequest(method, "sip:srs@127.0.0.1:5071");
        r.addHeader("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-proxy");
        r.addHeader("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-sbc");
        r.addHeader("Record-Route", "<sip:127.0.0.1:5060;lr>");
        r.addHeader("Record-Route", "<sip:edge.example.net;lr;x=1>, <sip:10.9.9.9;lr>");
        r.addHeader("From", "<sip:sbc@example.com>;tag=a");
        r.addHeader("To", "<sip:srs@example.com>");
        r.addHeader("Call-ID", "c1");
        r.addHeader("CSeq", "1 " + method);
        return r;
    }

    @Test
    void aDialogCreatingResponseCopiesTheRecordRouteInOrder() {
        SipResponse ok = SipResponse.to(invite("INVITE"), 200, "OK", "t1");
        assertThat(ok.headers("Record-Route")).containsExactly("<sip:127.0.0.1:5060;lr>",
                "<sip:edge.example.net;lr;x=1>, <sip:10.9.9.9;lr>");
        assertThat(ok.headers("Via")).hasSize(2);
        assertThat(ok.to().tag()).isEqualTo("t1");
    }

    @Test
    void responsesThatMakeNoDialogCarryNoRecordRoute() {
        assertThat(SipResponse.to(invite("INVITE"), 100, "Trying", null).headers("Record-Route")).isEmpty();
        assertThat(SipResponse.to(invite("INVITE"), 503, "Draining", "t1").headers("Record-Route")).isEmpty();
        assertThat(SipResponse.to(invite("OPTIONS"), 200, "OK", "t1").headers("Record-Route")).isEmpty();
    }
}
