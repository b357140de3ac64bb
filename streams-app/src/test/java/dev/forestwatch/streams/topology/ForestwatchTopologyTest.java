package dev.forestwatch.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.order.SecondOrderingProcessor;
import dev.forestwatch.streams.output.OutputRecord;
import dev.forestwatch.streams.processor.DeadLetterProcessor;
import dev.forestwatch.streams.processor.ScoringProcessor;
import dev.forestwatch.streams.topology.Harness.Out;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class ForestwatchTopologyTest {

    @Test
    void ordersEachSecondByDescendingScoreAcrossSensors() {
        try (Harness h = new Harness()) {
            final Random rnd = new Random(7);
            final int sent = 2000;
            // 5 sensors, ~12 records a second for 3 minutes, records slightly out of time order
            for (int i = 0; i < sent; i++) {
                final String sensor = "sensor-" + rnd.nextInt(5);
                final double v = rnd.nextDouble() < 0.02 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
                h.send(sensor, v, Harness.T0.plusMillis(i * 83L - rnd.nextInt(300)));
            }
            h.idle();
            final List<Out> out = h.drain();

            assertThat(out).hasSize(sent);
            assertThat(out.stream().map(o -> o.value().get("recordId").asText()).distinct()).hasSize(sent);
            assertOrderedBySecondThenScore(out);
            assertThat(out.stream().filter(o -> o.score() > 0).count()).isGreaterThan(500);
        }
    }

    static void assertOrderedBySecondThenScore(final List<Out> out) {
        final Set<String> closedSeconds = new HashSet<>();
        String current = null;
        double previous = Double.MAX_VALUE;
        for (final Out o : out) {
            if (!o.created().equals(current)) {
                assertThat(closedSeconds).as("second %s emitted in one block", o.created()).doesNotContain(o.created());
                if (current != null) {
                    closedSeconds.add(current);
                    assertThat(o.created()).as("seconds ascend").isGreaterThan(current);
                }
                current = o.created();
                previous = Double.MAX_VALUE;
            }
            assertThat(o.score()).as("descending score within %s", current).isLessThanOrEqualTo(previous);
            previous = o.score();
        }
    }

    @Test
    void emitsZeroWhileTheForestWarmsUp() {
        try (Harness h = new Harness()) {
            final Random rnd = new Random(1);
            for (int i = 0; i < 300; i++) {
                h.send("DemoSensor", 10 + rnd.nextInt(11), Harness.T0.plusMillis(i * 100L));
            }
            h.idle();
            final Map<Long, Double> byOffset = scoresByInputOffset(h.drain());
            assertThat(byOffset).hasSize(300);
            for (long i = 0; i < 256; i++) {
                assertThat(byOffset.get(i)).as("record %d while warming", i).isZero();
            }
            for (long i = 256; i < 300; i++) {
                assertThat(byOffset.get(i)).as("record %d after warm-up", i).isPositive();
            }
        }
    }

    @Test
    void seedDataGivesEveryAnomalyAHigherScoreThanEveryNormalRecord() {
        try (Harness h = new Harness()) {
            final Random rnd = new Random(2017);
            final Map<Long, Boolean> anomalous = new HashMap<>();
            for (int i = 0; i < 4000; i++) {
                final boolean anomaly = rnd.nextDouble() < 0.01;
                anomalous.put((long) i, anomaly);
                h.send("DemoSensor", anomaly ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11),
                        Harness.T0.plusMillis(i * 50L));
            }
            h.idle();
            final List<Out> out = h.drain();
            final Map<Long, Out> byOffset = out.stream().collect(Collectors.toMap(Harness.Out::inputOffset, o -> o));
            double maxNormal = 0;
            double minAnomaly = Double.MAX_VALUE;
            int anomalies = 0;
            int flaggedAnomalies = 0;
            int flaggedNormals = 0;
            for (long i = 256; i < 4000; i++) {
                final Out o = byOffset.get(i);
                final boolean flagged = o.value().get("isAnomaly").asBoolean();
                if (anomalous.get(i)) {
                    anomalies++;
                    minAnomaly = Math.min(minAnomaly, o.score());
                    flaggedAnomalies += flagged ? 1 : 0;
                } else {
                    maxNormal = Math.max(maxNormal, o.score());
                    flaggedNormals += flagged ? 1 : 0;
                }
            }
            assertThat(anomalies).isGreaterThan(20);
            assertThat(minAnomaly).isGreaterThan(maxNormal);
            // the grade is a second opinion: most anomalies flagged, next to no normal records
            assertThat(flaggedAnomalies).isGreaterThanOrEqualTo((int) (anomalies * 0.9));
            assertThat(flaggedNormals).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void eachSensorHasItsOwnForest() {
        final Random rnd = new Random(3);
        final double[] a = new double[600];
        final double[] b = new double[600];
        for (int i = 0; i < 600; i++) {
            a[i] = 10 + rnd.nextInt(11);
            b[i] = 1000 + rnd.nextInt(500);
        }
        final List<Double> alone = new ArrayList<>();
        try (Harness h = new Harness()) {
            for (int i = 0; i < 600; i++) {
                h.send("A", a[i], Harness.T0.plusMillis(i * 100L));
            }
            h.idle();
            h.drain().stream().sorted((x, y) -> Long.compare(x.inputOffset(), y.inputOffset()))
                    .forEach(o -> alone.add(o.score()));
        }
        final List<Double> mixed = new ArrayList<>();
        try (Harness h = new Harness()) {
            for (int i = 0; i < 600; i++) {
                h.send("A", a[i], Harness.T0.plusMillis(i * 100L));
                h.send("B", b[i], Harness.T0.plusMillis(i * 100L + 1));
            }
            h.idle();
            h.drain().stream().filter(o -> o.sensor().equals("A"))
                    .sorted((x, y) -> Long.compare(x.inputOffset(), y.inputOffset()))
                    .forEach(o -> mixed.add(o.score()));
        }
        assertThat(mixed).hasSize(600).isEqualTo(alone);
    }

    @Test
    void evictedSensorsScoreExactlyAsIfNeverEvicted() {
        final Map<String, Double> roomy = runManySensors(Map.of());
        final Map<String, Double> cramped = runManySensors(Map.of(AppConfig.CACHE_MAX_SENSORS_CONFIG, 2,
                AppConfig.SNAPSHOT_INTERVAL_CONFIG, 37));
        assertThat(roomy).hasSize(6 * 300);
        assertThat(cramped).isEqualTo(roomy);
        assertThat(roomy.values().stream().filter(s -> s > 0).count()).isGreaterThan(6 * 40);
    }

    @Test
    void evictedSensorsGiveTheSameConfidenceAndBandAsIfNeverEvicted() {
        final Map<String, Object> on = Map.of(AppConfig.EXPECTED_ENABLED_CONFIG, true,
                AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 64, AppConfig.FOREST_TREES_CONFIG, 30);
        final Map<String, Object> cramped = new HashMap<>(on);
        cramped.putAll(Map.of(AppConfig.CACHE_MAX_SENSORS_CONFIG, 2, AppConfig.SNAPSHOT_INTERVAL_CONFIG, 37));
        final Map<String, String> roomy = runManySensors(on, 6, ForestwatchTopologyTest::expectation);
        assertThat(runManySensors(cramped, 6, ForestwatchTopologyTest::expectation)).isEqualTo(roomy);
        assertThat(roomy.values().stream().filter(e -> e.contains(OutputRecord.LOWER_BAND)).count())
                .isGreaterThan(6 * 40);
    }

    /** The score and every field of the richer output, as text, for comparing runs. */
    static String expectation(final Out o) {
        final StringBuilder b = new StringBuilder().append(o.score());
        for (final String f : List.of(OutputRecord.ANOMALY_CONFIDENCE, OutputRecord.EXPECTED_VALUE,
                OutputRecord.LOWER_BAND, OutputRecord.UPPER_BAND)) {
            if (o.value().has(f)) {
                b.append(' ').append(f).append('=').append(o.value().get(f));
            }
        }
        return b.toString();
    }

    /** The compact preset README's "Fleet scale" documents: fewer trees, smaller samples, a tenth of the bounding boxes cached. */
    @Test
    void evictedSensorsScoreExactlyAsIfNeverEvictedWithTheCompactPreset() {
        final Map<String, Object> compact = Map.of(AppConfig.FOREST_TREES_CONFIG, 40,
                AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 128, AppConfig.FOREST_BOUNDING_BOX_CACHE_FRACTION_CONFIG, 0.1);
        final Map<String, Object> cramped = new HashMap<>(compact);
        cramped.put(AppConfig.CACHE_MAX_SENSORS_CONFIG, 2);
        cramped.put(AppConfig.SNAPSHOT_INTERVAL_CONFIG, 37);
        final Map<String, Double> roomy = runManySensors(compact);
        assertThat(roomy).hasSize(6 * 300);
        assertThat(runManySensors(cramped)).isEqualTo(roomy);
        // the preset's forests warm after 128 records, so most of each sensor's 300 are scored
        assertThat(roomy.values().stream().filter(s -> s > 0).count()).isGreaterThan(6 * 150);
    }

    /**
     * An instance dies and its tasks restart elsewhere from the changelogs: the new driver's stores get what the
     * old one's changelog topics hold (last value per key, as restoration does), and the forests go on exactly.
     * The crash comes well past the warm-up, between two snapshots (the restore replays the value log) and with
     * records still in the ordering buffer (they must come out of the restored buffer, once, with their scores).
     */
    @Test
    void stateRestoredFromTheChangelogsScoresExactlyAsIfUninterrupted() {
        final Map<String, Object> cfg = Map.of(AppConfig.SNAPSHOT_INTERVAL_CONFIG, 100,
                AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 64, AppConfig.FOREST_TREES_CONFIG, 30,
                AppConfig.EXPECTED_ENABLED_CONFIG, true);
        final Random rnd = new Random(21);
        final double[] values = new double[700];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextDouble() < 0.02 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
        }
        // second 44 holds records 440-449: crashing after 447 leaves eight of them buffered
        final int crashAt = 448;
        final Map<String, Double> uninterrupted = new HashMap<>();
        final Map<String, String> uninterruptedExpectations = new HashMap<>();
        try (Harness h = new Harness(cfg)) {
            for (int i = 0; i < values.length; i++) {
                sendWithOrigin(h, i, values[i]);
            }
            h.idle();
            h.drain().forEach(o -> {
                uninterrupted.put(recordId(o), o.score());
                uninterruptedExpectations.put(recordId(o), expectation(o));
            });
        }
        assertThat(uninterrupted).hasSize(values.length);

        final List<Out> restored = new ArrayList<>();
        final Map<String, Map<Bytes, byte[]>> changelogs = new HashMap<>();
        final List<String> buffered = new ArrayList<>();
        try (Harness first = new Harness(cfg)) {
            for (int i = 0; i < crashAt; i++) {
                sendWithOrigin(first, i, values[i]);
            }
            // no idle(): the crash leaves the newest seconds in the ordering buffer
            restored.addAll(first.drain());
            changelogs.putAll(first.changelogs());
        }
        for (int i = 0; i < crashAt; i++) {
            final String id = "shard-1-" + i;
            if (restored.stream().noneMatch(o -> recordId(o).equals(id))) {
                buffered.add(id);
            }
        }
        assertThat(buffered).as("records in the ordering buffer at the crash").hasSizeGreaterThan(3);
        assertThat(changelogs.keySet()).anyMatch(t -> t.contains(ScoringProcessor.LOG_STORE))
                .anyMatch(t -> t.contains(SecondOrderingProcessor.BUFFER_STORE));
        try (Harness second = new Harness(cfg)) {
            second.restore(changelogs);
            for (int i = crashAt; i < values.length; i++) {
                sendWithOrigin(second, i, values[i]);
            }
            second.idle();
            restored.addAll(second.drain());
        }
        final Map<String, Double> byId = new HashMap<>();
        restored.forEach(o -> assertThat(byId.put(recordId(o), o.score())).as("%s emitted once", recordId(o)).isNull());
        assertThat(byId).isEqualTo(uninterrupted);
        assertThat(restored.stream().collect(Collectors.toMap(ForestwatchTopologyTest::recordId,
                ForestwatchTopologyTest::expectation))).isEqualTo(uninterruptedExpectations);
        assertThat(buffered).allSatisfy(id -> assertThat(byId.get(id)).as("buffered %s scored", id).isPositive());
        final long positiveAfterCrash = java.util.stream.IntStream.range(crashAt, values.length)
                .filter(i -> byId.get("shard-1-" + i) > 0).count();
        assertThat(positiveAfterCrash).isEqualTo(values.length - crashAt);
    }

    /** Two sensors taking turns, with Kinesis coordinates, so recordIds stay unique across both drivers. */
    private static void sendWithOrigin(final Harness h, final int i, final double value) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add("kinesis.shard.id", "shard-1".getBytes(StandardCharsets.UTF_8));
        headers.add("kinesis.sequence.number", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        h.sendRaw(Harness.reading(i % 2 == 0 ? "A" : "B", value), headers, Harness.T0.plusMillis(i * 100L));
    }

    private static String recordId(final Out o) {
        return o.value().get("recordId").asText();
    }

    @Test
    void rocksDbStoresScoreLikeInMemoryOnes() {
        // small forests, so 80 records per sensor go well past the warm-up and the comparison is of real scores
        final Map<String, Object> small = Map.of(AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 32,
                AppConfig.FOREST_TREES_CONFIG, 20);
        final Map<String, Object> rocks = new HashMap<>(small);
        rocks.putAll(Map.of(AppConfig.STORE_TYPE_CONFIG, AppConfig.STORE_TYPE_ROCKSDB,
                AppConfig.CACHE_MAX_SENSORS_CONFIG, 2, AppConfig.SNAPSHOT_INTERVAL_CONFIG, 37));
        final Map<String, Double> inMemory = runManySensors(small, 4);
        assertThat(runManySensors(rocks, 4)).isEqualTo(inMemory);
        assertThat(inMemory).hasSize(6 * 80);
        assertThat(inMemory.values().stream().filter(s -> s > 0).count()).isGreaterThanOrEqualTo(6 * 40);
    }

    private static Map<String, Double> runManySensors(final Map<String, Object> overrides) {
        return runManySensors(overrides, 15);
    }

    /** Six sensors taking turns in bursts of 20, so that each comes back after a small cache has dropped it. */
    private static Map<String, Double> runManySensors(final Map<String, Object> overrides, final int rounds) {
        return runManySensors(overrides, rounds, Out::score);
    }

    private static <T> Map<String, T> runManySensors(final Map<String, Object> overrides, final int rounds,
            final java.util.function.Function<Out, T> what) {
        try (Harness h = new Harness(overrides)) {
            final Random rnd = new Random(11);
            long t = 0;
            for (int round = 0; round < rounds; round++) {
                for (int s = 0; s < 6; s++) {
                    for (int i = 0; i < 20; i++) {
                        h.send("sensor-" + s, s * 10 + rnd.nextInt(11), Harness.T0.plusMillis(t += 10));
                    }
                }
            }
            h.idle();
            final List<Out> out = h.drain();
            if (overrides.containsKey(AppConfig.CACHE_MAX_SENSORS_CONFIG)) {
                assertThat(metric(h, "forest-evictions-total")).isGreaterThanOrEqualTo(6 * rounds - 2);
                assertThat(metric(h, "forest-restores-total")).isGreaterThanOrEqualTo(6 * rounds - 6);
            }
            return out.stream().collect(Collectors.toMap(o -> o.value().get("recordId").asText(), what));
        }
    }

    static double metric(final Harness h, final String name) {
        return h.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("stream-forestwatch-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithItsReasonAndTheAppKeepsScoring() {
        final Map<String, Object> cfg = Map.of(AppConfig.INPUT_MAX_BYTES_CONFIG, 1000);
        try (Harness h = new Harness(cfg)) {
            final Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("", "empty");
            cases.put("{\"iotName\":\"S\",\"iotValue\":1,\"pad\":\"" + "x".repeat(1000) + "\"}", "oversized");
            cases.put("{\"iotName\":\"S\",\"iotValue\":", "malformed-json");
            cases.put("{\"iotName\":\"S\",\"iotValue\":NaN}", "malformed-json");
            cases.put("[1,2,3]", "not-an-object");
            cases.put("{\"iotValue\":15}", "missing-sensor-id");
            cases.put("{\"iotName\":\"\",\"iotValue\":15}", "missing-sensor-id");
            cases.put("{\"iotName\":\"S\",\"iotValue\":\"hot\"}", "no-numeric-fields");
            cases.put("{\"iotName\":\"S\",\"iotValue\":1e999}", "non-finite-value");
            cases.put("{\"iotName\":\"S\",\"iotValue\":15,\"other\":2}", "dimension-mismatch");
            cases.put("{\"iotName\":\"S\",\"iotValue\":1e39}", "value-out-of-range");
            cases.put("{\"iotName\":\"S\",\"iotValue\":15,\"iotValue\":16}", "malformed-json");
            cases.put("{\"iotName\":\"S\",\"iotName\":\"T\",\"iotValue\":15}", "malformed-json");
            cases.put("{\"iotName\":\"" + "s".repeat(257) + "\",\"iotValue\":15}", "sensor-id-too-long");
            cases.put("\"S\"", "not-an-object");
            h.send("S", 15, Harness.T0); // fixes sensor S's fields to [iotValue]
            int i = 1;
            for (final String bad : cases.keySet()) {
                final RecordHeaders headers = new RecordHeaders();
                headers.add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
                h.sendRaw(bad.getBytes(StandardCharsets.UTF_8), headers, Harness.T0.plusMillis(i++));
            }
            h.send("S", 16, Harness.T0.plusMillis(100));
            h.idle();

            final List<TestRecord<byte[], byte[]>> dlq = h.deadLetters.readRecordsToList();
            assertThat(dlq).hasSize(cases.size());
            final List<String> bad = new ArrayList<>(cases.keySet());
            final List<String> reasons = new ArrayList<>(cases.values());
            for (int k = 0; k < dlq.size(); k++) {
                final TestRecord<byte[], byte[]> r = dlq.get(k);
                final Headers hs = r.headers();
                assertThat(header(hs, DeadLetterProcessor.HEADER_REASON)).isEqualTo(reasons.get(k));
                assertThat(header(hs, DeadLetterProcessor.HEADER_TOPIC)).isEqualTo("RawStreamData");
                assertThat(header(hs, DeadLetterProcessor.HEADER_PARTITION)).isEqualTo("0");
                assertThat(header(hs, DeadLetterProcessor.HEADER_OFFSET)).isEqualTo(Integer.toString(k + 1));
                assertThat(header(hs, DeadLetterProcessor.HEADER_DETAIL)).isNotBlank();
                assertThat(header(hs, "trace")).as("input headers kept").isEqualTo("t" + (k + 1));
                assertThat(new String(r.value() == null ? new byte[0] : r.value(), StandardCharsets.UTF_8))
                        .as("value unchanged").isEqualTo(bad.get(k));
            }
            assertThat(h.drain()).extracting(Out::iotValue).containsExactlyInAnyOrder(15.0, 16.0);
            assertThat(metric(h, "dead-letter-total")).isEqualTo(cases.size());
            // one counter per reason, each counting only its own records
            final Map<String, Long> perReason = cases.values().stream()
                    .collect(java.util.stream.Collectors.groupingBy(r -> r, java.util.stream.Collectors.counting()));
            assertThat(perReason).hasSizeGreaterThanOrEqualTo(10);
            for (final Map.Entry<String, Long> e : perReason.entrySet()) {
                assertThat(metric(h, "dead-letter-" + e.getKey() + "-total")).as(e.getKey())
                        .isEqualTo(e.getValue().doubleValue());
            }
            assertThat(metric(h, "dead-letter-malformed-json-total")).isEqualTo(4);
            assertThat(metric(h, "dead-letter-too-many-sensors-total")).isZero();
        }
    }

    @Test
    void configuredValueFieldsRejectNonNumericAndMissingValues() {
        try (Harness h = new Harness(Map.of(AppConfig.VALUE_FIELDS_CONFIG, "temp,humidity"))) {
            h.sendRaw("{\"iotName\":\"S\",\"temp\":\"NaN\",\"humidity\":3}".getBytes(StandardCharsets.UTF_8), null,
                    Harness.T0);
            h.sendRaw("{\"iotName\":\"S\",\"temp\":1}".getBytes(StandardCharsets.UTF_8), null, Harness.T0);
            h.sendRaw("{\"iotName\":\"S\",\"temp\":1,\"humidity\":2,\"note\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                    null, Harness.T0);
            h.idle();
            assertThat(h.deadLetters.readRecordsToList()).extracting(r -> header(r.headers(),
                    DeadLetterProcessor.HEADER_REASON)).containsExactly("non-numeric-value", "missing-value");
            assertThat(h.drain()).hasSize(1);
        }
    }

    @Test
    void withEventTimeARecordLaterThanTheGraceIsEmittedAloneAndFlagged() {
        try (Harness h = new Harness(Map.of(AppConfig.ORDER_TIME_CONFIG, AppConfig.ORDER_TIME_EVENT,
                AppConfig.ORDER_GRACE_MS_CONFIG, 500L))) {
            h.send("S", 10, Harness.T0.plusMillis(100));
            h.send("S", 11, Harness.T0.plusMillis(1600)); // scored up to 1.6 s: second 0 closes (1 s + 0.5 s grace)
            // the parsing then the scoring task tell the ordering step so, one watermark tick each
            h.driver.advanceWallClockTime(Duration.ofMillis(600));
            h.driver.advanceWallClockTime(Duration.ofMillis(600));
            assertThat(h.drain()).extracting(Out::iotValue).containsExactly(10.0);
            h.send("S", 12, Harness.T0.plusMillis(900)); // second 0 again: late
            final List<Out> late = h.drain();
            assertThat(late).extracting(Out::iotValue).containsExactly(12.0);
            assertThat(header(late.get(0).headers(), SecondOrderingProcessor.HEADER_LATE)).isEqualTo("true");
            assertThat(metric(h, "late-records-total")).isEqualTo(1);
        }
    }

    @Test
    void idleInputIsFlushedByTheWallClock() {
        try (Harness h = new Harness()) {
            h.send("S", 10, Harness.T0);
            h.send("S", 11, Harness.T0.plusMillis(10));
            h.driver.advanceWallClockTime(Duration.ofMillis(500));
            h.driver.advanceWallClockTime(Duration.ofMillis(500));
            assertThat(h.drain()).isEmpty();
            h.idle(); // the idle flush: 2 s without input, then a tick per hop
            assertThat(h.drain()).hasSize(2);
        }
    }

    @Test
    void carriesInputHeadersAndTakesRecordIdFromKinesisCoordinates() {
        try (Harness h = new Harness()) {
            final RecordHeaders headers = new RecordHeaders();
            headers.add("kinesis.shard.id", "shardId-000000000001".getBytes(StandardCharsets.UTF_8));
            headers.add("kinesis.sequence.number", "4959".getBytes(StandardCharsets.UTF_8));
            headers.add("kinesis.subsequence.number", "0".getBytes(StandardCharsets.UTF_8));
            h.sendRaw(Harness.reading("S", 12), headers, Harness.T0.plusMillis(1234));
            h.send("S", 13, Harness.T0.plusMillis(1500));
            h.idle();
            final List<Out> out = h.drain();
            assertThat(out).hasSize(2);
            final Out kinesis = out.stream().filter(o -> o.iotValue() == 12).findFirst().orElseThrow();
            assertThat(kinesis.value().get("recordId").asText()).isEqualTo("shardId-000000000001-4959-0");
            assertThat(header(kinesis.headers(), "kinesis.shard.id")).isEqualTo("shardId-000000000001");
            assertThat(kinesis.created()).isEqualTo("2026-11-26T04:00:01Z");
            assertThat(kinesis.key()).isEqualTo("S");
            final Out plain = out.stream().filter(o -> o.iotValue() == 13).findFirst().orElseThrow();
            assertThat(plain.value().get("recordId").asText()).isEqualTo("RawStreamData-0-1");
            assertThat(kinesis.value().fieldNames()).toIterable().containsExactly("iotName", "iotValue",
                    "ANOMALY_SCORE", "created", "APPROXIMATE_ARRIVAL_TIME", "ANOMALY_GRADE", "isAnomaly",
                    "ANOMALY_CONFIDENCE",
                    "recordId");
        }
    }

    private static RecordHeaders kinesisHeaders(final String shard, final String sequence, final int subSequence) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add("kinesis.shard.id", shard.getBytes(StandardCharsets.UTF_8));
        headers.add("kinesis.sequence.number", sequence.getBytes(StandardCharsets.UTF_8));
        headers.add("kinesis.subsequence.number", Integer.toString(subSequence).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @Test
    void recordsASourceReplaysAfterACrashAreDroppedSoNoForestLearnsThemTwice() {
        final String a = "shardId-000000000000";
        final String b = "shardId-000000000001";
        try (Harness h = new Harness()) {
            h.sendRaw(Harness.reading("S", 11), kinesisHeaders(a, "99", 0), Harness.T0.plusMillis(100));
            h.sendRaw(Harness.reading("S", 12), kinesisHeaders(a, "100", 0), Harness.T0.plusMillis(200));
            h.sendRaw(Harness.reading("S", 13), kinesisHeaders(a, "100", 1), Harness.T0.plusMillis(300));
            // the source crashed after its checkpoint at 99 and reads 100/0 and 100/1 again, then goes on
            h.sendRaw(Harness.reading("S", 12), kinesisHeaders(a, "100", 0), Harness.T0.plusMillis(400));
            h.sendRaw(Harness.reading("S", 13), kinesisHeaders(a, "100", 1), Harness.T0.plusMillis(500));
            h.sendRaw(Harness.reading("S", 14), kinesisHeaders(a, "101", 0), Harness.T0.plusMillis(600));
            // another shard keeps its own position, even with smaller sequence numbers
            h.sendRaw(Harness.reading("S", 15), kinesisHeaders(b, "7", 0), Harness.T0.plusMillis(700));
            // records without origin headers always pass
            h.send("S", 16, Harness.T0.plusMillis(800));
            h.send("S", 16, Harness.T0.plusMillis(900));
            h.idle();
            assertThat(h.drain()).extracting(Out::iotValue).containsExactlyInAnyOrder(11.0, 12.0, 13.0, 14.0, 15.0,
                    16.0, 16.0);
        }
        try (Harness h = new Harness(Map.of(AppConfig.DROP_REPLAYS_CONFIG, false))) {
            h.sendRaw(Harness.reading("S", 12), kinesisHeaders(a, "100", 0), Harness.T0.plusMillis(200));
            // another second, so the ordering buffer (keyed by second, score, recordId) keeps both
            h.sendRaw(Harness.reading("S", 12), kinesisHeaders(a, "100", 0), Harness.T0.plusMillis(1400));
            h.idle();
            assertThat(h.drain()).as("kept when turned off").hasSize(2);
        }
    }

    @Test
    void explanationAttributesTheScoreToEachValueField() {
        try (Harness h = new Harness(Map.of(AppConfig.EXPLANATION_ENABLED_CONFIG, true))) {
            final Random rnd = new Random(5);
            for (int i = 0; i < 400; i++) {
                final String json = "{\"iotName\":\"S\",\"temp\":" + (20 + rnd.nextInt(3)) + ",\"humidity\":"
                        + (i == 399 ? 95 : 40 + rnd.nextInt(3)) + "}";
                h.sendRaw(json.getBytes(StandardCharsets.UTF_8), null, Harness.T0.plusMillis(i * 10L));
            }
            h.idle();
            final Out last = h.drain().stream().max((x, y) -> Long.compare(x.inputOffset(), y.inputOffset()))
                    .orElseThrow();
            final var explanation = last.value().get("ANOMALY_EXPLANATION");
            final double humidity = explanation.get("humidity").get("ATTRIBUTION_SCORE").asDouble();
            final double temp = explanation.get("temp").get("ATTRIBUTION_SCORE").asDouble();
            assertThat(humidity + temp).isCloseTo(last.score(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(humidity).isGreaterThan(temp * 3);
            assertThat(explanation.get("humidity").get("DIRECTION").asText()).isEqualTo("HIGH");
        }
    }

    static String header(final Headers headers, final String key) {
        final var h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Map<Long, Double> scoresByInputOffset(final List<Out> out) {
        return out.stream().collect(Collectors.toMap(Out::inputOffset, Out::score));
    }

    static Map<MetricName, ? extends Metric> metrics(final Harness h) {
        return h.driver.metrics();
    }

    static Instant at(final long ms) {
        return Harness.T0.plusMillis(ms);
    }
}
