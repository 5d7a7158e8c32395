package dev.siprec.media;

/**
 * Hands out even RTP ports from a range (RFC 3550 §11: RTP on even ports, RTCP on the next
 * odd one), next-fit so that a port just released is not reused at once. The first port is
 * chosen at random, so that a restarted recorder does not reuse the ports of its previous run
 * at once (stray RTP of old calls may still arrive on them). Thread-safe.
 */
public final class RtpPortPool {

    private final int first;
    private final boolean[] inUse;
    private int next;
    private int free;

    /** Even ports from {@code min} to {@code max} inclusive (an odd {@code min} is rounded up). */
    public RtpPortPool(int min, int max) {
        this(min, max, -1);
    }

    /** As above, starting at the {@code start}-th even port (-1: at random). */
    RtpPortPool(int min, int max, int start) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("invalid RTP port range " + min + "-" + max);
        }
        first = (min + 1) & ~1;
        int count = first > max ? 0 : (max - first) / 2 + 1;
        if (count == 0) {
            throw new IllegalArgumentException("RTP port range " + min + "-" + max + " has no even port");
        }
        inUse = new boolean[count];
        free = count;
        // a random start, leaving room for a session's streams before the range wraps, so that a
        // fresh recorder's first call gets consecutive ports (tools such as SIPp rely on that)
        next = start >= 0 ? start % count
                : java.util.concurrent.ThreadLocalRandom.current().nextInt(Math.max(1, count - 4));
    }

    /** The next free even port, or -1 when all are in use. */
    public synchronized int acquire() {
        if (free == 0) {
            return -1;
        }
        for (int i = 0; i < inUse.length; i++) {
            int idx = (next + i) % inUse.length;
            if (!inUse[idx]) {
                inUse[idx] = true;
                free--;
                next = (idx + 1) % inUse.length;
                return first + 2 * idx;
            }
        }
        return -1;
    }

    /** Returns a port to the pool; ports not from this pool or not in use are ignored. */
    public synchronized void release(int port) {
        int idx = (port - first) / 2;
        if (port >= first && (port - first) % 2 == 0 && idx < inUse.length && inUse[idx]) {
            inUse[idx] = false;
            free++;
        }
    }

    /** Ports currently free. */
    public synchronized int available() {
        return free;
    }

    /** Total ports in the pool. */
    public int size() {
        return inUse.length;
    }
}
