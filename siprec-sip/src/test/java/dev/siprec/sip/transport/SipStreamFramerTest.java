package dev.siprec.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipStreamFramerTest {

    static final String MSG1 = "OPTIONS sip:a SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 5\r\n\r\nhello";
    static final String MSG2 = "BYE sip:a SIP/2.0\r\nl: 0\r\ni: 2\r\n\r\n";

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new SipStreamFramer(null));
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void severalMessagesInOneReadAndKeepAlivesBetween() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf("\r\n\r\n" + MSG1 + "\r\n\r\n" + MSG2));
        assertThat(new String((byte[]) ch.readInbound(), StandardCharsets.UTF_8)).isEqualTo(MSG1);
        assertThat(new String((byte[]) ch.readInbound(), StandardCharsets.UTF_8)).isEqualTo(MSG2);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void oneMessageAcrossManyReads() {
        EmbeddedChannel ch = channel();
        for (char c : MSG1.toCharArray()) {
            assertThat((Object) ch.readInbound()).isNull();
            ch.writeInbound(buf(String.valueOf(c)));
        }
        assertThat(new String((byte[]) ch.readInbound(), StandardCharsets.UTF_8)).isEqualTo(MSG1);
        ch.finish();
    }

    @Test
    void contentLengthComesFromLongOrCompactName() {
        assertThat(SipStreamFramer.contentLength("X: 1\r\nContent-Length: 12\r\n")).isEqualTo(12);
        assertThat(SipStreamFramer.contentLength("l:3\n")).isEqualTo(3);
        assertThat(SipStreamFramer.contentLength("X: 1\r\n")).isZero();
        assertThat(SipStreamFramer.contentLength("Content-Length: -1\r\n")).isEqualTo(-1);
    }
}
