package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.core.SiprecServer;
import dev.siprec.core.Transport;
import dev.siprec.testing.Await;
import dev.siprec.testing.UdpSrc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live PCM over WebSocket to a real server: the start message and channel map, the audio on the
 * right channels, the end; a reconnect after the service closes mid-call; sessions one after
 * another.
 */
class AsrStreamerTest {

    WebSocketServer service;
    SiprecServer server;
    AsrStreamer streamer;

    void start() throws Exception {
        service = new WebSocketServer();
        streamer = new AsrStreamer(service.uri());
        server = SiprecServer.builder().sip(Transport.UDP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rtpPortRange(45000, 45099).listener(streamer).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (streamer != null) {
            streamer.close();
        }
        if (service != null) {
            service.close();
        }
    }

    InetSocketAddress sip() {
        return server.sipAddresses(Transport.UDP).get(0);
    }

    /** Goertzel power of {@code hz} in one channel of interleaved stereo linear16 at 16 kHz. */
    static double power(byte[] pcm, int channel, double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / 16000);
        double s1 = 0;
        double s2 = 0;
        for (int i = channel * 2; i + 1 < pcm.length; i += 4) {
            double x = (short) ((pcm[i] & 0xff) | pcm[i + 1] << 8);
            double s = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    static int channelOfLabel(String start, String label) {
        Matcher m = Pattern.compile("\"channel\": (\\d+),\\s*\"label\": \"" + label + "\"").matcher(start);
        assertThat(m.find()).as(start).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void eachSessionStreamsStartAudioOnItsChannelsAndEndOneAfterAnother() throws Exception {
        start();
        for (int call = 1; call <= 2; call++) {
            String callId;
            try (UdpSrc src = new UdpSrc(sip())) {
                callId = src.callId();
                assertThat(UdpSrc.status(src.invite())).isEqualTo(200);
                src.streamTones(50, 440, 1000); // 1 s: label 1 at 440 Hz, label 2 at 1 kHz
                assertThat(src.bye()).isEqualTo(200);
            }
            WebSocketServer.Connection c = service.connections.get(call - 1);
            Await.until("the end message", Duration.ofSeconds(5),
                    () -> c.texts.stream().anyMatch(t -> t.contains("\"type\": \"end\"")));
            Await.until("the close", Duration.ofSeconds(5), () -> c.closed);
            String start = c.texts.get(0);
            assertThat(start).contains("\"type\": \"start\"", "\"encoding\": \"linear16\"", "\"sampleRate\": 16000",
                    "\"channels\": 2", "\"callId\": \"" + callId + "\"", "\"position\": 0", "\"name\": \"Alice\"",
                    "\"name\": \"Bob\"");
            assertThat(start).doesNotContain("resumed");
            String end = c.texts.get(c.texts.size() - 1);
            assertThat(end).contains("\"reason\": \"BYE\"", "\"framesDropped\": 0");
            byte[] audio = c.audio();
            assertThat(audio.length).isBetween(4 * 15200, 4 * 16000 * 2); // about 1 s of stereo (and the playout)
            int alice = channelOfLabel(start, "1");
            int bob = channelOfLabel(start, "2");
            assertThat(alice).isNotEqualTo(bob);
            assertThat(power(audio, alice, 440)).isGreaterThan(100 * power(audio, alice, 1000));
            assertThat(power(audio, bob, 1000)).isGreaterThan(100 * power(audio, bob, 440));
        }
        assertThat(streamer.reconnects()).isZero();
        assertThat(streamer.framesDropped()).isZero();
    }

    @Test
    void aServiceThatClosesMidCallGetsAResumedStartAndTheRestOfTheAudio() throws Exception {
        start();
        service.closeFirstAfter = 10;
        try (UdpSrc src = new UdpSrc(sip())) {
            assertThat(UdpSrc.status(src.invite())).isEqualTo(200);
            src.streamTones(75, 440, 1000); // 1.5 s
            assertThat(src.bye()).isEqualTo(200);
        }
        Await.until("a second connection's end", Duration.ofSeconds(8), () -> service.connections.size() == 2
                && service.connections.get(1).texts.stream().anyMatch(t -> t.contains("\"type\": \"end\"")));
        WebSocketServer.Connection first = service.connections.get(0);
        WebSocketServer.Connection second = service.connections.get(1);
        assertThat(first.binaryMessages).isEqualTo(10);
        String resumed = second.texts.get(0);
        assertThat(resumed).contains("\"type\": \"start\"", "\"resumed\": true");
        Matcher position = Pattern.compile("\"position\": (\\d+)").matcher(resumed);
        assertThat(position.find()).isTrue();
        long firstSamples = first.audio().length / 4;
        // it resumes where the first connection's audio ended, or after frames lost in the close
        assertThat(Long.parseLong(position.group(1))).isBetween(firstSamples, firstSamples + 16000 / 2);
        long total = firstSamples + second.audio().length / 4;
        assertThat(total).isGreaterThan(16000 * 12 / 10); // most of the 1.5 s arrived
        assertThat(streamer.reconnects()).isEqualTo(1);
    }
}
