package dev.siprec.sip.transaction;

import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.message.Via;
import dev.siprec.sip.transport.ReplyPath;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transaction layer (RFC 3261 §17): the tables of server and client transactions, their
 * timers and the timer values. Matches requests to server transactions (§17.2.3) and
 * responses to client transactions (§17.1.3); knows nothing of dialogs.
 *
 * <p>Thread-safe: the tables are concurrent maps and each transaction locks itself.
 */
public final class TransactionLayer implements AutoCloseable {

    /** How often the timer task runs: SIP's timers are 500 ms and more, so 10 ms is plenty. */
    public static final long TIMER_RESOLUTION_MILLIS = 10;

    private final long t1Millis;
    private final Map<String, ServerTransaction> server = new ConcurrentHashMap<>();
    private final Map<String, ClientTransaction> client = new ConcurrentHashMap<>();
    private volatile SipTimers timers;
    private final SipCounters counters = new SipCounters();

    /** A layer with RFC 3261's T1 of {@code t1Millis} (500 ms in production); call {@link #start}. */
    public TransactionLayer(long t1Millis) {
        this.t1Millis = t1Millis;
    }

    /** Starts the timers on {@code executor}, unless {@link #useTimers} gave others. */
    public void start(EventExecutor executor) {
        if (timers == null) {
            timers = new SipTimers(executor, TIMER_RESOLUTION_MILLIS);
        }
    }

    /** Runs the timers on {@code timers} instead (tests drive them on a clock of their own). */
    public void useTimers(SipTimers timers) {
        this.timers = timers;
    }

    /** What was received and sent through this layer. */
    public SipCounters counters() {
        return counters;
    }

    /** T1: the round-trip estimate. */
    public long t1Millis() {
        return t1Millis;
    }

    /** T2 = 8*T1, at most 4 s: the longest retransmission interval. */
    public long t2Millis() {
        return Math.min(8 * t1Millis, 4000);
    }

    /** T4 = 10*T1, at most 5 s: how long the network may hold a message. */
    public long t4Millis() {
        return Math.min(10 * t1Millis, 5000);
    }

    /** Runs {@code task} once after a delay, on the timer task, with no lock held. */
    public SipTimers.Timer schedule(Runnable task, long delayMillis) {
        return timers.schedule(task, delayMillis);
    }

    /** The server transaction under {@code key}, or null. */
    public ServerTransaction find(String key) {
        return server.get(key);
    }

    /**
     * Enters a new server transaction in the table; false (and the request is treated as a
     * retransmission) when another thread entered one under the same key first.
     */
    public boolean register(ServerTransaction tx) {
        ServerTransaction raced = server.putIfAbsent(tx.key, tx);
        if (raced != null) {
            raced.onRetransmission();
            return false;
        }
        return true;
    }

    void remove(ServerTransaction tx) {
        server.remove(tx.key, tx);
    }

    /**
     * Sends a request through a new non-INVITE client transaction; {@code branch} must be
     * the one in its top Via.
     *
     * @return completes with the final response, or a local 408 when none came
     */
    public CompletableFuture<SipResponse> send(SipRequest request, String branch, ReplyPath path) {
        ClientTransaction tx = new ClientTransaction(this, branch, request, path);
        client.put(branch, tx);
        return tx.start();
    }

    /** A response: to the client transaction of its top Via's branch. False when none matched (a stray). */
    public boolean onResponse(SipResponse response) {
        Via via = response.topVia();
        ClientTransaction tx = via == null ? null : client.get(via.branch());
        if (tx == null) {
            return false;
        }
        tx.onResponse(response);
        return true;
    }

    void remove(ClientTransaction tx) {
        client.remove(tx.branch, tx);
    }

    /** Live server and client transactions (tests, monitoring). */
    public int size() {
        return server.size() + client.size();
    }

    /** Ends every server transaction and stops the timers (no responses are sent). */
    @Override
    public void close() {
        for (ServerTransaction tx : new ArrayList<>(server.values())) {
            tx.terminate();
        }
        if (timers != null) {
            timers.close();
        }
    }

    /**
     * Server transaction key (§17.2.3): branch, sent-by and method, with ACK and CANCEL
     * looked up under INVITE. Requests without an RFC 3261 branch fall back to the RFC 2543
     * identifiers (Call-ID, From tag, CSeq number).
     */
    public static String key(SipRequest r, Via via, String method) {
        String branch = via.branch();
        if (branch != null && branch.startsWith(Via.MAGIC_COOKIE)) {
            return branch + "|" + via.sentBy() + "|" + method;
        }
        return "2543|" + r.callId() + "|" + r.from().tag() + "|" + r.cseq().number() + "|" + via.sentBy() + "|"
                + method;
    }
}
