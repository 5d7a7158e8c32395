package dev.siprec.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelephoneEventsTest {

    private final List<String> reported = new ArrayList<>();
    private final TelephoneEvents events = new TelephoneEvents(
            (code, position, duration) -> reported.add(code + "@" + position + "/" + duration));

    private void packet(int code, boolean end, int duration, long ts, long position) {
        ByteBuf b = Unpooled.buffer(4).writeByte(code).writeByte(end ? 0x8A : 0x0A).writeShort(duration);
        try {
            events.onPacket(b, 0, ts, position);
        } finally {
            b.release();
        }
    }

    @Test
    void anEventIsReportedOnceAtItsEndWithItsLongestDuration() {
        packet(5, false, 160, 1000, 42);
        packet(5, false, 320, 1000, 42);
        assertThat(reported).isEmpty();
        packet(5, true, 480, 1000, 42);
        packet(5, true, 480, 1000, 42); // redundant end packets (RFC 4733 §2.5.1.4)
        packet(5, true, 480, 1000, 42);
        assertThat(reported).containsExactly("5@42/480");
    }

    @Test
    void aNewEventEndsThePreviousOneWhoseEndPacketsWereLost() {
        packet(1, false, 160, 1000, 10);
        packet(2, false, 160, 2000, 20);
        assertThat(reported).containsExactly("1@10/160");
        packet(2, true, 800, 2000, 20);
        assertThat(reported).containsExactly("1@10/160", "2@20/800");
    }
}
