package dev.forestwatch.connect.common.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
