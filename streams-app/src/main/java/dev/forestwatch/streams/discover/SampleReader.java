package dev.forestwatch.streams.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.streams.offline.Csv;
import dev.forestwatch.streams.parse.ReadingParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Feeds a sample into a {@link SchemaDiscovery}: a JSON-lines or CSV file, or a Kafka topic from its start. */
public final class SampleReader {

    private SampleReader() {
    }

    /** Up to {@code max} records of a file: CSV (by its .csv name, first line the header) or JSON, one per line. */
    public static void file(final Path file, final int max, final SchemaDiscovery into) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                csv(in, max, into);
                return;
            }
            int n = 0;
            for (String line = in.readLine(); line != null && n < max; line = in.readLine()) {
                if (!line.isBlank()) {
                    json(line.getBytes(StandardCharsets.UTF_8), into);
                    n++;
                }
            }
        }
    }

    /** CSV has no types: a cell that reads as a number is one, an empty cell is null, the rest strings. */
    private static void csv(final BufferedReader in, final int max, final SchemaDiscovery into) throws IOException {
        final String header = in.readLine();
        if (header == null) {
            return;
        }
        final List<String> names = Csv.split(header.startsWith("\uFEFF") ? header.substring(1) : header);
        int n = 0;
        for (String line = in.readLine(); line != null && n < max; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            n++;
            final List<String> cells = Csv.split(line);
            if (cells.size() != names.size()) {
                into.addInvalid();
                continue;
            }
            final ObjectNode row = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < cells.size(); i++) {
                final String c = cells.get(i);
                if (c.isEmpty()) {
                    row.putNull(names.get(i));
                } else if (FieldProfile.isNumber(c)) {
                    final BigDecimal d = new BigDecimal(c.trim());
                    if (d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                        row.put(names.get(i), d.longValueExact()); // an integer column stays one
                    } else {
                        row.put(names.get(i), d);
                    }
                } else {
                    row.put(names.get(i), c);
                }
            }
            into.add(row);
        }
    }

    /**
     * Up to {@code max} records of a topic, every partition from its beginning up to its end at the start (so it
     * returns on a quiet topic too), within {@code timeout}. {@code clientProps} carries bootstrap.servers and any
     * security settings.
     */
    public static long kafka(final Map<String, Object> clientProps, final String topic, final int max,
            final Duration timeout, final SchemaDiscovery into) {
        final Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), no group: nothing is committed anywhere
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(max, 500));
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist (or has no partitions)");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (n < max && System.nanoTime() < deadline && !atEnd(consumer, end)) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (n < max) {
                        json(r.value(), into);
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static boolean atEnd(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void json(final byte[] value, final SchemaDiscovery into) {
        if (value == null) {
            into.addInvalid();
            return;
        }
        final JsonNode node;
        try {
            node = ReadingParser.MAPPER.readTree(value);
        } catch (IOException e) {
            into.addInvalid();
            return;
        }
        into.add(node);
    }
}
