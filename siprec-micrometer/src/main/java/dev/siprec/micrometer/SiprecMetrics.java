package dev.siprec.micrometer;

import dev.siprec.core.DeliveryStats;
import dev.siprec.core.EndReason;
import dev.siprec.core.ServerMetrics;
import dev.siprec.core.SiprecServer;
import dev.siprec.core.StreamStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link SiprecServer}'s {@link ServerMetrics} to a Micrometer registry:
 * <pre>{@code
 * new SiprecMetrics(server).bindTo(registry);
 * }</pre>
 * Every meter reads the server's own counters when the registry is scraped or published, so
 * the call path does no Micrometer work. Meters (Prometheus names in brackets):
 * <ul>
 * <li>{@code siprec.sessions.active} gauge; {@code siprec.sessions.started},
 *     {@code siprec.sessions.ended} (tag {@code reason}), {@code siprec.sessions.refused} counters</li>
 * <li>{@code siprec.sip.requests} (tag {@code method}), {@code siprec.sip.responses} (tag
 *     {@code status}), {@code siprec.sip.retransmissions} (tag {@code direction}: received, sent),
 *     {@code siprec.sip.dropped}</li>
 * <li>{@code siprec.rtp.packets} (tag {@code result}: received, lost, late, duplicate, invalid,
 *     other_source, unauthenticated, other_payload_type)</li>
 * <li>{@code siprec.frames} (tag {@code result}: delivered, dropped, concealed) and the timer
 *     {@code siprec.delivery.latency} (arrival of a frame's oldest packet to its
 *     {@code onAudio}; count and total)</li>
 * <li>{@code siprec.rtp.ports.used} and {@code siprec.rtp.ports} gauges, {@code siprec.draining}
 *     (1 while draining)</li>
 * </ul>
 * The RTP and delivery totals pass over every active session; a scrape reads them once per
 * {@link #SNAPSHOT_MILLIS} at most, however many meters ask.
 */
public final class SiprecMetrics implements MeterBinder {

    /** How long one pass over the sessions serves the RTP and delivery meters. */
    public static final long SNAPSHOT_MILLIS = 1000;

    /** Response statuses with a counter of their own (those this recorder sends). */
    static final int[] STATUSES = {100, 200, 400, 403, 405, 408, 413, 415, 416, 420, 422, 480, 481, 487, 488, 491,
        500, 503, 505, 513};

    /** Request methods with a counter of their own; {@code OTHER} gathers the rest. */
    static final String[] METHODS = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE", "INFO", "PRACK", "OTHER"};

    private final ServerMetrics metrics;
    private final Object lock = new Object();
    private long snapshotAt = Long.MIN_VALUE;
    private StreamStats rtp = StreamStats.EMPTY;
    private DeliveryStats delivery;

    /** Meters for this server. */
    public SiprecMetrics(SiprecServer server) {
        this.metrics = server.metrics();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("siprec.sessions.active", metrics, ServerMetrics::sessionsActive)
                .description("Recording sessions answered and not yet ended").register(registry);
        counter(registry, "siprec.sessions.started", "Recording sessions answered", m -> m.sessionsStarted());
        for (EndReason r : EndReason.values()) {
            FunctionCounter.builder("siprec.sessions.ended", metrics, m -> m.sessionsEnded(r))
                    .description("Recording sessions ended, by reason").tag("reason", r.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        counter(registry, "siprec.sessions.refused", "New sessions refused with 503 (a limit, or draining)",
                m -> m.sessionsRefused());
        for (String method : METHODS) {
            FunctionCounter.builder("siprec.sip.requests", metrics, m -> m.sipRequests(method))
                    .description("SIP requests received (retransmissions apart)").tag("method", method)
                    .register(registry);
        }
        for (int status : STATUSES) {
            FunctionCounter.builder("siprec.sip.responses", metrics, m -> m.sipResponses(status))
                    .description("SIP responses sent (retransmissions apart)").tag("status", Integer.toString(status))
                    .register(registry);
        }
        FunctionCounter.builder("siprec.sip.retransmissions", metrics, m -> m.sipRetransmissionsReceived())
                .description("SIP messages retransmitted").tag("direction", "received").register(registry);
        FunctionCounter.builder("siprec.sip.retransmissions", metrics, m -> m.sipRetransmissionsSent())
                .description("SIP messages retransmitted").tag("direction", "sent").register(registry);
        counter(registry, "siprec.sip.dropped", "SIP messages dropped unanswered (unparseable)",
                m -> m.sipMessagesDropped());
        rtp(registry, "received", s -> s.packetsReceived());
        rtp(registry, "lost", s -> s.packetsLost());
        rtp(registry, "late", s -> s.packetsLate());
        rtp(registry, "duplicate", s -> s.packetsDuplicate());
        rtp(registry, "invalid", s -> s.packetsInvalid());
        rtp(registry, "other_source", s -> s.packetsOtherSource());
        rtp(registry, "unauthenticated", s -> s.packetsUnauthenticated());
        rtp(registry, "other_payload_type", s -> s.packetsOtherPayloadType());
        frames(registry, "delivered", m -> delivery().framesDelivered());
        frames(registry, "dropped", m -> delivery().framesDropped());
        frames(registry, "concealed", m -> rtp().framesConcealed());
        FunctionTimer.builder("siprec.delivery.latency", this, t -> t.delivery().latency().frames(),
                t -> {
                    DeliveryStats d = t.delivery();
                    return d.latency().meanMillis() * d.latency().frames();
                }, TimeUnit.MILLISECONDS)
                .description("From the arrival of a frame's oldest packet to the start of its onAudio call")
                .register(registry);
        Gauge.builder("siprec.rtp.ports.used", metrics, ServerMetrics::rtpPortsInUse)
                .description("RTP ports allocated to sessions").register(registry);
        Gauge.builder("siprec.rtp.ports", metrics, ServerMetrics::rtpPorts)
                .description("RTP ports in the configured range").register(registry);
        Gauge.builder("siprec.draining", metrics, m -> m.draining() ? 1 : 0)
                .description("1 while the server drains (new sessions get 503)").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ServerMetrics> f) {
        FunctionCounter.builder(name, metrics, f).description(description).register(registry);
    }

    private void rtp(MeterRegistry registry, String result, ToDoubleFunction<StreamStats> f) {
        FunctionCounter.builder("siprec.rtp.packets", this, t -> f.applyAsDouble(t.rtp()))
                .description("RTP packets of the recorded streams, by what became of them").tag("result", result)
                .register(registry);
    }

    private void frames(MeterRegistry registry, String result, ToDoubleFunction<SiprecMetrics> f) {
        FunctionCounter.builder("siprec.frames", this, f)
                .description("Audio frames: delivered to and dropped before the listener, concealed for loss")
                .tag("result", result).register(registry);
    }

    private StreamStats rtp() {
        refresh();
        synchronized (lock) {
            return rtp;
        }
    }

    private DeliveryStats delivery() {
        refresh();
        synchronized (lock) {
            return delivery;
        }
    }

    /** One pass over the sessions per {@link #SNAPSHOT_MILLIS}; the totals only grow. */
    private void refresh() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (snapshotAt != Long.MIN_VALUE && now - snapshotAt < TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_MILLIS)) {
                return;
            }
            rtp = metrics.rtp();
            delivery = metrics.delivery();
            snapshotAt = now;
        }
    }
}
