package dev.siprec.media;

import io.netty.buffer.ByteBuf;

/**
 * A stream's RFC 4733 telephone events: an event's packets (which all carry the event's start
 * timestamp, §2.5.1) become one event, reported once, when its end packet comes or the next
 * event starts (its end packets may be lost). On the loop.
 */
final class TelephoneEvents {

    /** Where a finished event goes. */
    interface Sink {
        /**
         * @param code the event (0-9, *, # as 0-15, §3.2)
         * @param position the timeline position where it started
         * @param duration its duration in RTP timestamp units
         */
        void event(int code, long position, int duration);
    }

    private final Sink sink;
    private long eventTs = Long.MIN_VALUE; // the event's timestamp identifies it across its packets
    private int code;
    private int duration;
    private long position;
    private boolean reported = true;

    TelephoneEvents(Sink sink) {
        this.sink = sink;
    }

    /**
     * One event packet (§2.3: event, E bit, volume, duration), its payload at {@code at} in
     * {@code content} (4 octets at least), with its extended timestamp and timeline position.
     */
    void onPacket(ByteBuf content, int at, long extTs, long position) {
        int event = content.getUnsignedByte(at);
        boolean end = (content.getUnsignedByte(at + 1) & 0x80) != 0;
        int packetDuration = content.getUnsignedShort(at + 2);
        if (extTs != eventTs) {
            report(); // a new event: the previous one ends here even if its end packets were lost
            eventTs = extTs;
            code = event;
            this.position = position;
            reported = false;
        }
        if (reported) {
            return; // the redundant end packets (§2.5.1.4)
        }
        duration = Math.max(duration, packetDuration);
        if (end) {
            report();
        }
    }

    private void report() {
        if (!reported) {
            reported = true;
            sink.event(code, position, duration);
        }
        duration = 0;
    }
}
