package dev.siprec.examples;

import dev.siprec.core.AudioFrame;
import dev.siprec.core.EndReason;
import dev.siprec.core.RecordingListener;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.metadata.MetadataChange;
import dev.siprec.core.metadata.RecordingMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every session to Kafka, for pipelines that outgrow one process (ASR workers,
 * analytics, archiving consume at their own pace):
 * <ul>
 * <li>topic {@code <prefix>.events}: JSON {@code start}, {@code metadata} and {@code end}
 *     messages ({@link SessionEvents});</li>
 * <li>topic {@code <prefix>.audio}: each frame as interleaved {@code linear16}, with headers
 *     {@code position} (sample offset, 8 bytes big-endian), {@code channels} and {@code rate}
 *     (4 bytes each).</li>
 * </ul>
 * Both are keyed by session id, so a session's messages stay in order on one partition
 * (the producer is idempotent, Kafka's default). The listener holds up the recorder's delivery
 * thread for at most {@code max.block.ms} (1 s) when the producer's buffer is full or a topic's
 * metadata is missing; such a send fails then and is counted. The constructor looks the topics
 * up once (they are created where the broker auto-creates topics), so the first frames do not wait.
 */
public final class KafkaSink implements RecordingListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);

    private final Producer<String, byte[]> producer;
    private final String events;
    private final String audio;
    private final LongAdder failed = new LongAdder();

    /** A producer to {@code bootstrapServers}, topics {@code prefix.events} and {@code prefix.audio}. */
    public KafkaSink(String bootstrapServers, String prefix) {
        this(producer(bootstrapServers), prefix);
    }

    KafkaSink(Producer<String, byte[]> producer, String prefix) {
        this.producer = producer;
        this.events = prefix + ".events";
        this.audio = prefix + ".audio";
        for (String topic : List.of(events, audio)) {
            for (int attempt = 1; ; attempt++) {
                try {
                    producer.partitionsFor(topic); // metadata now, not on the first frame
                    break;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (attempt == 10) {
                        log.warn("topic {}: no metadata after {} tries; sends will wait for it", topic, attempt);
                        break;
                    }
                }
            }
        }
    }

    static Producer<String, byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20"); // a frame's worth: batches of the sessions' frames
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000"); // hold up a delivery thread 1 s at most
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "siprec-recorder");
        return new KafkaProducer<>(p);
    }

    /** Messages that could not be sent (buffer full, broker unreachable past the retries). */
    public long failed() {
        return failed.sum();
    }

    @Override
    public void onSessionStarted(RecordingSession session) {
        event(session, Json.write(SessionEvents.start(session, 0, false)));
    }

    @Override
    public void onAudio(RecordingSession session, AudioFrame frame) {
        List<Header> headers = List.of(
                new RecordHeader("position", ByteBuffer.allocate(8).putLong(frame.position()).array()),
                new RecordHeader("channels", ByteBuffer.allocate(4).putInt(frame.channels()).array()),
                new RecordHeader("rate", ByteBuffer.allocate(4).putInt(frame.sampleRate()).array()));
        send(new ProducerRecord<>(audio, null, session.id(), SessionEvents.linear16(frame), headers));
    }

    @Override
    public void onMetadataUpdated(RecordingSession session, RecordingMetadata metadata, MetadataChange change) {
        event(session, Json.write(SessionEvents.metadata(session, metadata)));
    }

    @Override
    public void onSessionEnded(RecordingSession session, EndReason reason) {
        event(session, Json.write(SessionEvents.end(session, reason, session.deliveryStats().framesDropped())));
    }

    private void event(RecordingSession session, String json) {
        send(new ProducerRecord<>(events, session.id(), json.getBytes(StandardCharsets.UTF_8)));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record, (meta, error) -> {
                if (error != null) {
                    failed.increment();
                    log.warn("session {}: not published to {}: {}", record.key(), record.topic(), error.toString());
                }
            });
        } catch (RuntimeException e) { // buffer full past max.block.ms, or the producer closed
            failed.increment();
            log.warn("session {}: not published to {}: {}", record.key(), record.topic(), e.toString());
        }
    }

    /** Sends what is buffered (up to 10 s), then closes the producer. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
