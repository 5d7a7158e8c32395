package dev.siprec.sip.transaction;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the SIP stack received and sent, since start: requests by method, responses by status,
 * and retransmissions both ways. Counted where each message is decided on (a request once it is
 * known to be new, a response when first sent), so a retransmission is never counted as a new
 * message. Methods outside RFC 3261 and its extensions count as {@code OTHER}: a peer cannot grow
 * the set of names. Thread-safe; read at any time.
 */
public final class SipCounters {

    /** Methods counted under their own name. */
    static final String[] METHODS = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE", "INFO", "PRACK",
        "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH", "OTHER"};

    private final LongAdder[] requests = new LongAdder[METHODS.length];
    private final AtomicLongArray responses = new AtomicLongArray(600); // 100..699 at status - 100
    private final LongAdder retransmissionsReceived = new LongAdder();
    private final LongAdder retransmissionsSent = new LongAdder();

    /** All zero. */
    public SipCounters() {
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new LongAdder();
        }
    }

    private static int index(String method) {
        for (int i = 0; i < METHODS.length - 1; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length - 1;
    }

    /** A new request (not a retransmission) was received. */
    public void requestReceived(String method) {
        requests[index(method)].increment();
    }

    /** A response was sent for the first time (its retransmissions count in {@link #retransmissionsSent}). */
    public void responseSent(int status) {
        if (status >= 100 && status <= 699) {
            responses.incrementAndGet(status - 100);
        }
    }

    /** A request we had seen already came again. */
    public void retransmissionReceived() {
        retransmissionsReceived.increment();
    }

    /** We sent a message again (a response until its ACK, a request until its answer). */
    public void retransmissionSent() {
        retransmissionsSent.increment();
    }

    /** New requests received of one method ({@code OTHER}: every method not in the list). */
    public long requestsReceived(String method) {
        return requests[index(method)].sum();
    }

    /** New requests received, by method; methods never received are left out. */
    public Map<String, Long> requestsByMethod() {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < METHODS.length; i++) {
            long n = requests[i].sum();
            if (n > 0) {
                m.put(METHODS[i], n);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Responses sent with this status (first sendings only). */
    public long responsesSent(int status) {
        return status >= 100 && status <= 699 ? responses.get(status - 100) : 0;
    }

    /** Responses sent, by status; statuses never sent are left out. */
    public Map<Integer, Long> responsesByStatus() {
        Map<Integer, Long> m = new TreeMap<>();
        for (int i = 0; i < responses.length(); i++) {
            long n = responses.get(i);
            if (n > 0) {
                m.put(i + 100, n);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Requests received again (absorbed by their transaction). */
    public long retransmissionsReceived() {
        return retransmissionsReceived.sum();
    }

    /** Messages we sent again because no answer (or ACK) came in time. */
    public long retransmissionsSent() {
        return retransmissionsSent.sum();
    }
}
