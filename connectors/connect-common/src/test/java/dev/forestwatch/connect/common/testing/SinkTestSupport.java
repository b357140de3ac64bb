package dev.forestwatch.connect.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.sink.SinkConnector;

/** What the sinks' integration tests and benchmarks share (published in connect-common's test-jar). */
public final class SinkTestSupport {

    private SinkTestSupport() {
    }

    /** A connector's settings as the worker takes them, before the connector's own: class, tasks and topic. */
    public static Map<String, String> connectorConfig(final Class<? extends SinkConnector> connector, final int tasks,
            final String topic) {
        final Map<String, String> c = new HashMap<>();
        c.put("connector.class", connector.getName());
        c.put("tasks.max", String.valueOf(tasks));
        c.put("topics", topic);
        return c;
    }

    /** A producer of string keys and values; {@code settings} add to the bootstrap servers. */
    public static KafkaProducer<String, String> stringProducer(final String bootstrapServers,
            final Map<String, Object> settings) {
        final Map<String, Object> p = new HashMap<>(settings);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Writes {@code values} to {@code topic}, keyless, and returns once the broker has them all. */
    public static void preload(final String bootstrapServers, final String topic, final List<byte[]> values) {
        final Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, v));
            }
        }
    }

    /**
     * Makes the worker send what the connector reports (its behavior.on... setting is {@code report}) to
     * {@code deadLetterTopic}, with the error in the record's headers.
     */
    public static void reportTo(final Map<String, String> config, final String deadLetterTopic) {
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", deadLetterTopic);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
    }

    /** The first record of a dead-letter topic, once there is one (30 s at most). */
    public static ConsumerRecord<byte[], byte[]> firstDeadLetter(final String bootstrapServers,
            final String deadLetterTopic) {
        final Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, deadLetterTopic + "-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            dlq.subscribe(List.of(deadLetterTopic));
            final List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(500)).forEach(got::add);
                return !got.isEmpty();
            });
            return got.get(0);
        }
    }

    /** The error message the worker put in a dead letter's headers. */
    public static String errorMessage(final ConsumerRecord<byte[], byte[]> deadLetter) {
        final Header reason = deadLetter.headers().lastHeader("__connect.errors.exception.message");
        assertThat(reason).as("the error message header").isNotNull();
        return new String(reason.value(), StandardCharsets.UTF_8);
    }

    /** The sum of a consumer group's committed offsets over a topic's partitions. */
    public static long committed(final Admin admin, final String group, final String topic, final int partitions)
            throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long sum = 0;
        for (int p = 0; p < partitions; p++) {
            final OffsetAndMetadata o = offsets.get(new TopicPartition(topic, p));
            sum += o == null ? 0 : o.offset();
        }
        return sum;
    }

    /** Output records of the streams app, about 200 bytes of JSON each, with recordId {@code idPrefix + i}. */
    public static List<byte[]> scoredRecords(final int n, final String idPrefix) {
        final Random rnd = new Random(42);
        final List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(("{\"iotName\":\"DemoSensor-" + (i % 10) + "\",\"iotValue\":" + (10 + rnd.nextInt(11))
                    + ",\"ANOMALY_SCORE\":" + rnd.nextDouble() + ",\"created\":\"2026-11-26T05:25:02Z\","
                    + "\"ANOMALY_GRADE\":0.0,\"isAnomaly\":false,\"recordId\":\"" + idPrefix + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
