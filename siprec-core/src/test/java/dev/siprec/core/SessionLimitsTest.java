package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.message.SipRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 15, item 3: sessions whose SRC vanished, or that last too long, end with a reason and a BYE. */
class SessionLimitsTest extends ServerTest {

    TestSrc src() throws Exception {
        return new TestSrc(sipAddress(), false);
    }

    /** The SRS's BYE reaches the SRC, which answers it. */
    static void answerBye(TestSrc src) throws Exception {
        src.udp.setSoTimeout(5000);
        SipRequest bye = src.receiveRequest();
        assertThat(bye.method()).isEqualTo("BYE");
        src.respond(bye, 200, "OK");
    }

    @Test
    void anSrcThatVanishesIsEndedByTheMediaTimeout() throws Exception {
        start(SiprecServer.builder().mediaTimeout(Duration.ofMillis(1000), Duration.ofSeconds(30)));
        try (TestSrc src = src()) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            src.streamTones(10, 440, 1000); // then nothing: no BYE, no RTP, no RTCP
            long silentFrom = System.nanoTime();
            answerBye(src);
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentFrom);
            assertThat(after).as("ms of silence before the BYE").isBetween(900L, 3000L);
        }
        RecordingSession s = recorder.last();
        assertThat(s.ended().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.MEDIA_TIMEOUT);
        assertThat(server.rtpPortsInUse()).isZero();
    }

    @Test
    void aSessionOnHoldHasTheLongerLimit() throws Exception {
        start(SiprecServer.builder().mediaTimeout(Duration.ofMillis(500), Duration.ofMillis(2500)));
        try (TestSrc src = src()) {
            String held = TestSrc.offer("1", "2").replace("a=sendonly", "a=inactive");
            assertThat(src.invite("multipart/mixed;boundary=boundary42", TestSrc.multipart(held, TestSrc.METADATA))
                    .statusCode()).isEqualTo(200);
            src.ack();
            long from = System.nanoTime();
            Thread.sleep(1500); // three times the media timeout: on hold, still there
            assertThat(server.activeSessions()).hasSize(1);
            answerBye(src);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from)).isBetween(2400L, 5000L);
        }
        assertThat(recorder.last().ended().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.MEDIA_TIMEOUT);
    }

    @Test
    void aSessionEndsAtItsMaximumDuration() throws Exception {
        start(SiprecServer.builder().maxSessionDuration(Duration.ofMillis(800)));
        try (TestSrc src = src()) {
            assertThat(src.recordingInvite("1", "2").statusCode()).isEqualTo(200);
            src.ack();
            long from = System.nanoTime();
            Thread t = new Thread(() -> {
                try {
                    src.streamTones(75, 440, 1000); // 1.5 s: media keeps coming
                } catch (java.io.IOException e) {
                    // the test ends the sockets
                }
            });
            t.start();
            answerBye(src);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from)).isBetween(700L, 1600L);
            t.join();
        }
        assertThat(recorder.last().ended().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.MAX_DURATION);
    }
}
