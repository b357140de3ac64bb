package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.processor.DeadLetterProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readings near the 1 MiB Kinesis limit, with the output and dead-letter topics at a stock broker's 1 MiB
 * max.message.bytes: each comes out scored, or dead-lettered with a reason, and the app keeps running.
 */
class LargeRecordIT {

    /** A stock broker's default max.message.bytes. */
    private static final String STOCK_LIMIT = "1048588";

    @TempDir
    Path tmp;

    @Test
    void readingsNearTheKinesisLimitComeOutScoredOrDeadLetteredAndTheAppKeepsRunning() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createInputTopics(1, "RawStreamData");
            kafka.createTopics(1, Map.of("max.message.bytes", STOCK_LIMIT), "DESTINATION_SQL_STREAM");
            kafka.createTopics(1, Map.of("max.message.bytes", STOCK_LIMIT), "forestwatch-dlq");
            final Map<String, Object> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "forestwatch-large-it");
            settings.put("state.dir", Files.createDirectories(tmp.resolve("state")).toString());
            settings.put(AppConfig.FOREST_TREES_CONFIG, 10);
            settings.put(AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 16);
            // the sample config's limit plus room: a reading this large is valid input
            settings.put(AppConfig.INPUT_MAX_BYTES_CONFIG, 1_100_000);
            try (App app = new App(new AppConfig(settings));
                    KafkaProducer<byte[], byte[]> producer = producer(kafka);
                    KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
                app.start();
                send(producer, reading("small-1", 0));
                send(producer, reading("big", 1_000_000)); // its output still fits the output topic
                send(producer, reading("huge", 1_040_000)); // its output does not, nor does the dead letter
                send(producer, "{not json".repeat(104_000).getBytes(StandardCharsets.UTF_8)); // 936,000 bytes
                send(producer, reading("small-2", 0));
                producer.flush();
                consumer.subscribe(List.of("DESTINATION_SQL_STREAM", "forestwatch-dlq"));
                final Map<String, ConsumerRecord<byte[], byte[]>> scored = new HashMap<>();
                final Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ZERO).until(() -> {
                    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals("DESTINATION_SQL_STREAM")) {
                            scored.put(ReadingParser.MAPPER.readTree(r.value()).get("iotName").asText(), r);
                        } else {
                            dead.put(header(r, DeadLetterProcessor.HEADER_OFFSET), r);
                        }
                    }
                    return scored.size() + dead.size() >= 5;
                });
                assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(scored.keySet()).containsExactlyInAnyOrder("small-1", "big", "small-2");
                assertThat(dead.keySet()).containsExactlyInAnyOrder("2", "3");
                assertThat(header(dead.get("2"), DeadLetterProcessor.HEADER_REASON)).isEqualTo("output-too-large");
                assertThat(header(dead.get("2"), DeadLetterProcessor.HEADER_VALUE_OMITTED)).isNotNull();
                assertThat(dead.get("2").value()).isNull();
                assertThat(header(dead.get("3"), DeadLetterProcessor.HEADER_REASON)).isEqualTo("malformed-json");
                assertThat(dead.get("3").value()).hasSize(936_000); // it fits: kept whole
            }
        }
    }

    private static byte[] reading(final String sensor, final int padding) {
        return ("{\"iotName\":\"" + sensor + "\",\"iotValue\":15,\"note\":\"" + "x".repeat(padding) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final byte[] value) {
        producer.send(new ProducerRecord<>("RawStreamData", null, value));
    }

    private static String header(final ConsumerRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer(final EmbeddedKafka kafka) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final EmbeddedKafka kafka) {
        return OutputReader.consumer(kafka.bootstrapServers(), "large-it-reader", new ByteArrayDeserializer(),
                Map.of());
    }
}
