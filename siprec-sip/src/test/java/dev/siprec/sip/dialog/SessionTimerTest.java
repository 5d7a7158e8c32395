package dev.siprec.sip.dialog;

import dev.siprec.sip.message.SipRequest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 4028 §9 negotiation on its own: what a UAS answers to an INVITE's or UPDATE's timer headers. */
class SessionTimerTest {

    static SipRequest invite(String... headers) {
        SipRequest r = new SipRequest("INVITE", "sip:srs@127.0.0.1");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void noTimerWithoutSessionExpiresOrSupport() {
        assertThat(SessionTimer.negotiate(invite(), 90)).isNull();
        assertThat(SessionTimer.acceptable(invite(), 90)).isTrue();
    }

    @Test
    void theSrcNamesTheRefresher() {
        assertThat(SessionTimer.negotiate(invite("Session-Expires", "1800;refresher=uas", "Supported", "timer"), 90))
                .isEqualTo(new SessionTimer.Negotiated(1800, true, true));
        assertThat(SessionTimer.negotiate(invite("Session-Expires", "600; Refresher=UAC", "Supported", "100rel, timer"),
                90)).isEqualTo(new SessionTimer.Negotiated(600, false, true));
    }

    @Test
    void withoutARefresherTheSrcRefreshesWhenItSupportsTimersAndWeDoWhenItCannot() {
        assertThat(SessionTimer.negotiate(invite("Session-Expires", "900", "Supported", "timer"), 90))
                .isEqualTo(new SessionTimer.Negotiated(900, false, true));
        // no Supported: timer: the SRC cannot refresh, so we do, and the 2xx carries no Require
        assertThat(SessionTimer.negotiate(invite("Session-Expires", "900"), 90))
                .isEqualTo(new SessionTimer.Negotiated(900, true, false));
        // Supported: timer without Session-Expires: 1800 s, or our minimum when larger
        assertThat(SessionTimer.negotiate(invite("Supported", "timer"), 90))
                .isEqualTo(new SessionTimer.Negotiated(1800, false, true));
        assertThat(SessionTimer.negotiate(invite("Require", "timer"), 3600).interval()).isEqualTo(3600);
    }

    @Test
    void anIntervalBelowOurMinimumIsRefusedAndTheSrcsMinSeRaisesIt() {
        assertThat(SessionTimer.acceptable(invite("Session-Expires", "60"), 90)).isFalse();
        assertThat(SessionTimer.acceptable(invite("Session-Expires", "90"), 90)).isTrue();
        assertThat(SessionTimer.negotiate(invite("Session-Expires", "100", "Min-SE", "120"), 90).interval())
                .isEqualTo(120);
    }

    @Test
    void malformedValuesCountAsAbsent() {
        assertThat(SessionTimer.sessionExpires(invite("Session-Expires", "soon;refresher=uas"))).isEqualTo(-1);
        assertThat(SessionTimer.sessionExpires(invite("Session-Expires", "-5"))).isEqualTo(-1);
        assertThat(SessionTimer.acceptable(invite("Session-Expires", "x"), 90)).isTrue();
        assertThat(SessionTimer.negotiate(invite("Session-Expires", "1800", "Min-SE", "junk"), 90).interval())
                .isEqualTo(1800);
    }
}
