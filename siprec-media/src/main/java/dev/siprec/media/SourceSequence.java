package dev.siprec.media;

/**
 * One RTP source's numbering: its SSRC, sequence numbers and timestamps extended past their
 * 16- and 32-bit wrap (RFC 3550 §6.4.1, A.1), and its interarrival jitter (§6.4.1, A.8). The
 * extension is relative to the highest sequence number so far, so a reordered packet or one
 * from before a wrap gets its own extended value. On the loop.
 */
final class SourceSequence {

    private int ssrc;
    private long highestExtSeq;
    private int highestTs;
    private long highestExtTs;
    // A.8: J += (|D| - J) / 16, with D the change in relative transit time, in RTP units
    private double jitter;
    private long lastTransit = Long.MIN_VALUE;

    /**
     * A new source from its first packet; the extended values start one cycle up, so that a
     * packet from just before it stays positive. Its transit times start afresh; the jitter
     * carries on (it describes the stream).
     */
    void start(int ssrc, int seq, int ts) {
        this.ssrc = ssrc;
        highestExtSeq = seq + (1L << 16);
        highestTs = ts;
        highestExtTs = Integer.toUnsignedLong(ts) + (1L << 32);
        lastTransit = Long.MIN_VALUE;
    }

    int ssrc() {
        return ssrc;
    }

    /** The extended sequence number of {@code seq}: the one nearest the highest so far. */
    long extendSeq(int seq) {
        return highestExtSeq + (short) (seq - (int) highestExtSeq);
    }

    /** The extended timestamp of {@code ts}, next to that of the highest sequence number so far. */
    long extendTs(int ts) {
        return highestExtTs + (ts - highestTs);
    }

    /** A packet was taken: it moves the highest sequence number when it is the newest. */
    void received(long extSeq, int ts, long extTs) {
        if (extSeq > highestExtSeq) {
            highestExtSeq = extSeq;
            highestTs = ts;
            highestExtTs = extTs;
        }
    }

    /** A packet of extended timestamp {@code extTs} arrived at {@code arrivalNanos} (A.8). */
    void transit(long arrivalNanos, long extTs, int clockRate) {
        long transit = arrivalNanos / 1000 * clockRate / 1_000_000 - extTs;
        if (lastTransit != Long.MIN_VALUE) {
            jitter += (Math.abs(transit - lastTransit) - jitter) / 16;
        }
        lastTransit = transit;
    }

    long highestExtSeq() {
        return highestExtSeq;
    }

    /** RFC 3550 interarrival jitter in RTP timestamp units. */
    double jitter() {
        return jitter;
    }
}
