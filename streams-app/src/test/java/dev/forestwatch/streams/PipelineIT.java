package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.HeadlessChromium;
import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.check.OrderChecker;
import dev.forestwatch.local.pipeline.Pipeline;
import dev.forestwatch.local.pipeline.PipelineOptions;
import dev.forestwatch.local.server.EmbeddedKinesis;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.metrics.Scrape;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.SensorModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * {@code ./forestwatch up}, bounded: generator -> kinesis-local -> Kinesis source -> Kafka -> the app's shaded jar
 * -> Elasticsearch sink -> Elasticsearch, with the Connect worker and the streams app each SIGKILLed and restarted
 * mid-run.
 */
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyReadingIsIndexedOnceThroughAWorkerCrashAndAnAppCrashAndAnomaliesTopTheirSeconds() throws Exception {
        final Path repo = Path.of("").toAbsolutePath().getParent();
        // under target/, not a 0700 temp dir: Elasticsearch runs as uid 65534 when the build is root
        final Path tmp = Path.of("target", "pipeline-it").toAbsolutePath();
        // 30 records/s over 3 sensors: each forest is past its 256-record warm-up after ~26 s
        final Pipeline pipeline = new Pipeline(new PipelineOptions(repo, tmp.resolve("pipeline"), true, 3, 30, 0.03,
                11, 2, 2.0, 0, Duration.ofSeconds(5), null, true), System.out, System.err);
        final AtomicReference<Pipeline.Summary> summary = new AtomicReference<>();
        final Thread runner = new Thread(() -> summary.set(pipeline.run()), "pipeline");
        runner.start();
        try {
            pipeline.awaitRunning(Duration.ofMinutes(4));
            final String es = pipeline.elasticsearch().url();

            await("records indexed").atMost(Duration.ofMinutes(3)).until(() -> count(es) > 300);
            // the Prometheus endpoints ./forestwatch up prints: named series move while readings flow
            final double scored = Scrape.of(pipeline.streamsMetricsUrl()).sum("forestwatch_scored_total");
            await("forestwatch_scored_total moving").atMost(Duration.ofMinutes(1)).until(
                    () -> Scrape.of(pipeline.streamsMetricsUrl()).sum("forestwatch_scored_total") > scored);
            await("the connectors' task counters on the worker's /metrics").atMost(Duration.ofMinutes(1)).until(() -> {
                final Scrape connect = Scrape.of(pipeline.connectMetricsUrl());
                return connect.sum(
                        "kafka_connect_sink_task_metrics_sink_record_read_total{connector=\"elasticsearch-sink\"") > 0
                        && connect.sum(
                                "kafka_connect_source_task_metrics_source_record_write_total{connector=\"kinesis-source\"") > 0;
            });
            pipeline.killAndRestartConnectWorker();
            final long afterWorker = count(es);
            await("records indexed after the worker crash").atMost(Duration.ofMinutes(3))
                    .until(() -> count(es) > afterWorker + 300);
            pipeline.killAndRestartStreamsApp();
            final long afterApp = count(es);
            await("records indexed after the app crash").atMost(Duration.ofMinutes(3))
                    .until(() -> count(es) > afterApp + 300);
            pipeline.stopGenerator();
            final long generated = pipeline.generated();

            // ids come from the Kinesis shard and sequence number: replays overwrite, so a count alone proves little;
            // the sets of ids below do
            await("every generated reading indexed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> count(es) >= generated);

            // the source re-reads after the worker's crash, the app drops those replays: each reading scored once
            await("every reading scored once").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ((Number) pipeline.health().getOrDefault("scored", 0L)).longValue() == generated);

            // exactly once, by sets of ids: what Kinesis holds, what the app scored (read_committed) and what
            // Elasticsearch indexed are the same readings; and every score, also those after the app's SIGKILL, is
            // what an uninterrupted forest of its sensor gives
            final Map<String, KinesisReading> inKinesis = readKinesis(pipeline.kinesisEndpoint());
            assertThat(inKinesis).as("readings in Kinesis").hasSize((int) generated);
            final Map<String, JsonNode> scoredById = readScored(pipeline.kafka().bootstrapServers());
            assertThat(scoredById.keySet()).as("scored ids").isEqualTo(inKinesis.keySet());
            final java.util.Set<String> indexedIds = new java.util.HashSet<>();
            documents(es, (int) generated).forEach(d -> indexedIds.add(d.path("recordId").asText()));
            assertThat(indexedIds).as("indexed ids").isEqualTo(inKinesis.keySet());
            final Map<String, Double> expected = uninterruptedScores(repo, inKinesis);
            int positive = 0;
            for (final Map.Entry<String, JsonNode> e : scoredById.entrySet()) {
                final double score = e.getValue().path("ANOMALY_SCORE").asDouble();
                assertThat(score).as("score of %s", e.getKey()).isEqualTo(expected.get(e.getKey()));
                positive += score > 0 ? 1 : 0;
            }
            assertThat(positive).as("scores past the warm-up").isGreaterThan(100);

            // ORDER BY FLOOR(ROWTIME TO SECOND), ANOMALY_SCORE DESC, as a consumer of the output topic sees it, over
            // the clean start with two shards whose leases start apart, both crashes and the app's backlog after
            // its restart: every second one block, nothing late
            final OrderChecker.Report order = OrderChecker.read(pipeline.kafka().bootstrapServers(),
                    "DESTINATION_SQL_STREAM",
                    Duration.ofMinutes(2));
            System.out.println("PipelineIT order of DESTINATION_SQL_STREAM: " + order);
            assertThat(order.records()).as("scored records in the output topic").isEqualTo(generated);
            assertThat(order.late()).as("late records").isZero();
            assertThat(order.splitSeconds()).as("split seconds").isZero();
            assertThat(order.ordered()).as("ordered: %s", order).isTrue();

            // the Firehose sink delivers at least once: every reading in the local Firehose's files, repeats allowed
            await("every generated reading delivered to Firehose").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> firehoseIds(tmp.resolve("pipeline/firehose")).size() >= generated);
            assertThat(firehoseIds(tmp.resolve("pipeline/firehose"))).hasSize((int) generated);

            final Map<String, List<JsonNode>> bySecond = new TreeMap<>();
            for (final JsonNode d : documents(es, (int) generated)) {
                bySecond.computeIfAbsent(d.path("created").asText(), k -> new ArrayList<>()).add(d);
            }
            int anomaliesChecked = 0;
            for (final Map.Entry<String, List<JsonNode>> second : bySecond.entrySet()) {
                double lowestAnomaly = Double.MAX_VALUE;
                double highestNormal = -1;
                for (final JsonNode d : second.getValue()) {
                    final double score = d.path("ANOMALY_SCORE").asDouble();
                    if (d.path("iotValue").asInt() >= 100 && score > 0) { // past its sensor's warm-up
                        lowestAnomaly = Math.min(lowestAnomaly, score);
                        anomaliesChecked++;
                    } else if (d.path("iotValue").asInt() < 100) {
                        highestNormal = Math.max(highestNormal, score);
                    }
                }
                assertThat(lowestAnomaly).as("anomalies top second %s: %s", second.getKey(), second.getValue())
                        .isGreaterThan(highestNormal);
            }
            assertThat(anomaliesChecked).as("anomalies past the warm-up").isGreaterThanOrEqualTo(5);

            // the dashboard of the running stack, in headless Chromium: the chart drawn, an anomaly on top
            final String dom = HeadlessChromium.run(Duration.ofMinutes(2), "--virtual-time-budget=8000", "--dump-dom",
                    pipeline.dashboardUrl());
            assertThat(dom).containsPattern("<canvas[^>]*id=\"chart\"[^>]*data-points=\"[1-9]");
            assertThat(dom).as("an anomaly among the top rows")
                    .containsPattern("data-value=\"1[01][0-9]\"|data-value=\"120\"");
            final Path screenshot = Path.of("target", "pipeline-dashboard.png").toAbsolutePath();
            HeadlessChromium.run(Duration.ofMinutes(2), "--virtual-time-budget=8000", "--hide-scrollbars",
                    "--window-size=1280,900", "--screenshot=" + screenshot, pipeline.dashboardUrl());
            assertThat(screenshot).isNotEmptyFile();
        } finally {
            pipeline.stop();
            runner.join(Duration.ofMinutes(3).toMillis());
        }
        assertThat(summary.get()).isNotNull();
        assertThat(summary.get().exitCode()).isZero();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(p -> p.pid() + " "
                + p.info().commandLine().orElse(""))).as("processes left").isEmpty();
    }

    /** A reading as Kinesis holds it: its sensor's shard, its sequence number and its value. */
    private record KinesisReading(String shard, java.math.BigInteger sequence, String sensor, double value) {
    }

    /** Every record of the stream, by the recordId the pipeline gives it ({@code <shard>-<sequence>-0}). */
    private static Map<String, KinesisReading> readKinesis(final URI endpoint) throws IOException {
        final Map<String, KinesisReading> all = new TreeMap<>();
        try (KinesisClient kinesis = EmbeddedKinesis.client(endpoint)) {
            for (final Shard shard : kinesis.listShards(r -> r.streamName(PipelineNames.STREAM)).shards()) {
                String iterator = kinesis
                        .getShardIterator(r -> r.streamName(PipelineNames.STREAM).shardId(shard.shardId())
                                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator();
                for (int calls = 0; iterator != null && calls < 10_000; calls++) {
                    final String it = iterator;
                    final GetRecordsResponse page = kinesis.getRecords(r -> r.shardIterator(it).limit(10_000));
                    for (final Record record : page.records()) {
                        final JsonNode v = JSON.readTree(record.data().asByteArray());
                        all.put(shard.shardId() + "-" + record.sequenceNumber() + "-0", new KinesisReading(
                                shard.shardId(), new java.math.BigInteger(record.sequenceNumber()),
                                v.path("iotName").asText(), v.path("iotValue").asDouble()));
                    }
                    if (page.records().isEmpty() && (page.millisBehindLatest() == null
                            || page.millisBehindLatest() == 0)) {
                        break;
                    }
                    iterator = page.nextShardIterator();
                }
            }
        }
        return all;
    }

    /** The output topic as a consumer of an exactly-once topic reads it, by recordId; a repeat fails the test. */
    private static Map<String, JsonNode> readScored(final String bootstrap) {
        final Map<String, JsonNode> byId = new TreeMap<>();
        OrderChecker.readToEnd(bootstrap, "DESTINATION_SQL_STREAM", Duration.ofMinutes(2), r -> {
            final JsonNode v;
            try {
                v = JSON.readTree(r.value());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(byId.put(v.path("recordId").asText(), v)).as("scored twice: %s", v).isNull();
        });
        return byId;
    }

    /** Each sensor's readings in Kinesis order through a forest that was never interrupted, as the app runs it. */
    private static Map<String, Double> uninterruptedScores(final Path repo, final Map<String, KinesisReading> readings)
            throws IOException {
        final java.util.Properties file = new java.util.Properties();
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(
                repo.resolve("config").resolve("streams-app.properties"))) {
            file.load(in);
        }
        final Map<String, Object> props = new java.util.HashMap<>();
        file.forEach((k, v) -> props.put(String.valueOf(k), v));
        final ModelSettings settings = new AppConfig(props).modelSettings();
        final Map<String, SensorModel> models = new java.util.HashMap<>();
        final Map<String, Long> seq = new java.util.HashMap<>();
        final Map<String, Double> expected = new java.util.HashMap<>();
        readings.entrySet().stream()
                .sorted(java.util.Comparator.comparing((Map.Entry<String, KinesisReading> e) -> e.getValue().shard())
                        .thenComparing(e -> e.getValue().sequence()))
                .forEach(e -> {
                    final KinesisReading r = e.getValue();
                    final SensorModel model = models.computeIfAbsent(r.sensor(),
                            s -> SensorModel.create(settings, s, new String[]{"iotValue"}));
                    expected.put(e.getKey(), model.process(new double[]{r.value()},
                            seq.merge(r.sensor(), 1L, Long::sum)).score());
                });
        return expected;
    }

    /** The distinct recordIds in the local Firehose's delivery files (newline-delimited JSON). */
    private static java.util.Set<String> firehoseIds(final Path dir) throws IOException {
        final java.util.Set<String> ids = new java.util.HashSet<>();
        if (!java.nio.file.Files.isDirectory(dir)) {
            return ids;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (final Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                for (final String line : java.nio.file.Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        ids.add(JSON.readTree(line).path("recordId").asText());
                    }
                }
            }
        }
        return ids;
    }

    private long count(final String es) throws IOException, InterruptedException {
        final JsonNode r = get(es + "/anomalydata/_count");
        return r.path("count").asLong(0);
    }

    private List<JsonNode> documents(final String es, final int n) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(es + "/anomalydata/_refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        final JsonNode r = get(es + "/anomalydata/_search?size=" + Math.max(n, 1));
        final List<JsonNode> out = new ArrayList<>();
        r.path("hits").path("hits").forEach(h -> out.add(h.path("_source")));
        assertThat(out).hasSize(n);
        return out;
    }

    private JsonNode get(final String url) throws IOException, InterruptedException {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 404 ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
