package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.core.SiprecServer;
import dev.siprec.core.Transport;
import dev.siprec.testing.UdpSrc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaSink against a real KRaft broker: two concurrent calls publish start, audio and end keyed
 * by session; a consumer reads each session's frames in order and contiguous.
 */
class KafkaSinkTest {

    @Test
    void twoConcurrentCallsArePublishedInOrderPerSession(@TempDir Path dir) throws Exception {
        try (KafkaBroker broker = new KafkaBroker(dir)) {
            KafkaSink sink = new KafkaSink(broker.bootstrap(), "siprec");
            SiprecServer server = SiprecServer.builder()
                    .sip(Transport.UDP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .rtpPortRange(46000, 46099).listener(sink).start();
            List<String> callIds = new ArrayList<>();
            try {
                InetSocketAddress sip = server.sipAddresses(Transport.UDP).get(0);
                List<Thread> calls = new ArrayList<>();
                List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int i = 0; i < 2; i++) {
                    UdpSrc src = new UdpSrc(sip);
                    callIds.add(src.callId());
                    Thread t = new Thread(() -> {
                        try (src) {
                            assertThat(UdpSrc.status(src.invite())).isEqualTo(200);
                            src.streamTones(50, 440, 1000);
                            assertThat(src.bye()).isEqualTo(200);
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    });
                    t.start();
                    calls.add(t);
                }
                for (Thread t : calls) {
                    t.join(20_000);
                    assertThat(t.isAlive()).as("a call still running after 20 s").isFalse();
                }
                assertThat(errors).isEmpty();
            } finally {
                server.close(); // every session's end is sent before the producer closes
                sink.close();
            }
            assertThat(sink.failed()).isZero();

            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "test");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            Map<String, List<String>> events = new HashMap<>();
            Map<String, List<Long>> positions = new HashMap<>();
            Map<String, Integer> audioBytes = new HashMap<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of("siprec.events", "siprec.audio"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline
                        && (events.size() < 2 || events.values().stream().anyMatch(e -> e.size() < 2))) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals("siprec.events")) {
                            events.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                    .add(new String(r.value(), StandardCharsets.UTF_8));
                        } else {
                            long position = ByteBuffer.wrap(r.headers().lastHeader("position").value()).getLong();
                            assertThat(ByteBuffer.wrap(r.headers().lastHeader("channels").value()).getInt()).isEqualTo(2);
                            positions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(position);
                            audioBytes.merge(r.key(), r.value().length, Integer::sum);
                        }
                    }
                }
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.topic().equals("siprec.audio")) {
                        positions.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(ByteBuffer.wrap(r.headers().lastHeader("position").value()).getLong());
                        audioBytes.merge(r.key(), r.value().length, Integer::sum);
                    }
                });
            }
            assertThat(events).hasSize(2);
            for (Map.Entry<String, List<String>> e : events.entrySet()) {
                List<String> session = e.getValue();
                assertThat(session.get(0)).contains("\"type\": \"start\"", "\"sessionId\": \"" + e.getKey() + "\"");
                assertThat(session.get(session.size() - 1)).contains("\"type\": \"end\"", "\"reason\": \"BYE\"");
                assertThat(callIds).anyMatch(id -> session.get(0).contains(id));
                List<Long> pos = positions.get(e.getKey());
                assertThat(pos).isNotEmpty();
                for (int i = 0; i < pos.size(); i++) {
                    assertThat(pos.get(i)).isEqualTo(pos.get(0) + 320L * i); // in order, none missing (20 ms at 16 kHz)
                }
                assertThat(audioBytes.get(e.getKey())).isEqualTo(pos.size() * 320 * 2 * 2);
                assertThat(pos.size()).isBetween(50, 100); // 1 s of audio, plus the playout delay
            }
        }
    }
}
