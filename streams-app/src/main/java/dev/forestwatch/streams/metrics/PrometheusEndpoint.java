package dev.forestwatch.streams.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** {@code GET /metrics} in Prometheus' text format, served from its own registry (not the JVM-wide default). */
public final class PrometheusEndpoint implements AutoCloseable {

    private final HTTPServer server;

    private PrometheusEndpoint(final HTTPServer server) {
        this.server = server;
    }

    /** Serves the metrics {@code metrics} returns at each scrape on host:port (port 0: a free one). */
    public static PrometheusEndpoint start(final String host, final int port,
            final Supplier<Map<MetricName, ? extends Metric>> metrics) {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new KafkaMetricsCollector(metrics));
        try {
            return new PrometheusEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry)
                    .buildAndStart());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve Prometheus metrics on " + host + ":" + port
                    + " (metrics.prometheus.port, metrics.prometheus.host)", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
