package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.local.check.OrderChecker;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.order.SecondOrderingProcessor;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.SensorModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two app instances on a real broker: one is the shaded jar in a child JVM and is killed with SIGKILL mid-stream,
 * the other (in this JVM) takes over its tasks from the changelogs. The output must hold every input record
 * exactly once, each second in one partition in descending score order, with no record late, and every score
 * equal to that of an uninterrupted forest.
 */
class FailoverIT {

    private static final int SENSORS = 8;
    private static final int RATE = 60;
    private static final int SECONDS = 40;
    private static final Map<String, Object> SMALL_FORESTS = Map.of(AppConfig.FOREST_TREES_CONFIG, 30,
            AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 64, AppConfig.SNAPSHOT_INTERVAL_CONFIG, 50);

    private static EmbeddedKafka kafka;
    private static java.time.Instant killedAt;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        kafka.createInputTopics(4, "RawStreamData");
        kafka.createTopics(3, "DESTINATION_SQL_STREAM");
        kafka.createTopics(1, "forestwatch-dlq");
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void killingOneOfTwoInstancesLosesNothingDuplicatesNothingAndKeepsOrderAndScores() throws Exception {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", "forestwatch-failover-it");
        settings.put("session.timeout.ms", "6000");
        settings.put("heartbeat.interval.ms", "1000");
        settings.put(AppConfig.ORDER_WATERMARK_INTERVAL_MS_CONFIG, "200");
        settings.put(AppConfig.ORDER_MAX_WAIT_MS_CONFIG, "60000");
        SMALL_FORESTS.forEach((k, v) -> settings.put(k, String.valueOf(v)));

        final Process child = startChildInstance(settings);
        final Map<String, Object> inProcess = new HashMap<>(settings);
        inProcess.put("state.dir", Files.createDirectories(tmp.resolve("state-b")).toString());
        try (App b = new App(new AppConfig(inProcess))) {
            b.start();
            final Map<String, Expected> expected = produceWhile(() -> {
            }, child);
            final Map<String, ConsumerRecord<String, byte[]>> byId = new LinkedHashMap<>();
            final List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = outputConsumer()) {
                consumer.subscribe(List.of("DESTINATION_SQL_STREAM"));
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ZERO).until(() -> {
                    for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        all.add(r);
                        byId.put(json(r).get("recordId").asText(), r);
                    }
                    return all.size() >= expected.size();
                });
                // anything more would be a duplicate
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(3))) {
                    all.add(r);
                }
            }
            assertThat(all).hasSize(expected.size());
            assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            final List<String> late = new ArrayList<>();
            for (final ConsumerRecord<String, byte[]> r : all) {
                if (r.headers().lastHeader(SecondOrderingProcessor.HEADER_LATE) != null) {
                    late.add(json(r).get("created").asText() + "@" + r.partition() + "/" + r.offset());
                }
            }
            System.err.println("kill at " + killedAt + ", late: " + late);
            assertThat(late).as("records emitted late (kill at %s)", killedAt).isEmpty();
            assertOrderedPerPartition(all);
            int positive = 0;
            for (final Map.Entry<String, ConsumerRecord<String, byte[]>> e : byId.entrySet()) {
                final double score = json(e.getValue()).get("ANOMALY_SCORE").asDouble();
                assertThat(score).as("score of %s", e.getKey()).isEqualTo(expected.get(e.getKey()).score());
                positive += score > 0 ? 1 : 0;
            }
            assertThat(positive).isGreaterThan(expected.size() / 2);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A fresh app on a backlog spread over several partitions: parsing tasks start at different moments, and the
     * ordering must wait for all of them rather than for the ones it has heard from.
     */
    @Test
    void startingOnABacklogKeepsEverySecondWholeAndInOrder() throws Exception {
        kafka.createInputTopics(4, "Backlog");
        kafka.createTopics(2, "BacklogScored");
        kafka.createTopics(1, "BacklogDlq");
        final int records = 6000;
        final long t0 = System.currentTimeMillis() - 200_000L;
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        final Random rnd = new Random(3);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                final String sensor = "sensor-" + rnd.nextInt(SENSORS);
                // 30 records a second of event time, unkeyed: every partition holds every sensor
                producer.send(new ProducerRecord<>("Backlog", null, t0 + i * 33L, null,
                        "{\"iotName\":\"" + sensor + "\",\"iotValue\":" + (10 + rnd.nextInt(11)) + "}"));
            }
        }
        final Map<String, Object> settings = new HashMap<>(SMALL_FORESTS);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", "forestwatch-backlog-it");
        settings.put("state.dir", Files.createDirectories(tmp.resolve("state")).toString());
        settings.put("num.stream.threads", 2);
        settings.put(AppConfig.INPUT_TOPIC_CONFIG, "Backlog");
        settings.put(AppConfig.OUTPUT_TOPIC_CONFIG, "BacklogScored");
        settings.put(AppConfig.DEAD_LETTER_TOPIC_CONFIG, "BacklogDlq");
        settings.put(AppConfig.ORDER_WATERMARK_INTERVAL_MS_CONFIG, 200);
        final List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (App app = new App(new AppConfig(settings)); KafkaConsumer<String, byte[]> consumer = outputConsumer()) {
            app.start();
            consumer.subscribe(List.of("BacklogScored"));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(all::add);
                return all.size() >= records;
            });
        }
        assertThat(all).hasSize(records);
        assertThat(all).noneMatch(r -> r.headers().lastHeader(SecondOrderingProcessor.HEADER_LATE) != null);
        assertOrderedPerPartition(all);
    }

    /** What a record must score: an uninterrupted forest of its sensor, fed that sensor's records in order. */
    private record Expected(String sensor, double score) {
    }

    private Map<String, Expected> produceWhile(final Runnable unused, final Process child) throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        final Map<String, SensorModel> reference = new HashMap<>();
        final Map<String, Long> seq = new HashMap<>();
        final ModelSettings modelSettings = new AppConfig(SMALL_FORESTS).modelSettings();
        final Map<String, Expected> expected = new ConcurrentHashMap<>();
        final Random rnd = new Random(42);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            final long start = System.nanoTime();
            for (int i = 0; i < RATE * SECONDS; i++) {
                final long due = start + (long) (i * 1e9 / RATE);
                final long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (i == RATE * SECONDS / 3) {
                    killedAt = java.time.Instant.now();
                    child.destroyForcibly(); // SIGKILL: no commit, no leave-group, an open transaction left behind
                }
                final String sensor = "sensor-" + rnd.nextInt(SENSORS);
                final int value = rnd.nextDouble() < 0.01 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
                final RecordMetadata m = producer.send(new ProducerRecord<>("RawStreamData", sensor,
                        "{\"iotName\":\"" + sensor + "\",\"iotValue\":" + value + "}")).get();
                final SensorModel model = reference.computeIfAbsent(sensor,
                        s -> SensorModel.create(modelSettings, s, new String[]{"iotValue"}));
                final double score = model.process(new double[]{value}, seq.merge(sensor, 1L, Long::sum)).score();
                expected.put("RawStreamData-" + m.partition() + "-" + m.offset(), new Expected(sensor, score));
            }
        }
        return expected;
    }

    private Process startChildInstance(final Map<String, String> settings) throws IOException {
        final String jar = System.getProperty("forestwatch.streams.jar");
        assertThat(jar).as("system property forestwatch.streams.jar (set by failsafe)").isNotNull();
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-jar", jar, "run"));
        settings.forEach((k, v) -> {
            cmd.add("--set");
            cmd.add(k + "=" + v);
        });
        cmd.add("--set");
        cmd.add("state.dir=" + Files.createDirectories(tmp.resolve("state-a")));
        final Path log = Path.of("target/instance-a.log");
        final Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(log)
                && Files.readString(log, StandardCharsets.UTF_8).contains("-> RUNNING"));
        return process;
    }

    private static KafkaConsumer<String, byte[]> outputConsumer() {
        return OutputReader.consumer(kafka.bootstrapServers(), "failover-it-reader", new StringDeserializer(),
                Map.of());
    }

    private static JsonNode json(final ConsumerRecord<String, byte[]> r) throws IOException {
        return ReadingParser.MAPPER.readTree(r.value());
    }

    /** In each partition every second is one contiguous block, seconds ascend, scores descend within a block. */
    private static void assertOrderedPerPartition(final List<ConsumerRecord<String, byte[]>> all) {
        final OrderChecker checker = new OrderChecker();
        all.forEach(r -> checker.accept(r.partition(), r.value(), r.headers()));
        final OrderChecker.Report report = checker.report();
        System.err.println("FailoverIT order: " + report);
        assertThat(report.ordered()).as("ordered: %s", report).isTrue();
    }
}
