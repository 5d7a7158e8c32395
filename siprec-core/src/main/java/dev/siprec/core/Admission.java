package dev.siprec.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Whether a new recording session may be taken: the limits of {@link SiprecServer.Builder}
 * (concurrent sessions, new sessions per second, streams per session, memory headroom), each
 * checked before any port is taken, each with the reason phrase of its {@code 503}. Thread-safe.
 */
final class Admission {

    private final int maxSessions;
    private final int maxStreams;
    private final double ratePerNano;
    private final double burst;
    private final double headroom;
    private final List<MemoryPoolMXBean> heapPools;
    private double tokens;
    LoopLag lag; // the event loops' delay, when measured (SiprecServer)
    private long lastRefill = System.nanoTime();

    Admission(int maxSessions, int maxSessionRate, int maxStreams, double memoryHeadroom) {
        this.maxSessions = maxSessions;
        this.maxStreams = maxStreams;
        this.ratePerNano = maxSessionRate / 1e9;
        this.burst = maxSessionRate;
        this.tokens = burst;
        this.headroom = memoryHeadroom;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    /**
     * Why a new session cannot be taken now, as a 503 reason phrase, or null when it can. Takes
     * one from the rate budget when it answers null.
     */
    String refuse(int activeSessions) {
        String unavailable = unavailable(activeSessions);
        if (unavailable != null) {
            return unavailable;
        }
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - lastRefill) * ratePerNano);
            lastRefill = now;
            if (tokens < 1) {
                return "Too many new recording sessions per second";
            }
            tokens -= 1;
        }
        return null;
    }

    /**
     * Why a new session could not be taken now, without taking from the rate budget (the
     * answer to an SBC's OPTIONS probe), or null.
     */
    String unavailable(int activeSessions) {
        if (activeSessions >= maxSessions) {
            return "Too many recording sessions";
        }
        if (lag != null && lag.overloaded()) {
            return "Server overloaded";
        }
        return lowOnMemory() ? "Low on memory" : null;
    }

    /** The most concurrent sessions taken. */
    int maxSessions() {
        return maxSessions;
    }

    /** Why an offer of {@code streams} received streams cannot be taken, or null. */
    String refuseStreams(int streams) {
        return streams > maxStreams ? "Too many audio streams (" + streams + "; at most " + maxStreams + ")" : null;
    }

    /**
     * Whether what the heap held after its last collections leaves less than the headroom of its
     * maximum free (live data, not garbage waiting for the next collection).
     */
    boolean lowOnMemory() {
        if (headroom <= 0) {
            return false;
        }
        // read the pools at most every 100 ms: the answer changes only with a collection, and
        // this runs for every INVITE on the SIP path
        long now = System.nanoTime();
        if (now - memoryCheckedAt < 100_000_000L && memoryCheckedAt != 0) {
            return lowOnMemory;
        }
        memoryCheckedAt = now;
        lowOnMemory = measureLowOnMemory();
        return lowOnMemory;
    }

    private volatile long memoryCheckedAt;
    private volatile boolean lowOnMemory;

    private boolean measureLowOnMemory() {
        long max = Runtime.getRuntime().maxMemory();
        if (max == Long.MAX_VALUE) {
            return false;
        }
        long live = 0;
        for (MemoryPoolMXBean p : heapPools) {
            MemoryUsage after = p.getCollectionUsage();
            if (after != null) {
                live += after.getUsed();
            }
        }
        return live > max * (1 - headroom);
    }
}
