package dev.forestwatch.local.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.Flags;
import dev.forestwatch.local.PipelineNames;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Checks the seed's {@code ORDER BY FLOOR(ROWTIME TO SECOND), ANOMALY_SCORE DESC} on the output topic as a user's
 * consumer sees it: every second ({@code created}) is one contiguous block in one partition, seconds ascend inside a
 * partition, and scores do not increase inside a block. Feed it records in the order a consumer reads each
 * partition ({@link #accept}), or let it read a topic ({@link #read}); {@code ./forestwatch check-order} runs it.
 */
public final class OrderChecker {

    static final String HEADER_LATE = "forestwatch.late";
    static final String HEADER_DELAYED_FROM = "forestwatch.delayed.from";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What was found.
     *
     * @param records records read
     * @param seconds distinct seconds
     * @param splitSeconds seconds that appear as more than one block (in one partition or across partitions)
     * @param descendingSeconds times a partition went back to an earlier second
     * @param scoreInversions times a score rose inside a block
     * @param late records flagged {@code forestwatch.late} (order.time=event only)
     * @param delayed records whose ROWTIME moved on to the next open second ({@code forestwatch.delayed.from})
     * @param unreadable records without a created field or a score
     */
    public record Report(long records, long seconds, long splitSeconds, long descendingSeconds, long scoreInversions,
            long late, long delayed, long unreadable) {

        public boolean ordered() {
            return splitSeconds == 0 && descendingSeconds == 0 && scoreInversions == 0 && late == 0 && unreadable == 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d records in %,d seconds: %,d split seconds, %,d seconds out of "
                    + "order, %,d score inversions, %,d late, %,d delayed to the next open second, %,d unreadable",
                    records, seconds, splitSeconds, descendingSeconds, scoreInversions, late, delayed, unreadable);
        }
    }

    private static final class PartitionState {
        String second;
        double lastScore = Double.POSITIVE_INFINITY;
        final Set<String> closed = new HashSet<>();
    }

    private final Map<Integer, PartitionState> partitions = new HashMap<>();
    private final Map<String, Integer> partitionOfSecond = new HashMap<>();
    private final Set<String> split = new HashSet<>();
    private long records;
    private long descending;
    private long inversions;
    private long late;
    private long delayed;
    private long unreadable;

    /** One record, in the order its partition is read. */
    public void accept(final int partition, final byte[] value, final Headers headers) {
        records++;
        if (headers != null && headers.lastHeader(HEADER_LATE) != null) {
            late++;
        }
        if (headers != null && headers.lastHeader(HEADER_DELAYED_FROM) != null) {
            delayed++;
        }
        final JsonNode json;
        try {
            json = value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            unreadable++;
            return;
        }
        if (json == null || !json.path("created").isTextual() || !json.path("ANOMALY_SCORE").isNumber()) {
            unreadable++;
            return;
        }
        final String second = json.path("created").asText();
        final double score = json.path("ANOMALY_SCORE").asDouble();
        final Integer owner = partitionOfSecond.putIfAbsent(second, partition);
        if (owner != null && owner != partition) {
            split.add(second);
        }
        final PartitionState p = partitions.computeIfAbsent(partition, k -> new PartitionState());
        if (!second.equals(p.second)) {
            if (p.second != null) {
                p.closed.add(p.second);
                // ISO-8601 instants of one format sort as text
                if (second.compareTo(p.second) < 0) {
                    descending++;
                }
            }
            if (p.closed.contains(second)) {
                split.add(second);
            }
            p.second = second;
            p.lastScore = Double.POSITIVE_INFINITY;
        }
        if (score > p.lastScore) {
            inversions++;
        }
        p.lastScore = score;
    }

    public Report report() {
        return new Report(records, partitionOfSecond.size(), split.size(), descending, inversions, late, delayed,
                unreadable);
    }

    /**
     * Reads {@code topic} from the beginning to its end offsets as of now, with {@code read_committed} (what a
     * consumer of an exactly-once topic must use: a crashed app's aborted attempts stay in the log), and checks it.
     */
    public static Report read(final String bootstrap, final String topic, final Duration timeout) {
        final OrderChecker checker = new OrderChecker();
        readToEnd(bootstrap, topic, timeout, r -> checker.accept(r.partition(), r.value(), r.headers()));
        return checker.report();
    }

    /** Hands every record of {@code topic}, from the beginning to its end offsets as of now, read_committed. */
    public static void readToEnd(final String bootstrap, final String topic, final Duration timeout,
            final java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> tps = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took longer than " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    public static void main(final String[] args) {
        final Flags flags = Flags.parse(args);
        if (flags.help(String.join("\n",
                "Usage: ./forestwatch check-order --bootstrap HOST:PORT [--topic DESTINATION_SQL_STREAM]",
                "Reads the topic from the beginning (read_committed) and checks ORDER BY FLOOR(ROWTIME TO SECOND),",
                "ANOMALY_SCORE DESC: each second one block in one partition, seconds ascending, scores descending."))) {
            return;
        }
        final String bootstrap = flags.string("bootstrap", "127.0.0.1:9092");
        final String topic = flags.string("topic", PipelineNames.OUTPUT_TOPIC);
        flags.rejectUnknown();
        final Report r = read(bootstrap, topic, Duration.ofMinutes(5));
        System.out.println(topic + ": " + r + (r.ordered() ? " -> ordered" : " -> NOT ordered"));
        System.exit(r.ordered() ? 0 : 1);
    }
}
