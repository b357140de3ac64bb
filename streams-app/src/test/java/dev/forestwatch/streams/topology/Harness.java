package dev.forestwatch.streams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.processor.ParseProcessor;
import dev.forestwatch.streams.processor.ScoringProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The production topology in a TopologyTestDriver, with JSON helpers. */
final class Harness implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-26T04:00:00Z");

    final AppConfig config;
    private final Path stateDir;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> input;
    final TestOutputTopic<String, byte[]> output;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    Harness(final Map<String, Object> overrides) {
        final Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "forestwatch-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            this.stateDir = Files.createTempDirectory("fw-ttd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(AppConfig.STORE_TYPE_CONFIG, AppConfig.STORE_TYPE_IN_MEMORY);
        props.put(AppConfig.INPUT_PARTITIONS_CONFIG, 1); // as the driver has it
        props.putAll(overrides);
        this.config = new AppConfig(props);
        final Properties streamsProps = config.streamsProperties();
        this.driver = new TopologyTestDriver(ForestwatchTopology.build(config), streamsProps, T0);
        this.input = driver.createInputTopic(config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        this.output = driver.createOutputTopic(config.outputTopic(), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    Harness() {
        this(Map.of());
    }

    static byte[] reading(final String sensor, final double value) {
        return ("{\"iotName\":\"" + sensor + "\",\"iotValue\":" + num(value) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String num(final double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    void send(final String sensor, final double value, final Instant at) {
        input.pipeInput(new TestRecord<>(sensor.getBytes(StandardCharsets.UTF_8), reading(sensor, value), at));
    }

    void sendRaw(final byte[] value, final Headers headers, final Instant at) {
        input.pipeInput(new TestRecord<>(null, value, headers == null ? new RecordHeaders() : headers, at));
    }

    /**
     * Lets wall-clock time pass without input, a few watermark ticks at a time: the idle parsing task tells the
     * scoring task, which tells the ordering step, one tick per hop.
     */
    void idle() {
        for (int i = 0; i < 4; i++) {
            driver.advanceWallClockTime(java.time.Duration.ofMillis(2500));
        }
    }

    /** Everything emitted so far, parsed. */
    List<Out> drain() {
        final List<Out> all = new ArrayList<>();
        for (final TestRecord<String, byte[]> r : output.readRecordsToList()) {
            all.add(new Out(r.key(), json(r.value()), r.headers(), r.timestamp()));
        }
        return all;
    }

    static JsonNode json(final byte[] b) {
        try {
            return ReadingParser.MAPPER.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A scored output record. */
    record Out(String key, JsonNode value, Headers headers, long timestamp) {
        double score() {
            return value.get("ANOMALY_SCORE").asDouble();
        }

        String created() {
            return value.get("created").asText();
        }

        String sensor() {
            return value.get("iotName").asText();
        }

        /** The input offset, from the default recordId {@code RawStreamData-0-<offset>}. */
        long inputOffset() {
            final String id = value.get("recordId").asText();
            return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
        }

        double iotValue() {
            return value.get("iotValue").asDouble();
        }
    }

    /** What each changelog topic of the driver holds: its last value per key. */
    Map<String, Map<Bytes, byte[]>> changelogs() {
        final Map<String, Map<Bytes, byte[]>> changelogs = new HashMap<>();
        for (final String topic : driver.producedTopicNames()) {
            if (topic.endsWith("-changelog")) {
                final Map<Bytes, byte[]> latest = new HashMap<>();
                driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList().forEach(r -> latest.put(Bytes.wrap(r.key()), r.value()));
                changelogs.put(topic, latest);
            }
        }
        return changelogs;
    }

    /**
     * What restoration does on a new instance, for {@link #changelogs()} of an old one: each changelog's last value
     * per key into its store (null deletes).
     */
    void restore(final Map<String, Map<Bytes, byte[]>> changelogs) {
        changelogs.forEach(this::restore);
    }

    private void restore(final String changelog, final Map<Bytes, byte[]> latest) {
        final String store = changelog.substring("forestwatch-test-".length(),
                changelog.length() - "-changelog".length());
        final boolean stringKeys = store.equals(ScoringProcessor.SNAPSHOT_STORE) || store.endsWith("watermarks")
                || store.equals(ScoringProcessor.ACTIVITY_STORE) || store.equals(ParseProcessor.REPLAY_STORE);
        if (stringKeys) {
            final KeyValueStore<String, byte[]> s = driver.getKeyValueStore(store);
            latest.forEach((k, v) -> s.put(new String(k.get(), StandardCharsets.UTF_8), v));
        } else {
            final KeyValueStore<Bytes, byte[]> s = driver.getKeyValueStore(store);
            latest.forEach(s::put);
        }
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("fw");
    }

    @Override
    public void close() {
        driver.close();
        try (java.util.stream.Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
