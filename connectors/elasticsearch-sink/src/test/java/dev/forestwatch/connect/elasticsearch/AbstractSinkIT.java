package dev.forestwatch.connect.elasticsearch;

import static dev.forestwatch.connect.common.testing.SinkTestSupport.committed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.common.testing.ConnectItSupport;
import dev.forestwatch.connect.common.testing.SinkTestSupport;
import dev.forestwatch.local.server.ElasticsearchDistribution;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import dev.forestwatch.local.server.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The connector in a real Connect worker, installed from the built plugin zip, reading a real broker and writing
 * to a real Elasticsearch or OpenSearch started from its Maven Central zip: one suite, a subclass per server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSinkIT {

    private static final Instant T0 = Instant.parse("2026-11-26T05:00:00Z");
    private EmbeddedKafka kafka;
    private EmbeddedConnect connect;
    private EmbeddedElasticsearch es;

    /** The server the suite writes to. */
    abstract ElasticsearchDistribution distribution();

    @BeforeAll
    void start() throws Exception {
        // 90 s (the default) was not always enough on a 2-core machine shared with five other builds
        es = EmbeddedElasticsearch.builder().distribution(distribution()).startupTimeout(Duration.ofMinutes(4))
                .start();
        kafka = EmbeddedKafka.start();
        connect = ConnectItSupport.workerWithPlugin(kafka, ElasticsearchSinkConnector.class,
                "offset.flush.interval.ms", "500");
    }

    @AfterAll
    void stop() {
        ConnectItSupport.closeAll(connect, kafka, es);
    }

    private Map<String, String> connector(final String topic, final String index) {
        final Map<String, String> c = SinkTestSupport.connectorConfig(ElasticsearchSinkConnector.class, 2, topic);
        c.put(ElasticsearchSinkConfig.URLS_CONFIG, es.url());
        c.put(ElasticsearchSinkConfig.INDEX_CONFIG, index);
        c.put(ElasticsearchSinkConfig.REPLICAS_CONFIG, "0");
        c.put(SendConfig.LINGER_MS_CONFIG, "200");
        c.put(SendConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        c.put(SendConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "2000");
        return c;
    }

    /** Scored records as the streams app writes them, 10 a second from T0, with a recordId each. */
    private List<String> produce(final String topic, final int from, final int n) {
        return produce(topic, from, n, 100);
    }

    /** Scored records {@code stepMs} apart from T0, with @timestamp (for data streams) as the record time. */
    private List<String> produce(final String topic, final int from, final int n, final long stepMs) {
        final List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = SinkTestSupport.stringProducer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = from; i < from + n; i++) {
                final String id = topic + "-" + i;
                final Instant created = T0.plusMillis(i * stepMs);
                producer.send(new ProducerRecord<>(topic, null, created.toEpochMilli(), "DemoSensor",
                        "{\"@timestamp\":" + created.toEpochMilli() + ",\"iotName\":\"DemoSensor\",\"iotValue\":"
                                + (10 + i % 11) + ",\"ANOMALY_SCORE\":"
                                + (i % 100 == 0 ? 3.1 : 0.8) + ",\"created\":\"" + created.toString().substring(0, 19)
                                + "Z\",\"ANOMALY_GRADE\":0.0,\"isAnomaly\":false,\"ANOMALY_CONFIDENCE\":0.9,"
                                + "\"EXPECTED_VALUE\":{\"iotValue\":15.0},\"LOWER_BAND\":{\"iotValue\":11.0},"
                                + "\"UPPER_BAND\":{\"iotValue\":19.0},\"recordId\":\"" + id + "\"}"));
                ids.add(id);
            }
        }
        return ids;
    }

    private long count(final String index) {
        try {
            es.refresh(index);
            return es.count(index);
        } catch (RuntimeException e) {
            return -1; // index not there yet
        }
    }

    /** Runs a connector until {@code done} holds (90 s at most), then deletes it. */
    private void runUntil(final String name, final Map<String, String> config, final Callable<Boolean> done)
            throws Exception {
        ConnectItSupport.whileRunning(connect, name, config, () -> await().atMost(Duration.ofSeconds(90)).until(done));
    }

    @Test
    void indexesEveryRecordOnceAndAReplayCreatesNoDuplicate() throws Exception {
        kafka.createTopics(3, "es-a");
        produce("es-a", 0, 3000);
        runUntil("es-a", connector("es-a", "anomalydata-a"), () -> count("anomalydata-a") == 3000);
        // the same offsets again, through a connector with a fresh consumer group: ids overwrite
        ConnectItSupport.whileRunning(connect, "es-a-replay", connector("es-a", "anomalydata-a"), () -> {
            await().atMost(Duration.ofSeconds(90)).until(() -> es.get("/anomalydata-a/_stats/indexing")
                    .path("_all").path("primaries").path("indexing").path("index_total").asLong() >= 6000);
            assertThat(count("anomalydata-a")).isEqualTo(3000);
        });
        final JsonNode mapping = es.get("/anomalydata-a/_mapping").path("anomalydata-a").path("mappings")
                .path("properties");
        assertThat(mapping.path("ANOMALY_SCORE").path("type").asText()).isEqualTo("double");
        assertThat(mapping.path("created").path("type").asText()).isEqualTo("date");
        assertThat(mapping.path("iotName").path("type").asText()).isEqualTo("keyword");
        assertThat(mapping.path("ANOMALY_CONFIDENCE").path("type").asText()).isEqualTo("double");
        for (final String band : List.of("EXPECTED_VALUE", "LOWER_BAND", "UPPER_BAND")) {
            assertThat(mapping.path(band).path("properties").path("iotValue").path("type").asText()).as(band)
                    .isEqualTo("double");
        }
    }

    @Test
    void aDocumentTheMappingRejectsGoesToTheDeadLetterTopicAndTheRestIsIndexed() throws Exception {
        kafka.createTopics(1, "es-b");
        try (KafkaProducer<String, String> producer = SinkTestSupport.stringProducer(kafka.bootstrapServers(),
                Map.of())) {
            producer.send(
                    new ProducerRecord<>("es-b", "{\"iotName\":\"S\",\"ANOMALY_SCORE\":0.5,\"recordId\":\"b1\"}"));
            producer.send(
                    new ProducerRecord<>("es-b", "{\"iotName\":\"S\",\"ANOMALY_SCORE\":\"high\",\"recordId\":\"b2\"}"));
            producer.send(new ProducerRecord<>("es-b", "{\"iotName\":\"S\",\"ANOMALY_SCORE\":0.7,\"recordId\":\"b3\"}"))
                    .get();
        }
        final Map<String, String> c = connector("es-b", "anomalydata-b");
        c.put("tasks.max", "1");
        c.put(ElasticsearchSinkConfig.ON_MALFORMED_CONFIG, "report");
        SinkTestSupport.reportTo(c, "es-dlq");
        ConnectItSupport.whileRunning(connect, "es-b", c, () -> {
            await().atMost(Duration.ofSeconds(60)).until(() -> count("anomalydata-b") == 2);
            final ConsumerRecord<byte[], byte[]> dead = SinkTestSupport.firstDeadLetter(kafka.bootstrapServers(),
                    "es-dlq");
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("\"recordId\":\"b2\"");
            assertThat(SinkTestSupport.errorMessage(dead)).contains("parsing");
        });
    }

    @Test
    void elasticsearchDownForThirtySecondsLosesNothingAndTheMinuteHistogramAddsUp() throws Exception {
        kafka.createTopics(2, "es-c");
        produce("es-c", 0, 1200);
        ConnectItSupport.whileRunning(connect, "es-c", connector("es-c", "anomalydata-c"), () -> {
            await().atMost(Duration.ofSeconds(60)).until(() -> count("anomalydata-c") == 1200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> committed(kafka.admin(), "connect-es-c", "es-c", 2) == 1200);
            es.stop();
            produce("es-c", 1200, 1200); // arrives while Elasticsearch is down
            final long downAt = System.nanoTime();
            // all through the outage the task keeps retrying, and commits nothing Elasticsearch did not acknowledge
            await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> connect.taskStates("es-c").stream().allMatch("RUNNING"::equals)
                            && committed(kafka.admin(), "connect-es-c", "es-c", 2) == 1200);
            es.restart();
            System.err.printf("%s was down %.0f s%n", es.distribution(), (System.nanoTime() - downAt) / 1e9);
            await().atMost(Duration.ofSeconds(120)).until(() -> count("anomalydata-c") == 2400);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> committed(kafka.admin(), "connect-es-c", "es-c", 2) == 2400);
            // the seed's Kibana chart: documents per minute of created; 10 a second = 600 a minute
            final JsonNode buckets = es.post("/anomalydata-c/_search", "{\"size\":0,\"aggs\":{\"per_minute\":"
                    + "{\"date_histogram\":{\"field\":\"created\",\"fixed_interval\":\"1m\"},"
                    + "\"aggs\":{\"max_score\":{\"max\":{\"field\":\"ANOMALY_SCORE\"}}}}}}")
                    .path("aggregations").path("per_minute").path("buckets");
            assertThat(buckets).hasSize(4);
            for (final JsonNode b : buckets) {
                assertThat(b.path("doc_count").asLong()).isEqualTo(600);
                assertThat(b.path("max_score").path("value").asDouble()).isEqualTo(3.1);
            }
        });
    }

    @Test
    void aDataStreamTakesEachRecordOnceAndCreatesNoDuplicateOnReplay() throws Exception {
        kafka.createTopics(2, "es-d");
        produce("es-d", 0, 500);
        final Map<String, String> c = connector("es-d", "anomalydata-stream");
        c.put(ElasticsearchSinkConfig.DATA_STREAM_CONFIG, "true");
        runUntil("es-d", c, () -> count("anomalydata-stream") == 500);
        runUntil("es-d-replay", c, () -> committed(kafka.admin(), "connect-es-d-replay", "es-d", 2) == 500);
        assertThat(count("anomalydata-stream")).isEqualTo(500);
        // documents live in the stream's backing index (the Elasticsearch integ-test zip has no GET _data_stream)
        assertThat(es.post("/anomalydata-stream/_search", "{\"size\":1}").path("hits").path("hits").get(0)
                .path("_index").asText()).startsWith(".ds-anomalydata-stream-");
    }

    @Test
    void dailyRotationWritesEachRecordToTheIndexOfItsDay() throws Exception {
        kafka.createTopics(1, "es-e");
        produce("es-e", 0, 200, 10 * 60_000L); // every 10 minutes from 05:00: 114 on the 26th, 86 on the 27th
        final Map<String, String> c = connector("es-e", "anomalydata-rot");
        c.put(ElasticsearchSinkConfig.ROTATION_CONFIG, "daily");
        runUntil("es-e", c, () -> count("anomalydata-rot-*") == 200);
        assertThat(count("anomalydata-rot-2026-11-26")).isEqualTo(114);
        assertThat(count("anomalydata-rot-2026-11-27")).isEqualTo(86);
        assertThat(es.get("/anomalydata-rot-2026-11-27/_mapping").path("anomalydata-rot-2026-11-27")
                .path("mappings").path("properties").path("ANOMALY_SCORE").path("type").asText()).isEqualTo("double");
    }

}
