package dev.forestwatch.connect.common.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the sinks' integration tests and benchmarks share (published in connect-common's test-jar). */
public final class SinkTestSupport {

    private SinkTestSupport() {
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
