package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.message.SipResponse;
import org.junit.jupiter.api.Test;

/** Issue 15, item 2: every limit answers 503 with Retry-After and a reason, before any port is taken. */
class AdmissionTest extends ServerTest {

    SipResponse invite(String... labels) throws Exception {
        try (TestSrc src = new TestSrc(sipAddress(), false)) {
            SipResponse r = src.recordingInvite(labels);
            if (r.statusCode() == 200) {
                src.ack();
                src.bye();
            }
            return r;
        }
    }

    static void assert503(SipResponse r, String reason) {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.reasonPhrase()).contains(reason);
        assertThat(r.header("Retry-After")).isNotNull();
    }

    @Test
    void newSessionsPerSecondAreLimited() throws Exception {
        start(SiprecServer.builder().maxSessionRate(2));
        assertThat(invite("1", "2").statusCode()).isEqualTo(200);
        assertThat(invite("1", "2").statusCode()).isEqualTo(200);
        SipResponse third = invite("1", "2");
        assert503(third, "Too many new recording sessions per second");
        assertThat(third.header("Retry-After")).isEqualTo("1");
        Thread.sleep(1100); // the budget refills
        assertThat(invite("1", "2").statusCode()).isEqualTo(200);
    }

    @Test
    void streamsPerSessionAreLimitedBeforeAnyPortIsTaken() throws Exception {
        start(SiprecServer.builder());
        String[] seventeen = new String[17];
        for (int i = 0; i < seventeen.length; i++) {
            seventeen[i] = Integer.toString(i + 1);
        }
        assert503(invite(seventeen), "Too many audio streams (17; at most 16)");
        assertThat(server.rtpPortsInUse()).isZero();
        assertThat(recorder.events).isEmpty();
        assertThat(invite(java.util.Arrays.copyOf(seventeen, 16)).statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentSessionsAreLimited() throws Exception {
        start(SiprecServer.builder().maxSessions(1));
        try (TestSrc first = new TestSrc(sipAddress(), false)) {
            assertThat(first.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            first.ack();
            assert503(invite("1", "2"), "Too many recording sessions");
            assertThat(first.bye().statusCode()).isEqualTo(200);
        }
        dev.siprec.testing.Await.until("the first session's end", java.time.Duration.ofSeconds(2),
                () -> server.activeSessions().isEmpty());
        assertThat(invite("1", "2").statusCode()).isEqualTo(200);
    }

    @Test
    void aServerShortOfMemoryRefusesNewSessions() throws Exception {
        // a headroom no heap has: whatever survived the last collection is too much
        start(SiprecServer.builder().memoryHeadroom(0.999999));
        System.gc();
        assert503(invite("1", "2"), "Low on memory");
        assertThat(server.rtpPortsInUse()).isZero();
    }
}
