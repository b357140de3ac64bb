package dev.forestwatch.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forestwatch.local.server.ConnectWorkerProcess;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.FreePort;
import dev.forestwatch.local.server.JmxExporterAgent;
import dev.forestwatch.streams.App;
import dev.forestwatch.streams.config.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both Prometheus endpoints on real servers: a broker, the streams app with metrics.prometheus.port, and a Connect
 * worker (child JVM, config/connect-distributed.properties) with the JMX exporter agent and config's rules, running
 * a sink on the scored topic. Readings sent in two rounds must move the app's scored and dead-letter counters and the
 * sink task's records-read counter, as a scrape sees them.
 */
class MetricsIT {

    private static final Path REPO = Path.of(System.getProperty("forestwatch.repo.dir", "..")).toAbsolutePath()
            .normalize();
    private static final String INPUT = "RawStreamData";
    private static final String OUTPUT = "DESTINATION_SQL_STREAM";
    private static final String DLQ = "forestwatch-dlq";
    private static final String SINK = "metrics-file-sink";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void scrapedSeriesMoveWithTheRecords() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createInputTopics(2, INPUT);
            kafka.createTopics(2, OUTPUT);
            kafka.createTopics(1, DLQ);
            final int appPort = FreePort.pick();
            final Map<String, Object> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("state.dir", tmp.resolve("state").toString());
            settings.put("commit.interval.ms", "100");
            settings.put(AppConfig.FOREST_TREES_CONFIG, 30);
            settings.put(AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 64);
            settings.put(AppConfig.METRICS_PROMETHEUS_PORT_CONFIG, appPort);
            final int connectPort = FreePort.pick();
            try (App app = new App(new AppConfig(settings)).start();
                    ConnectWorkerProcess connect = ConnectWorkerProcess.start(workerProps(kafka), tmp.resolve(
                            "connect"), WAIT, List.of(JmxExporterAgent.jvmOption(REPO, connectPort)));
                    KafkaProducer<String, String> producer = producer(kafka)) {
                connect.createOrUpdateConnector(SINK, Map.of(
                        "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
                        "tasks.max", "1", "topics", OUTPUT, "file", tmp.resolve("sink.txt").toString(),
                        "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                        "consumer.override.isolation.level", "read_committed"));
                final String appUrl = "http://127.0.0.1:" + appPort + "/metrics";
                final String connectUrl = "http://127.0.0.1:" + connectPort + "/metrics";
                final String read = "kafka_connect_sink_task_metrics_sink_record_read_total{connector=\"" + SINK
                        + "\"";

                send(producer, 0, 40);
                await().atMost(WAIT).untilAsserted(() -> {
                    final Scrape s = Scrape.of(appUrl);
                    assertThat(s.sum("forestwatch_scored_total")).isEqualTo(40.0);
                    assertThat(s.sum("forestwatch_dead_letters_total{reason=\"malformed-json\"")).isEqualTo(1.0);
                    assertThat(s.sum("forestwatch_live_forests")).isEqualTo(2.0);
                });
                await().atMost(WAIT).untilAsserted(() -> {
                    final Scrape s = Scrape.of(connectUrl);
                    assertThat(s.sum(read)).isEqualTo(40.0);
                    assertThat(s.sum("kafka_connect_task_status{connector=\"" + SINK + "\"")).isEqualTo(1.0);
                    assertThat(s.body()).contains("status=\"running\"");
                    assertThat(s.sum("kafka_connect_worker_connector_count")).isEqualTo(1.0);
                });

                send(producer, 40, 30);
                await().atMost(WAIT).untilAsserted(() -> {
                    final Scrape s = Scrape.of(appUrl);
                    assertThat(s.sum("forestwatch_scored_total")).isEqualTo(70.0);
                    assertThat(s.sum("forestwatch_dead_letters_total{reason=\"malformed-json\"")).isEqualTo(2.0);
                    assertThat(s.sum("forestwatch_forest_snapshot_bytes_total")).isPositive();
                    assertThat(s.has("forestwatch_emission_lag_ms{")).isTrue();
                    assertThat(s.sum("kafka_streams_thread_process_total")).isPositive();
                });
                await().atMost(WAIT).untilAsserted(() -> assertThat(Scrape.of(connectUrl).sum(read)).isEqualTo(70.0));
            }
        }
    }

    /** {@code n} readings of two sensors from number {@code from}, then one record that is not JSON. */
    private static void send(final KafkaProducer<String, String> producer, final int from, final int n)
            throws Exception {
        for (int i = from; i < from + n; i++) {
            final String sensor = "sensor-" + (i % 2);
            producer.send(new ProducerRecord<>(INPUT, sensor, "{\"iotName\":\"" + sensor + "\",\"iotValue\":"
                    + (10 + i % 5) + "}"));
        }
        producer.send(new ProducerRecord<>(INPUT, "x", "{\"iotName\":")).get();
    }

    private static KafkaProducer<String, String> producer(final EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    /** The sample worker config with this run's broker; FileStreamSink comes from the test classpath. */
    private Map<String, String> workerProps(final EmbeddedKafka kafka) throws IOException {
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(REPO.resolve("config/connect-distributed.properties"))) {
            p.load(in);
        }
        final Map<String, String> props = new HashMap<>();
        p.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        props.put("bootstrap.servers", kafka.bootstrapServers());
        final Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        props.put("plugin.path", plugins.toString());
        Files.writeString(tmp.resolve("plugins/README"), "empty: the sink is on the classpath",
                StandardCharsets.UTF_8);
        return props;
    }
}
