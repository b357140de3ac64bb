package dev.forestwatch.streams;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The consumer the ITs read the app's output and dead-letter topics with: from the start, and read_committed, as the
 * app writes with exactly-once and a read_uncommitted reader would also see the records of aborted transactions.
 */
final class OutputReader {
    private OutputReader() {
    }

    /** @param settings more consumer settings, e.g. a larger fetch size for large records */
    static <K> KafkaConsumer<K, byte[]> consumer(final String bootstrapServers, final String groupId,
            final Deserializer<K> keys, final Map<String, Object> settings) {
        final Map<String, Object> c = new HashMap<>(settings);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(c, keys, new ByteArrayDeserializer());
    }
}
