package dev.forestwatch.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.metrics.PrometheusEndpoint;
import dev.forestwatch.streams.metrics.Scrape;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The production topology's own metrics, as the Prometheus endpoint serves them over HTTP. */
class PrometheusMetricsTopologyTest {

    @Test
    void servesForestwatchSeriesThatMoveWithTheRecords() {
        try (Harness h = new Harness();
                PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, h.driver::metrics)) {
            final String empty = scrape(endpoint);
            assertThat(value(empty, "forestwatch_scored_total")).isZero();

            for (int i = 0; i < 20; i++) {
                h.send("s" + (i % 2), 10 + i % 3, Harness.T0.plusMillis(100L * i));
            }
            h.sendRaw("{\"iotName\":".getBytes(StandardCharsets.UTF_8), null, Harness.T0.plusMillis(2100));
            h.sendRaw("[1,2]".getBytes(StandardCharsets.UTF_8), null, Harness.T0.plusMillis(2200));
            h.sendRaw("[3]".getBytes(StandardCharsets.UTF_8), null, Harness.T0.plusMillis(2300));
            h.idle();
            assertThat(h.drain()).hasSize(20);

            final String body = scrape(endpoint);
            assertThat(body).contains("# TYPE forestwatch_scored_total counter");
            assertThat(value(body, "forestwatch_scored_total")).isEqualTo(20.0);
            assertThat(value(body, "forestwatch_dead_letters_total{reason=\"malformed-json\"")).isEqualTo(1.0);
            assertThat(value(body, "forestwatch_dead_letters_total{reason=\"not-an-object\"")).isEqualTo(2.0);
            // each sensor's first record is snapshotted, with its bytes
            assertThat(value(body, "forestwatch_forest_snapshots_total")).isGreaterThanOrEqualTo(2.0);
            assertThat(value(body, "forestwatch_forest_snapshot_bytes_total")).isGreaterThan(1000.0);
            assertThat(value(body, "forestwatch_live_forests")).isEqualTo(2.0);
            assertThat(body).contains("forestwatch_emission_lag_ms{", "forestwatch_emission_lag_ms_max{");
            // Kafka Streams' own metrics beside them, rates left to Prometheus
            assertThat(body).contains("kafka_streams_task_process_total{");
            assertThat(body).doesNotContain("_rate{", "dead_letter_total{");
        }
    }

    private static String scrape(final PrometheusEndpoint endpoint) {
        return Scrape.of("http://127.0.0.1:" + endpoint.port() + "/metrics").body();
    }

    private static double value(final String body, final String prefix) {
        return new Scrape(body).sum(prefix);
    }
}
