package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.message.SipResponse;
import dev.siprec.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 20: server metrics, OPTIONS as a health probe, graceful drain, and the MDC of a session's log lines. */
class OperationsTest extends ServerTest {

    static SipResponse options(TestSrc src, int seq) throws Exception {
        src.send(src.request("OPTIONS", seq, "z9hG4bK-opt-" + seq, null, null));
        return src.receiveFinal("OPTIONS");
    }

    @Test
    void metricsCountSessionsSipAndRtpAcrossCallsOneAfterAnother() throws Exception {
        start(SiprecServer.builder());
        ServerMetrics m = server.metrics();
        assertThat(m.sessionsStarted()).isZero();
        for (int call = 1; call <= 3; call++) {
            try (TestSrc src = new TestSrc(sipAddress(), false)) {
                assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
                src.ack();
                Await.until("the session's start", Duration.ofSeconds(2), () -> m.sessionsActive() == 1);
                src.streamTones(25, 440, 1000); // 0.5 s on both streams
                Await.until("the packets counted live", Duration.ofSeconds(2),
                        () -> m.rtp().packetsReceived() >= 50L * (m.sessionsStarted()));
                assertThat(src.bye().statusCode()).isEqualTo(200);
            }
            int done = call;
            Await.until("the session's end", Duration.ofSeconds(3),
                    () -> m.sessionsEnded(EndReason.BYE) == done && m.sessionsActive() == 0);
        }
        assertThat(m.sessionsStarted()).isEqualTo(3);
        assertThat(m.sessionsActive()).isZero();
        StreamStats rtp = m.rtp();
        assertThat(rtp.packetsReceived()).isEqualTo(3 * 2 * 25); // each stream once, ended sessions kept
        assertThat(rtp.packetsLost()).isZero();
        assertThat(m.delivery().framesDelivered()).isPositive();
        assertThat(m.delivery().framesDropped()).isZero();
        assertThat(m.sipRequests()).containsEntry("INVITE", 3L).containsEntry("ACK", 3L).containsEntry("BYE", 3L);
        assertThat(m.sipResponses()).containsEntry(200, 6L); // INVITE and BYE (100 Trying is counted apart)
        assertThat(m.sipResponses()).containsKey(100);
        assertThat(m.rtpPortsInUse()).isZero();
        assertThat(m.rtpPorts()).isEqualTo(500);
        assertThat(m.sessionsRefused()).isZero();
    }

    @Test
    void optionsReportsTheLoadAndA503WhenNoSessionCanBeTaken() throws Exception {
        start(SiprecServer.builder().maxSessions(1));
        try (TestSrc probe = new TestSrc(sipAddress(), false); TestSrc call = new TestSrc(sipAddress(), false)) {
            SipResponse idle = options(probe, 1);
            assertThat(idle.statusCode()).isEqualTo(200);
            assertThat(idle.header("X-Siprec-Load")).isEqualTo("sessions=0;max=1;rtp-ports-free=500");
            assertThat(call.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            call.ack();
            SipResponse full = options(probe, 2);
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.reasonPhrase()).isEqualTo("Too many recording sessions");
            assertThat(full.header("Retry-After")).isNotNull();
            assertThat(full.header("X-Siprec-Load")).startsWith("sessions=1;max=1;");
            assertThat(call.bye().statusCode()).isEqualTo(200);
            Await.until("the session's end", Duration.ofSeconds(3), () -> server.activeSessions().isEmpty());
            assertThat(options(probe, 3).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void drainRefusesNewSessionsLetsCurrentOnesFinishThenCloses() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc current = new TestSrc(sipAddress(), false); TestSrc late = new TestSrc(sipAddress(), false);
             TestSrc probe = new TestSrc(sipAddress(), false)) {
            assertThat(current.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            current.ack();
            RecordingSession session = recorder.last();
            CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(30));
            assertThat(server.draining()).isTrue();
            assertThat(server.drain(Duration.ofSeconds(1))).isSameAs(drained);

            SipResponse refused = late.recordingInvite("1", "2");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.reasonPhrase()).isEqualTo("Draining: not taking new sessions");
            assertThat(refused.header("Retry-After")).isNotNull();
            SipResponse health = options(probe, 5);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.reasonPhrase()).isEqualTo("Draining: not taking new sessions");
            assertThat(server.metrics().sessionsRefused()).isEqualTo(1);

            // the current session goes on: its audio is recorded, the drain waits for it
            current.streamTones(25, 440, 1000);
            assertThat(drained).isNotDone();
            assertThat(current.bye().statusCode()).isEqualTo(200);
            drained.get(5, TimeUnit.SECONDS);
            assertThat(session.endReason()).isEqualTo(EndReason.BYE);
            assertThat(session.stats(0).packetsReceived()).isEqualTo(25);
            assertThat(recorder.events).contains("ended " + session.sipCallId() + " BYE");
        }
    }

    @Test
    void aDrainThatTimesOutEndsTheRestAsAShutdown() throws Exception {
        start(SiprecServer.builder());
        try (TestSrc src = new TestSrc(sipAddress(), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            RecordingSession session = recorder.last();
            server.drain(Duration.ofMillis(300)).get(15, TimeUnit.SECONDS);
            assertThat(session.endReason()).isEqualTo(EndReason.SERVER_SHUTDOWN);
            assertThat(src.receiveRequest().method()).isEqualTo("BYE"); // we ended it: RFC 3261 §15.1.1
        }
    }

    @Test
    void listenerCallbacksLogWithTheCallIdAndSessionIdInTheMdc() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        RecordingListener mdcReader = new RecordingListener() {
            @Override
            public void onSessionStarted(RecordingSession session) {
                seen.add("started " + org.slf4j.MDC.get("siprec.callId") + " " + org.slf4j.MDC.get("siprec.sessionId"));
            }

            @Override
            public void onAudio(RecordingSession session, AudioFrame frame) {
            }

            @Override
            public void onSessionEnded(RecordingSession session, EndReason reason) {
                seen.add("ended " + org.slf4j.MDC.get("siprec.callId") + " " + org.slf4j.MDC.get("siprec.sessionId"));
            }
        };
        server = SiprecServer.builder().sip(Transport.UDP,
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
                .rtpPortRange(42000, 42999).listener(mdcReader).start();
        String callId;
        try (TestSrc src = new TestSrc(sipAddress(), false)) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            callId = src.callId;
            assertThat(src.bye().statusCode()).isEqualTo(200);
        }
        Await.until("both callbacks", Duration.ofSeconds(3), () -> seen.size() == 2);
        String id = server.metrics().sessionsStarted() == 1 ? seen.get(0).split(" ")[2] : null;
        assertThat(id).isNotEqualTo("null").hasSize(36); // a UUID
        assertThat(seen).containsExactly("started " + callId + " " + id, "ended " + callId + " " + id);
        assertThat(org.slf4j.MDC.get("siprec.callId")).isNull(); // taken out again
    }
}
