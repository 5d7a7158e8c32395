package dev.siprec.media;

import io.netty.buffer.ByteBuf;

/**
 * Holds the payloads of one RTP stream, keyed by extended sequence number, until their
 * playout time: reorders, drops duplicates and late packets, and tells how many were lost.
 *
 * <p>Zero copy: it stores the retained payload slices it is given and owns them; {@link #pop}
 * hands ownership to the caller, {@link #clear} releases what is left. Fixed capacity, no
 * allocation per packet. Single-threaded (the session's event loop).
 */
public final class JitterBuffer {

    /** Outcome of {@link #insert}. */
    public enum Result {
        /** Stored; the buffer now owns the payload. */
        STORED,
        /** Already held or already played: released. */
        DUPLICATE,
        /** Its playout time has passed: released. */
        LATE
    }

    private final int mask;
    private final ByteBuf[] payloads;
    private final long[] seqs;
    private final long[] positions;
    private final byte[] kinds;
    private final long[] arrivals;
    private int kindOfLastPop;
    private long arrivalOfLastPop;
    private long nextSeq = Long.MIN_VALUE; // extended sequence number expected next
    private long highest = Long.MIN_VALUE;
    private int size;
    // bit i set: sequence number nextSeq-1-i was received and played (tells duplicates from late packets)
    private long playedWindow;
    private long lostOnLastPop;

    /** A buffer for up to {@code capacity} packets (rounded up to a power of two). */
    public JitterBuffer(int capacity) {
        int c = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        mask = c - 1;
        payloads = new ByteBuf[c];
        seqs = new long[c];
        positions = new long[c];
        kinds = new byte[c];
        arrivals = new long[c];
    }

    /** Capacity in packets. */
    public int capacity() {
        return mask + 1;
    }

    /** Packets held. */
    public int size() {
        return size;
    }

    /**
     * Stores a payload. Takes ownership of {@code payload} in every case (released when it is
     * not stored). A packet more than a capacity ahead of the next expected one means the
     * stream jumped: everything held is released and the buffer restarts at this packet.
     *
     * @param extSeq extended (wrap-free) sequence number
     * @param position playout position of the payload's first sample on the session timeline
     */
    public Result insert(long extSeq, long position, ByteBuf payload) {
        return insert(extSeq, position, payload, 0);
    }

    /**
     * Stores a payload with a caller-defined kind (0 to 127), handed back by
     * {@link #kindOfLastPop()}: payloads of one stream that are not all audio (comfort noise, events)
     * share the sequence space and must be played in the same order.
     */
    public Result insert(long extSeq, long position, ByteBuf payload, int kind) {
        return insert(extSeq, position, payload, kind, 0);
    }

    /**
     * Stores a payload with its kind and the clock reading when it arrived, handed back by
     * {@link #arrivalOfLastPop()} (the latency from arrival to delivery is measured from it).
     */
    public Result insert(long extSeq, long position, ByteBuf payload, int kind, long arrivalNanos) {
        if (nextSeq == Long.MIN_VALUE) {
            nextSeq = extSeq;
        } else if (extSeq < nextSeq && playedWindow == 0 && nextSeq - extSeq <= mask
                && highest - extSeq <= mask) {
            nextSeq = extSeq; // nothing played yet: an earlier packet arriving second moves the start back
        }
        if (extSeq < nextSeq) {
            payload.release();
            long age = nextSeq - 1 - extSeq;
            return age < 64 && (playedWindow & (1L << age)) != 0 ? Result.DUPLICATE : Result.LATE;
        }
        if (extSeq - nextSeq > mask) {
            clear();
            nextSeq = extSeq;
        }
        int slot = (int) (extSeq & mask);
        if (payloads[slot] != null) {
            payload.release();
            return Result.DUPLICATE;
        }
        payloads[slot] = payload;
        seqs[slot] = extSeq;
        positions[slot] = position;
        kinds[slot] = (byte) kind;
        arrivals[slot] = arrivalNanos;
        size++;
        if (extSeq > highest) {
            highest = extSeq;
        }
        return Result.STORED;
    }

    /** Playout position of the next packet in sequence order, or {@code Long.MAX_VALUE} when empty. */
    public long peekPosition() {
        int slot = nextSlot();
        return slot < 0 ? Long.MAX_VALUE : positions[slot];
    }

    /** Extended sequence number of the next packet {@link #pop} returns; valid after {@link #peekPosition}. */
    public long peekSequence() {
        int slot = nextSlot();
        return slot < 0 ? Long.MIN_VALUE : seqs[slot];
    }

    /**
     * The payload {@link #pop} would return next, still owned by the buffer (do not release
     * it), or null when empty: a codec recovers a loss from the packet after it (in-band FEC).
     */
    public ByteBuf peekPayload() {
        int slot = nextSlot();
        return slot < 0 ? null : payloads[slot];
    }

    /** The kind of the payload {@link #pop} would return next; valid when {@link #peekPayload} is not null. */
    public int peekKind() {
        int slot = nextSlot();
        return slot < 0 ? -1 : kinds[slot];
    }

    /**
     * Removes the next packet in sequence order and gives its payload to the caller, who must
     * release it. Sequence numbers skipped to reach it are lost: see {@link #lostOnLastPop()}.
     *
     * @return the payload, or null when empty
     */
    public ByteBuf pop() {
        int slot = nextSlot();
        if (slot < 0) {
            return null;
        }
        ByteBuf p = payloads[slot];
        long seq = seqs[slot];
        kindOfLastPop = kinds[slot];
        arrivalOfLastPop = arrivals[slot];
        payloads[slot] = null;
        size--;
        lostOnLastPop = seq - nextSeq;
        long shift = seq + 1 - nextSeq;
        playedWindow = (shift >= 64 ? 0 : playedWindow << shift) | 1L;
        nextSeq = seq + 1;
        return p;
    }

    /** Whether sequence numbers are missing before the next packet held (a loss, so far). */
    public boolean gapBeforeNext() {
        int slot = nextSlot();
        return slot >= 0 && seqs[slot] > nextSeq;
    }

    /** Packets skipped (never received) by the last {@link #pop}. */
    public long lostOnLastPop() {
        return lostOnLastPop;
    }

    /** The kind the payload returned by the last {@link #pop} was inserted with. */
    public int kindOfLastPop() {
        return kindOfLastPop;
    }

    /** The arrival time the payload returned by the last {@link #pop} was inserted with. */
    public long arrivalOfLastPop() {
        return arrivalOfLastPop;
    }

    /** Moves the playout position of every payload held by {@code delta} samples. */
    public void shiftPositions(long delta) {
        for (int i = 0; i <= mask; i++) {
            if (payloads[i] != null) {
                positions[i] += delta;
            }
        }
    }

    /** Releases every payload held and forgets the sequence state. */
    public void clear() {
        for (int i = 0; i <= mask; i++) {
            if (payloads[i] != null) {
                payloads[i].release();
                payloads[i] = null;
            }
        }
        size = 0;
        nextSeq = Long.MIN_VALUE;
        highest = Long.MIN_VALUE;
        playedWindow = 0;
    }

    private int nextSlot() {
        if (size == 0) {
            return -1;
        }
        for (long s = nextSeq; s <= highest; s++) {
            int slot = (int) (s & mask);
            if (payloads[slot] != null && seqs[slot] == s) {
                return slot;
            }
        }
        return -1;
    }
}
