package dev.forestwatch.connect.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the ITs that put a checking endpoint between the real task and a real cluster share: forwarding a received
 * request, answering, scored records for one partition, and waiting for the task to commit or to fail. Registered
 * as an extension ({@code @RegisterExtension final TaskHarness harness = new TaskHarness();}) it stops the task it
 * started after each test.
 */
final class TaskHarness implements AfterEachCallback {

    static final TopicPartition TP = new TopicPartition("scored", 0);
    private static final HttpClient UPSTREAM = HttpClient.newHttpClient();

    private ElasticsearchSinkTask started;

    @Override
    public void afterEach(final ExtensionContext context) {
        if (started != null) {
            started.stop();
            started = null;
        }
    }

    /** Stops the endpoint, then the cluster; either may be null when the start failed. */
    static void stop(final com.sun.net.httpserver.HttpServer endpoint, final AutoCloseable cluster) throws Exception {
        if (endpoint != null) {
            endpoint.stop(0);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Sends what the endpoint received (method, path and query, body, content type) on to the real cluster. */
    static HttpResponse<byte[]> forward(final HttpExchange exchange, final byte[] body, final String upstream)
            throws IOException, InterruptedException {
        final HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        final String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            r.header("Content-Type", type);
        }
        return UPSTREAM.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static void respond(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * A task's settings for {@code url}: no replicas (one node), no linger (the tests put all at once), retries for
     * {@code retryMaxMs}.
     */
    static Map<String, String> settings(final String url, final String index, final long retryMaxMs) {
        final Map<String, String> c = new HashMap<>();
        c.put(ElasticsearchSinkConfig.URLS_CONFIG, url);
        c.put(ElasticsearchSinkConfig.INDEX_CONFIG, index);
        c.put(ElasticsearchSinkConfig.REPLICAS_CONFIG, "0");
        c.put(SendConfig.LINGER_MS_CONFIG, "0");
        c.put(SendConfig.RETRY_MAX_DURATION_MS_CONFIG, String.valueOf(retryMaxMs));
        return c;
    }

    /**
     * Starts a task with the settings, stopped after the test, and puts {@code n} scored records, each with a note of
     * {@code padding} bytes.
     */
    ElasticsearchSinkTask put(final Map<String, String> config, final int n, final int padding) {
        final ElasticsearchSinkTask task = new ElasticsearchSinkTask();
        started = task;
        task.start(config);
        final String pad = "x".repeat(padding);
        final List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new SinkRecord(TP.topic(), TP.partition(), null, null, null, "{\"iotName\":\"S\",\"iotValue\":"
                    + i + ",\"ANOMALY_SCORE\":0.5,\"recordId\":\"r-" + i + "\",\"note\":\"" + pad + "\"}", i));
        }
        task.put(records);
        return task;
    }

    /**
     * Waits until the task may commit all {@code n} records, i.e. the cluster acknowledged them, then checks that
     * {@code index} holds them.
     */
    void awaitIndexed(final EmbeddedElasticsearch cluster, final String index, final int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            final OffsetAndMetadata c = started.preCommit(Map.of(TP, new OffsetAndMetadata(n))).get(TP);
            return c != null && c.offset() == n;
        });
        cluster.refresh(index);
        assertThat(cluster.count(index)).isEqualTo(n);
    }

    /** The task's failure, which reaches it on its next call, with its cause. */
    String awaitFailure() {
        final String[] message = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                started.put(List.of());
                return false;
            } catch (ConnectException e) {
                message[0] = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause());
                return true;
            }
        });
        assertThat(message[0]).isNotNull();
        return message[0];
    }
}
