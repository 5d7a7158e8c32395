package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipRequest;
import java.nio.charset.StandardCharsets;

/** Detection rules on the request shapes of vendor-notes.md, without a server. */
class RecordingDetectionTest {

    static SipRequest invite(String headers) throws Exception {
        byte[] b = ("INVITE sip:srs@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
                + "To: <sip:srs@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        return (SipRequest) SipMessageParser.parseDatagram(b, 0, b.length);
    }

    static boolean liberal(String headers, boolean metadata) throws Exception {
        return RecordingSessionManager.isRecordingSession(invite(headers),
                new InviteBody(new byte[0], metadata ? new byte[1] : null), SiprecServer.Detection.LIBERAL);
    }

    static boolean strict(String headers) throws Exception {
        return RecordingSessionManager.isRecordingSession(invite(headers), new InviteBody(new byte[0], null),
                SiprecServer.Detection.STRICT);
    }

    @org.junit.jupiter.api.Test
    void rfc7866AndVendorShapes() throws Exception {
        // RFC 7866 (Cisco, Oracle, Metaswitch)
        assertThat(strict("Require: siprec\r\nContact: <sip:src@h>;+sip.src\r\n")).isTrue();
        assertThat(strict("Contact: <sip:src@h>;+sip.src\r\n")).isFalse();
        assertThat(strict("Require: siprec\r\nContact: <sip:src@h>;src\r\n")).isFalse();
        // BroadWorks: ;src, no Require; Avaya: the tag inside the URI; OpenSIPS 2.4: nothing but metadata
        assertThat(liberal("Contact: <sip:src@h>;src\r\n", false)).isTrue();
        assertThat(liberal("Require: siprec\r\nContact: <sip:10.0.0.1:5060;transport=tcp;+sip.src>\r\n", false))
                .isTrue();
        assertThat(liberal("Contact: <sip:10.0.0.1:5060;transport=tcp;+sip.src>\r\n", false)).isTrue();
        assertThat(liberal("Contact: <sip:src@h>\r\n", true)).isTrue();
        assertThat(liberal("Contact: <sip:src@h>\r\nSupported: timer, siprec\r\n", false)).isTrue();
        assertThat(liberal("Contact: <sip:alice@h>\r\n", false)).isFalse();
    }
}
