package dev.forestwatch.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.forestwatch.local.Flags;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP side against a stub Elasticsearch: static files, parameters, and every ES failure as a prompt 502. */
class DashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpServer stub;
    private final ExecutorService stubThreads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stopStub() {
        release.countDown();
        if (stub != null) {
            stub.stop(0);
        }
        stubThreads.shutdownNow();
    }

    @Test
    void servesThePageItsScriptAndStyleAndNothingElse() throws Exception {
        try (Dashboard dashboard = Dashboard.builder("http://127.0.0.1:" + closedPort()).start()) {
            assertThat(dashboard.url()).isEqualTo("http://127.0.0.1:" + dashboard.port() + "/");
            HttpResponse<String> page = get(dashboard.url());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("id=\"chart\"", "id=\"top-anomalies\"", "id=\"health\"", "dashboard.js",
                    "dashboard.css");
            assertThat(get(dashboard.url() + "dashboard.js").body()).contains("document.body.dataset.updated");
            assertThat(get(dashboard.url() + "dashboard.css").headers().firstValue("Content-Type"))
                    .hasValue("text/css; charset=utf-8");
            assertThat(get(dashboard.url() + "secret.txt").statusCode()).isEqualTo(404);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(dashboard.url() + "api/top"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(405);
            String url = dashboard.url();
            dashboard.close();
            dashboard.close(); // idempotent
            assertThatThrownBy(() -> get(url)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void unreachableElasticsearchIs502ForDataAndDownInHealth() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("recordsInKafka", 1200L);
        figures.put("endToEndLagMs", 2300);
        try (Dashboard dashboard = Dashboard.builder("http://127.0.0.1:" + closedPort()).health(() -> figures)
                .start()) {
            HttpResponse<String> series = get(dashboard.url() + "api/series?minutes=5");
            assertThat(series.statusCode()).isEqualTo(502);
            assertThat(JSON.readTree(series.body()).path("error").asText())
                    .startsWith("Elasticsearch: POST http://127.0.0.1:");

            HttpResponse<String> health = get(dashboard.url() + "api/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(health.body());
            assertThat(body.path("pipeline").toString()).isEqualTo("{\"recordsInKafka\":1200,\"endToEndLagMs\":2300}");
            assertThat(body.path("elasticsearch").path("up").asBoolean()).isFalse();
            assertThat(body.path("elasticsearch").path("docs").isNull()).isTrue();
            assertThat(body.path("elasticsearch").path("index").asText()).isEqualTo("anomalydata");
            assertThat(body.path("scoreThreshold").asDouble()).isEqualTo(Dashboard.DEFAULT_SCORE_THRESHOLD);
        }
    }

    @Test
    void aHangingElasticsearchTimesOutInsteadOfHangingThePage() throws Exception {
        String es = startStub(exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        try (Dashboard dashboard = Dashboard.builder(es).timeout(Duration.ofMillis(300)).start()) {
            long started = System.nanoTime();
            HttpResponse<String> top = get(dashboard.url() + "api/top");
            assertThat(top.statusCode()).isEqualTo(502);
            assertThat(top.body()).contains("no answer within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void passesTheWindowAndSizeToElasticsearchAndShapesTheAnswer() throws Exception {
        AtomicReference<String> request = new AtomicReference<>();
        String es = startStub(exchange -> {
            request.set(exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = ("{\"hits\":{\"hits\":[{\"_id\":\"x\",\"_source\":{\"recordId\":\"r1\",\"iotName\":\"DemoSensor-1\","
                    + "\"iotValue\":113,\"ANOMALY_SCORE\":3.44,\"created\":\"2026-11-26T05:25:02.000Z\"}}]}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        try (Dashboard dashboard = Dashboard.builder(es + "/").index("anomalydata-*").start()) {
            HttpResponse<String> top = get(dashboard.url() + "api/top?minutes=2&size=3");
            assertThat(top.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(top.body()).path("records").get(0).path("iotValue").asInt()).isEqualTo(113);
            JsonNode sent = JSON.readTree(request.get().substring(request.get().indexOf(' ') + 1));
            assertThat(request.get()).startsWith("/anomalydata-*/_search?ignore_unavailable=true ");
            assertThat(sent.path("size").asInt()).isEqualTo(3);
            JsonNode range = sent.path("query").path("range").path("created");
            assertThat(range.path("lt").asLong() - range.path("gte").asLong()).isEqualTo(120_000);
        }
    }

    @Test
    void rejectsParametersOutOfRange() throws Exception {
        try (Dashboard dashboard = Dashboard.builder("http://127.0.0.1:" + closedPort()).start()) {
            for (String query : new String[]{"api/series?minutes=0", "api/series?minutes=61", "api/top?size=abc",
                    "api/top?size=101"}) {
                HttpResponse<String> answer = get(dashboard.url() + query);
                assertThat(answer.statusCode()).as(query).isEqualTo(400);
                assertThat(JSON.readTree(answer.body()).path("error").asText()).as(query)
                        .contains("must be an integer from 1 to");
            }
        }
    }

    @Test
    void parsesTheMainsFlags() {
        Dashboard.Builder b = Dashboard
                .builderFrom(Flags.parse("--es", "http://es:9200", "--port=8089", "--index", "x"));
        assertThat(b.elasticsearchUrl).isEqualTo("http://es:9200");
        assertThat(b.port).isEqualTo(8089);
        assertThat(b.index).isEqualTo("x");
        assertThat(Dashboard.builderFrom(Flags.parse("--threshold", "1.5")).scoreThreshold).isEqualTo(1.5);
        assertThat(Dashboard.builderFrom(Flags.parse()).port).isEqualTo(8088);
        assertThat(Flags.parse("--help").has("help")).isTrue();
        assertThatThrownBy(() -> Dashboard.builderFrom(Flags.parse("--prot", "1")))
                .hasMessageContaining("Unknown flag --prot");
        assertThatThrownBy(() -> Dashboard.builderFrom(Flags.parse("--port")))
                .hasMessageContaining("--port expects an integer");
        assertThat(Dashboard.queryParams("minutes=5&size=1%30&flag")).containsEntry("minutes", "5")
                .containsEntry("size", "10").containsEntry("flag", "");
    }

    private String startStub(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        stub.setExecutor(stubThreads);
        stub.createContext("/", handler);
        stub.start();
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort(); // nothing listens once it is closed
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
