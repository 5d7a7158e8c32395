package dev.siprec.core;

import dev.siprec.sip.SipStack;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link SiprecServer} has done since it started, for monitoring: sessions, SIP messages,
 * RTP and delivery counters. Every getter reads the live value (counters only grow; gauges say
 * so), so a metrics library can poll them; {@code siprec-micrometer} binds them to a Micrometer
 * registry. Thread-safe. RTP and delivery totals add the sessions that ended to the current
 * counters of the active ones, so a scrape costs one pass over the active sessions.
 */
public final class ServerMetrics {

    private final RecordingSessionManager manager;
    private final SipStack stack;

    ServerMetrics(RecordingSessionManager manager, SipStack stack) {
        this.manager = manager;
        this.stack = stack;
    }

    /** Sessions answered and not yet ended (a gauge). */
    public int sessionsActive() {
        int n = 0;
        for (ManagedSession s : manager.activeView()) {
            if (s.started && !s.counted) {
                n++;
            }
        }
        return n;
    }

    /** Sessions answered (200 OK sent and {@code onSessionStarted} called). */
    public long sessionsStarted() {
        return manager.counters.started.sum();
    }

    /** Answered sessions that ended for this reason. */
    public long sessionsEnded(EndReason reason) {
        return manager.counters.ended.get(reason).sum();
    }

    /** New sessions refused with 503: over a limit of the admission, or draining. */
    public long sessionsRefused() {
        return manager.counters.refused.sum();
    }

    /** Whether {@link SiprecServer#drain} was called (a gauge). */
    public boolean draining() {
        return manager.draining;
    }

    /** New SIP requests received, by method ({@code OTHER} for unknown methods). */
    public Map<String, Long> sipRequests() {
        return stack.counters().requestsByMethod();
    }

    /** New SIP requests received of one method ({@code OTHER}: every method the stack does not name). */
    public long sipRequests(String method) {
        return stack.counters().requestsReceived(method);
    }

    /** SIP responses sent with one status code (first sendings). */
    public long sipResponses(int status) {
        return stack.counters().responsesSent(status);
    }

    /** SIP responses sent (first sendings), by status code. */
    public Map<Integer, Long> sipResponses() {
        return stack.counters().responsesByStatus();
    }

    /** SIP requests received again (absorbed by their transaction). */
    public long sipRetransmissionsReceived() {
        return stack.counters().retransmissionsReceived();
    }

    /** SIP messages we sent again because no answer or ACK came in time. */
    public long sipRetransmissionsSent() {
        return stack.counters().retransmissionsSent();
    }

    /** SIP messages dropped without an answer (unparseable). */
    public long sipMessagesDropped() {
        return stack.droppedMessages();
    }

    /** RTP ports allocated to sessions now (a gauge). */
    public int rtpPortsInUse() {
        return manager.rtpPortsInUse();
    }

    /** RTP ports in the configured range. */
    public int rtpPorts() {
        return manager.rtpPorts();
    }

    /**
     * The counters of every received stream, ended sessions and active ones added up (each
     * stream once; {@link StreamStats#jitterMillis()} is the worst seen).
     */
    public StreamStats rtp() {
        // under the totals' lock: a session that ends meanwhile is counted once, never missed
        synchronized (manager.counters) {
            StreamStats sum = manager.counters.endedStreams();
            for (ManagedSession s : manager.activeView()) {
                if (s.started && !s.counted) {
                    sum = sum.plus(s.streamTotals());
                }
            }
            return sum;
        }
    }

    /**
     * Delivery to the application, ended sessions and active ones added up: frames delivered
     * and dropped, and the latency over every measured frame ({@link LatencyStats#maxMillis()}
     * is the worst seen).
     */
    public DeliveryStats delivery() {
        synchronized (manager.counters) {
            DeliveryStats sum = manager.counters.endedDelivery();
            for (ManagedSession s : manager.activeView()) {
                if (s.started && !s.counted) {
                    sum = Totals.plus(sum, s.deliveryStats());
                }
            }
            return sum;
        }
    }

    /** The counters kept as sessions start and end (the manager's). */
    static final class Totals {
        final LongAdder started = new LongAdder();
        final LongAdder refused = new LongAdder();
        final Map<EndReason, LongAdder> ended = new EnumMap<>(EndReason.class);
        private StreamStats endedStreams = StreamStats.EMPTY;
        private DeliveryStats endedDelivery = new DeliveryStats(0, 0, 0, LatencyStats.EMPTY);

        Totals() {
            for (EndReason r : EndReason.values()) {
                ended.put(r, new LongAdder());
            }
        }

        /** A session was answered: count it, and add up its counters once it ends. */
        void started(ManagedSession session) {
            session.started = true;
            started.increment();
            session.ended().whenComplete((reason, error) -> {
                synchronized (this) {
                    StreamStats streams = session.streamTotals();
                    DeliveryStats delivery = session.deliveryStats();
                    endedStreams = endedStreams.plus(streams);
                    endedDelivery = plus(endedDelivery, delivery);
                    session.counted = true; // in the totals now: the live pass skips it
                }
                ended.get(reason != null ? reason : EndReason.SERVER_ERROR).increment();
            });
        }

        synchronized StreamStats endedStreams() {
            return endedStreams;
        }

        synchronized DeliveryStats endedDelivery() {
            return endedDelivery;
        }

        static DeliveryStats plus(DeliveryStats a, DeliveryStats b) {
            LatencyStats x = a.latency();
            LatencyStats y = b.latency();
            long frames = x.frames() + y.frames();
            double mean = frames == 0 ? 0 : (x.meanMillis() * x.frames() + y.meanMillis() * y.frames()) / frames;
            return new DeliveryStats(a.framesDelivered() + b.framesDelivered(), a.framesDropped() + b.framesDropped(),
                    Math.max(a.mostFramesQueued(), b.mostFramesQueued()),
                    new LatencyStats(frames, mean, Math.max(x.maxMillis(), y.maxMillis())));
        }
    }
}
