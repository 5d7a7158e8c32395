package dev.siprec.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.core.AudioFrame;
import dev.siprec.core.EndReason;
import dev.siprec.core.RecordingListener;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.SiprecServer;
import dev.siprec.core.Transport;
import dev.siprec.testing.Await;
import dev.siprec.testing.UdpSrc;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters after real calls through a recorder: two calls one after the other, an OPTIONS probe, a drain. */
class SiprecMetricsTest {

    static double counter(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).functionCounter().count();
    }

    static double gauge(MeterRegistry r, String name) {
        return r.get(name).gauge().value();
    }

    @Test
    void metersFollowCallsProbesAndTheDrain() throws Exception {
        SiprecServer server = SiprecServer.builder()
                .sip(Transport.UDP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rtpPortRange(43000, 43099).listener(new RecordingListener() {
                    @Override
                    public void onAudio(RecordingSession session, AudioFrame frame) {
                    }

                    @Override
                    public void onSessionEnded(RecordingSession session, EndReason reason) {
                    }
                }).start();
        try {
            MeterRegistry registry = new SimpleMeterRegistry();
            new SiprecMetrics(server).bindTo(registry);
            InetSocketAddress sip = server.sipAddresses(Transport.UDP).get(0);
            assertThat(gauge(registry, "siprec.rtp.ports")).isEqualTo(50);
            for (int call = 1; call <= 2; call++) {
                try (UdpSrc src = new UdpSrc(sip)) {
                    assertThat(UdpSrc.status(src.invite())).isEqualTo(200);
                    Await.until("the session", Duration.ofSeconds(2),
                            () -> gauge(registry, "siprec.sessions.active") == 1);
                    assertThat(gauge(registry, "siprec.rtp.ports.used")).isEqualTo(2);
                    src.streamTones(25, 440, 1000);
                    assertThat(src.bye()).isEqualTo(200);
                }
            }
            Await.until("both ends", Duration.ofSeconds(3),
                    () -> counter(registry, "siprec.sessions.ended", "reason", "bye") == 2);
            Thread.sleep(SiprecMetrics.SNAPSHOT_MILLIS + 50); // past the snapshot of the RTP totals
            assertThat(gauge(registry, "siprec.sessions.active")).isZero();
            assertThat(counter(registry, "siprec.sessions.started")).isEqualTo(2);
            assertThat(counter(registry, "siprec.sip.requests", "method", "INVITE")).isEqualTo(2);
            assertThat(counter(registry, "siprec.sip.requests", "method", "ACK")).isEqualTo(2);
            assertThat(counter(registry, "siprec.sip.requests", "method", "BYE")).isEqualTo(2);
            assertThat(counter(registry, "siprec.sip.responses", "status", "200")).isEqualTo(4);
            assertThat(counter(registry, "siprec.rtp.packets", "result", "received")).isEqualTo(2 * 2 * 25);
            assertThat(counter(registry, "siprec.rtp.packets", "result", "lost")).isZero();
            assertThat(counter(registry, "siprec.frames", "result", "delivered")).isPositive();
            assertThat(counter(registry, "siprec.frames", "result", "dropped")).isZero();
            FunctionTimer latency = registry.get("siprec.delivery.latency").functionTimer();
            assertThat(latency.count()).isPositive();
            assertThat(latency.mean(TimeUnit.MILLISECONDS)).isBetween(1.0, 2000.0);
            assertThat(gauge(registry, "siprec.rtp.ports.used")).isZero();

            try (UdpSrc probe = new UdpSrc(sip)) {
                assertThat(UdpSrc.status(probe.options())).isEqualTo(200);
                server.drain(Duration.ofSeconds(5));
                assertThat(gauge(registry, "siprec.draining")).isEqualTo(1);
                assertThat(counter(registry, "siprec.sip.requests", "method", "OPTIONS")).isEqualTo(1);
            }
        } finally {
            server.close();
        }
    }
}
