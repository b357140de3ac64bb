package dev.forestwatch.streams.topology;

import static dev.forestwatch.streams.topology.ForestwatchTopologyTest.header;
import static dev.forestwatch.streams.topology.ForestwatchTopologyTest.metric;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.forestwatch.streams.processor.DeadLetterProcessor;
import dev.forestwatch.streams.processor.ScoringProcessor;
import dev.forestwatch.streams.topology.Harness.Out;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** Input and state that used to stop the app, corrupt its state or grow it without bound. */
class HardeningTopologyTest {

    private static final String REASON = DeadLetterProcessor.HEADER_REASON;

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * 1e39 is a finite double but not a float: the forest's update used to throw on it, the task failed, and its
     * replacement read the same record again, forever.
     */
    @Test
    void aValueBeyondFloatRangeIsDeadLetteredAndEverySensorGoesOnScoring() {
        try (Harness h = new Harness()) {
            final Random rnd = new Random(4);
            long t = 0;
            for (int i = 0; i < 300; i++) {
                h.send("Good", 10 + rnd.nextInt(11), at(t += 50));
                h.send("Other", 10 + rnd.nextInt(11), at(t += 50));
            }
            h.sendRaw(utf8("{\"iotName\":\"Good\",\"iotValue\":1e39}"), null, at(t += 50));
            h.sendRaw(utf8("{\"iotName\":\"Good\",\"iotValue\":-3.5e38}"), null, at(t += 50));
            for (int i = 0; i < 20; i++) {
                h.send("Good", 10 + rnd.nextInt(11), at(t += 50));
                h.send("Other", 10 + rnd.nextInt(11), at(t += 50));
            }
            h.idle();

            final List<TestRecord<byte[], byte[]>> dlq = h.deadLetters.readRecordsToList();
            assertThat(dlq).extracting(r -> header(r.headers(), REASON))
                    .containsExactly("value-out-of-range", "value-out-of-range");
            final List<Out> out = h.drain();
            assertThat(out).hasSize(2 * 320);
            assertThat(out).allMatch(o -> Double.isFinite(o.score()));
            final List<Out> after = out.stream().filter(o -> o.inputOffset() >= 602).collect(Collectors.toList());
            assertThat(after).hasSize(40).allMatch(o -> o.score() > 0);
            assertThat(after.stream().map(Out::sensor).distinct()).containsExactlyInAnyOrder("Good", "Other");
        }
    }

    /** With value.fields empty every numeric field is a dimension: 5,000 of them took a gigabyte of heap. */
    @Test
    void recordsWithMoreNumericFieldsThanTheLimitOrOverlongNamesAreDeadLettered() {
        try (Harness h = new Harness()) {
            final StringBuilder wide = new StringBuilder("{\"iotName\":\"Wide\"");
            for (int i = 0; i < 31; i++) {
                wide.append(",\"f").append(i).append("\":").append(i);
            }
            h.sendRaw(utf8(wide.append('}').toString()), null, at(0));
            h.sendRaw(utf8("{\"iotName\":\"Long\",\"" + "n".repeat(33_000) + "\":1}"), null, at(1));
            final StringBuilder thirty = new StringBuilder("{\"iotName\":\"Thirty\"");
            for (int i = 0; i < 30; i++) {
                thirty.append(",\"f").append(i).append("\":").append(i);
            }
            h.sendRaw(utf8(thirty.append('}').toString()), null, at(2));
            h.sendRaw(utf8("{\"iotName\":\"Ok\",\"" + "n".repeat(256) + "\":1}"), null, at(3));
            h.idle();
            final List<TestRecord<byte[], byte[]>> dlq = h.deadLetters.readRecordsToList();
            assertThat(dlq).extracting(r -> header(r.headers(), REASON))
                    .containsExactly("too-many-fields", "field-name-too-long");
            assertThat(header(dlq.get(0).headers(), DeadLetterProcessor.HEADER_DETAIL)).contains("input.max.fields");
            assertThat(h.drain()).extracting(Out::sensor).containsExactlyInAnyOrder("Thirty", "Ok");
        }
        try (Harness h = new Harness(Map.of("input.max.fields", 2))) {
            h.sendRaw(utf8("{\"iotName\":\"S\",\"a\":1,\"b\":2,\"c\":3}"), null, at(0));
            h.sendRaw(utf8("{\"iotName\":\"S\",\"a\":1,\"b\":2}"), null, at(1));
            h.idle();
            assertThat(h.deadLetters.readRecordsToList()).extracting(r -> header(r.headers(), REASON))
                    .containsExactly("too-many-fields");
            assertThat(h.drain()).hasSize(1);
        }
    }

    /**
     * The value log used to be a ring of forest.snapshot.interval.records slots, so a restart with another interval
     * lost or misread what the forest had learned since its snapshot.
     */
    @ParameterizedTest
    @ValueSource(ints = {500, 2000})
    void aChangedSnapshotIntervalRestoresForestsExactly(final int newInterval) {
        final Random rnd = new Random(8);
        final double[] values = new double[4000];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextDouble() < 0.02 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
        }
        final int crashAt = 3400; // 1,700 records a sensor: snapshot at 1,001, 699 logged after it
        final Map<String, Object> before = Map.of("forest.snapshot.interval.records", 1000);
        final List<Double> uninterrupted = run(before, values, 0, values.length, null, null);
        final Map<String, Map<Bytes, byte[]>> changelogs = new HashMap<>();
        final List<Double> restored = new ArrayList<>(run(before, values, 0, crashAt, changelogs, null));
        restored.addAll(run(Map.of("forest.snapshot.interval.records", newInterval), values, crashAt, values.length,
                null, changelogs));
        assertThat(restored).hasSize(values.length).isEqualTo(uninterrupted);
    }

    /** Scores of values[from..to) sent to sensors A and B in turn, by input offset. */
    private static List<Double> run(final Map<String, Object> cfg, final double[] values, final int from,
            final int to, final Map<String, Map<Bytes, byte[]>> saveChangelogs,
            final Map<String, Map<Bytes, byte[]>> restoreChangelogs) {
        try (Harness h = new Harness(cfg)) {
            if (restoreChangelogs != null) {
                h.restore(restoreChangelogs);
            }
            for (int i = from; i < to; i++) {
                h.send(i % 2 == 0 ? "A" : "B", values[i], at(i * 10L));
            }
            h.idle();
            final List<Double> scores = h.drain().stream()
                    .sorted((x, y) -> Long.compare(x.inputOffset(), y.inputOffset())).map(Out::score)
                    .collect(Collectors.toList());
            if (saveChangelogs != null) {
                saveChangelogs.putAll(h.changelogs());
            }
            return scores;
        }
    }

    @Test
    void aSensorSilentForTheIdleTtlIsForgottenAndItsStateDeleted() {
        try (Harness h = new Harness(Map.of("forest.idle.ttl.ms", 60_000L))) {
            final Random rnd = new Random(9);
            for (int i = 0; i < 300; i++) {
                h.send("Retired", 10 + rnd.nextInt(11), at(i * 100L));
                h.send("Busy", 10 + rnd.nextInt(11), at(i * 100L + 1));
            }
            // Busy goes on for two more minutes of record time; Retired says nothing
            for (int i = 0; i < 120; i++) {
                h.send("Busy", 10 + rnd.nextInt(11), at(30_000L + i * 1000L));
            }
            final KeyValueStore<String, byte[]> snapshots = h.driver.getKeyValueStore(ScoringProcessor.SNAPSHOT_STORE);
            assertThat(snapshots.get("Retired")).isNull();
            assertThat(snapshots.get("Busy")).isNotNull();
            final KeyValueStore<Bytes, byte[]> log = h.driver.getKeyValueStore(ScoringProcessor.LOG_STORE);
            try (var it = log.all()) {
                it.forEachRemaining(kv -> assertThat(new String(kv.key.get(), StandardCharsets.ISO_8859_1))
                        .doesNotContain("Retired"));
            }
            assertThat(metric(h, "forest-expirations-total")).isEqualTo(1);
            h.idle();
            h.drain();
            // it comes back as a new sensor: a new forest, warming up again
            h.send("Retired", 15, at(200_000L));
            h.send("Busy", 15, at(200_001L));
            h.idle();
            final Map<String, Double> last = h.drain().stream().collect(Collectors.toMap(Out::sensor, Out::score));
            assertThat(last.get("Retired")).isZero();
            assertThat(last.get("Busy")).isPositive();
        }
    }

    @Test
    void aNewSensorBeyondTheCapIsDeadLetteredNamingTheSetting() {
        try (Harness h = new Harness(Map.of("forest.max.sensors.per.task", 2))) {
            h.send("A", 1, at(0));
            h.send("B", 2, at(1));
            h.send("C", 3, at(2));
            h.send("A", 4, at(3));
            h.send("B", 5, at(4));
            h.idle();
            final List<TestRecord<byte[], byte[]>> dlq = h.deadLetters.readRecordsToList();
            assertThat(dlq).extracting(r -> header(r.headers(), REASON)).containsExactly("too-many-sensors");
            assertThat(header(dlq.get(0).headers(), DeadLetterProcessor.HEADER_DETAIL))
                    .contains("forest.max.sensors.per.task");
            assertThat(h.drain()).extracting(Out::iotValue).containsExactlyInAnyOrder(1.0, 2.0, 4.0, 5.0);
        }
    }

    /** The README promises the payload is never logged; sensor ids and Jackson's token excerpts are payload. */
    @Test
    void deadLettersLogWhereAndWhyButNoPayloadText() {
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final Logger forestwatch = (Logger) LoggerFactory.getLogger("dev.forestwatch");
        final Logger deadLetters = (Logger) LoggerFactory.getLogger(DeadLetterProcessor.class);
        final Level rootLevel = root.getLevel();
        final Level fwLevel = forestwatch.getLevel();
        final Level dlLevel = deadLetters.getLevel();
        final ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        forestwatch.setLevel(Level.TRACE);
        deadLetters.setLevel(Level.TRACE);
        try (Harness h = new Harness()) {
            h.sendRaw(utf8("{\"iotName\":\"Zebra-4711\",\"iotValue\":tok3nZebra}"), null, at(0));
            h.sendRaw(utf8("{\"iotName\":\"Zebra-4711\",\"iotValue\":15}"), null, at(1));
            h.sendRaw(utf8("{\"iotName\":\"Zebra-4711\",\"iotValue\":15,\"zebraField\":3}"), null, at(2));
            h.sendRaw(utf8("{\"iotName\":\"Zebra-4711\",\"iotValue\":\"Zebra\"}"), null, at(3));
            h.sendRaw(utf8("{\"iotName\":\"Zebra-4711\",\"iotValue\":1e39}"), null, at(4));
            h.idle();
        } finally {
            root.detachAppender(captured);
            forestwatch.setLevel(fwLevel);
            deadLetters.setLevel(dlLevel);
            root.setLevel(rootLevel);
        }
        final List<String> lines = new ArrayList<>();
        for (final ILoggingEvent e : captured.list) {
            lines.add(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        assertThat(lines).anyMatch(l -> l != null && l.contains("RawStreamData-0-0") && l.contains("malformed-json"));
        assertThat(lines).noneMatch(l -> l != null && (l.contains("Zebra") || l.contains("tok3n")));
    }

    private static java.time.Instant at(final long ms) {
        return Harness.T0.plusMillis(ms);
    }
}
