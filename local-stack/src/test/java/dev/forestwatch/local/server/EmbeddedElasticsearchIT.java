package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One instance for the whole lifecycle (ES starts in ~16-24 s here): index, aggregate, stop, prove it
 * gone, restart on the same data, close.
 */
class EmbeddedElasticsearchIT {
    private static final String INDEX = "readings";

    @Test
    void servesBulkSearchAndAggregationsAndKeepsDataAcrossRestart() {
        EmbeddedElasticsearch es = EmbeddedElasticsearch.start();
        Path workDir = es.configDir().getParent();
        try {
            assertThat(es.url()).isEqualTo("http://127.0.0.1:" + es.httpPort());
            assertThat(es.version()).startsWith("8.");
            assertThat(es.logFile()).isNotEmptyFile();

            JsonNode bulk = es.bulk(""
                    + "{\"index\":{\"_index\":\"readings\",\"_id\":\"1\"}}\n"
                    + "{\"sensor\":\"s1\",\"value\":1.5,\"@timestamp\":\"2024-05-01T10:00:00Z\"}\n"
                    + "{\"index\":{\"_index\":\"readings\",\"_id\":\"2\"}}\n"
                    + "{\"sensor\":\"s1\",\"value\":2.5,\"@timestamp\":\"2024-05-01T10:30:00Z\"}\n"
                    + "{\"index\":{\"_index\":\"readings\",\"_id\":\"3\"}}\n"
                    + "{\"sensor\":\"s2\",\"value\":9.0,\"@timestamp\":\"2024-05-01T12:15:00Z\"}\n");
            assertThat(bulk.path("errors").asBoolean()).as(bulk.toString()).isFalse();
            es.refresh(INDEX);
            assertThat(es.count(INDEX)).isEqualTo(3);

            JsonNode search = es.post("/" + INDEX + "/_search",
                    "{\"size\":0,\"aggs\":{\"per_hour\":{\"date_histogram\":"
                            + "{\"field\":\"@timestamp\",\"fixed_interval\":\"1h\",\"min_doc_count\":1},"
                            + "\"aggs\":{\"max_value\":{\"max\":{\"field\":\"value\"}}}}}}");
            List<String> buckets = new ArrayList<>();
            search.path("aggregations").path("per_hour").path("buckets").forEach(b -> buckets.add(
                    b.path("key_as_string").asText() + "=" + b.path("doc_count").asLong() + "/"
                            + b.path("max_value").path("value").asDouble()));
            assertThat(buckets).containsExactly("2024-05-01T10:00:00.000Z=2/2.5", "2024-05-01T12:00:00.000Z=1/9.0");

            assertThatThrownBy(() -> es.get("/missing-index/_count"))
                    .isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(404));

            List<ProcessHandle> processes = es.processes();
            assertThat(processes).as("launcher and server JVM").hasSizeGreaterThanOrEqualTo(2);
            es.stop();
            es.stop(); // idempotent
            assertThat(es.isRunning()).isFalse();
            assertThat(processes).noneMatch(ProcessHandle::isAlive);
            assertThat(processesUsing(es.configDir())).isEmpty();
            assertThat(portOpen(es.httpPort())).isFalse();

            int port = es.httpPort();
            es.restart();
            assertThat(es.httpPort()).isEqualTo(port);
            assertThat(es.count(INDEX)).isEqualTo(3);
            assertThat(es.get("/" + INDEX + "/_doc/3").path("_source").path("sensor").asText()).isEqualTo("s2");
        } finally {
            es.close();
        }
        es.close(); // idempotent
        assertThat(workDir).doesNotExist();
        assertThat(portOpen(es.httpPort())).isFalse();
    }

    /** Any process, ours or not, whose command line names this instance's config dir (both ES JVMs do). */
    private static List<Long> processesUsing(Path configDir) {
        String marker = configDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false; // refused: nothing listens
        }
    }
}
