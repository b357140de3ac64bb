package dev.forestwatch.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.local.HeadlessChromium;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as a user sees it: a real Elasticsearch holding two minutes of scored records of three
 * sensors, the page rendered by headless Chromium (its DOM after the page's script ran, and a screenshot
 * to {@code target/dashboard.png}), then a record indexed while a page is open showing up without a reload.
 */
class DashboardIT {
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png").toAbsolutePath();
    private static final Duration CHROMIUM_TIMEOUT = Duration.ofSeconds(120);
    private static final String INDEX = Dashboard.DEFAULT_INDEX;
    private static final List<String> SENSORS = List.of("DemoSensor-1", "DemoSensor-2", "DemoSensor-3");
    private static final int SECONDS = 120;
    private static final int RECORDS_PER_SENSOR_SECOND = 3;
    /** Seconds ago, sensor, iotValue, score: the anomalies among the normal records. */
    private static final Object[][] ANOMALIES = {
            {100, "DemoSensor-1", 113, 3.44}, {77, "DemoSensor-2", 104, 2.71}, {52, "DemoSensor-3", 118, 4.12},
            {31, "DemoSensor-1", 101, 2.93}, {9, "DemoSensor-2", 120, 3.05},
    };
    /** Mirrors the Elasticsearch sink's index template (connectors/elasticsearch-sink IndexTemplate). */
    private static final String INDEX_BODY = "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":{"
            + "\"ANOMALY_SCORE\":{\"type\":\"double\"},\"created\":{\"type\":\"date\"},\"iotName\":{\"type\":\"keyword\"},"
            + "\"iotValue\":{\"type\":\"double\"},\"recordId\":{\"type\":\"keyword\"}}}}";
    private static final String LATE_ID = "it-late-anomaly";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TAG_ROW = Pattern.compile("<tr\\b[^>]*>");

    @Test
    void chromiumShowsTheChartTopAnomaliesAndHealthAndNewRecordsWithoutAReload() throws Exception {
        if (!Files.isExecutable(HeadlessChromium.BINARY)) {
            fail(HeadlessChromium.BINARY + " is missing: this test renders the dashboard in headless Chromium; "
                    + "install it with `apt-get install -y chromium` (Debian package chromium)");
        }
        try (EmbeddedElasticsearch es = EmbeddedElasticsearch.start()) {
            AtomicInteger healthCalls = new AtomicInteger();
            AtomicReference<Runnable> onNextHealthCall = new AtomicReference<>();
            Supplier<Map<String, Object>> health = () -> {
                healthCalls.incrementAndGet();
                Runnable hook = onNextHealthCall.getAndSet(null);
                if (hook != null) {
                    hook.run();
                }
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("recordsInKinesis", 1085);
                figures.put("recordsInKafka", 1085);
                figures.put("scored", 1085);
                figures.put("indexed", 1085);
                figures.put("anomalies", ANOMALIES.length);
                figures.put("endToEndLagMs", 2350);
                return figures;
            };
            try (Dashboard dashboard = Dashboard.builder(es.url()).health(health).scoreThreshold(2.5).start()) {
                // Before the sink's first document there is no index: empty, not an error.
                assertThat(getJson(dashboard.url() + "api/series").path("sensors")).isEmpty();
                assertThat(getJson(dashboard.url() + "api/health").path("elasticsearch").path("docs").asLong())
                        .isZero();

                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                es.put("/" + INDEX, INDEX_BODY);
                index(es, documents(now));
                long docs = es.count(INDEX);

                JsonNode series = getJson(dashboard.url() + "api/series?minutes=5");
                assertThat(series.path("sensors").findValuesAsText("name")).containsExactlyElementsOf(SENSORS);
                assertThat(series.path("total").asLong()).isEqualTo(docs);
                JsonNode top = getJson(dashboard.url() + "api/top?minutes=5&size=10");
                assertThat(top.path("records").get(0).path("ANOMALY_SCORE").asDouble()).isEqualTo(4.12);
                JsonNode healthAnswer = getJson(dashboard.url() + "api/health");
                assertThat(healthAnswer.path("elasticsearch").path("up").asBoolean()).isTrue();
                assertThat(healthAnswer.path("elasticsearch").path("docs").asLong()).isEqualTo(docs);

                String dom = chromium("--virtual-time-budget=8000", "--dump-dom", dashboard.url());
                assertThat(updates(dom)).as("page refreshes in %s", dom).isGreaterThanOrEqualTo(1);
                Map<String, String> chart = attributes(find(dom, "<canvas\\b[^>]*id=\"chart\"[^>]*>"));
                assertThat(Integer.parseInt(chart.get("data-sensors"))).isEqualTo(SENSORS.size());
                assertThat(Integer.parseInt(chart.get("data-points"))).as("points drawn")
                        .isGreaterThan(SENSORS.size() * 60);
                List<Map<String, String>> rows = topRows(dom);
                assertThat(rows).hasSize(10);
                assertThat(rows).anySatisfy(
                        row -> assertThat(Double.parseDouble(row.get("data-value"))).isBetween(100.0, 120.0));
                assertThat(rows.get(0)).containsEntry("data-value", "118").containsEntry("data-score", "4.12");
                assertThat(dom.split("class=\"score hot\"", -1)).as("scores from the threshold up marked")
                        .hasSize(ANOMALIES.length + 1);
                assertThat(rows).noneMatch(row -> LATE_ID.equals(row.get("data-record-id")));
                assertThat(find(dom, "<section[^>]*id=\"health\".*?</section>"))
                        .contains("records in Kinesis", "end to end lag", "2.4 s", "Elasticsearch", ">up<",
                                "docs in ES");

                Files.deleteIfExists(SCREENSHOT);
                chromium("--virtual-time-budget=8000", "--hide-scrollbars", "--window-size=1280,900",
                        "--screenshot=" + SCREENSHOT, dashboard.url());
                assertThat(SCREENSHOT).exists();
                assertThat(Files.size(SCREENSHOT)).as("screenshot bytes").isGreaterThan(10 * 1024);

                // A new anomaly arrives while the page is open: indexed during the page's first refresh, after
                // it loaded, so the page can only show it by fetching again on its own.
                onNextHealthCall
                        .set(() -> index(es, List.of(document(LATE_ID, "DemoSensor-3", 116, 9.5, Instant.now()))));
                int callsBefore = healthCalls.get();
                String live = chromium("--virtual-time-budget=8000", "--dump-dom", dashboard.url());
                assertThat(onNextHealthCall.get()).as("the page called /api/health").isNull();
                assertThat(healthCalls.get() - callsBefore).as("refreshes of the one page").isGreaterThanOrEqualTo(2);
                assertThat(updates(live)).isGreaterThanOrEqualTo(2);
                assertThat(topRows(live).get(0)).containsEntry("data-record-id", LATE_ID).containsEntry("data-value",
                        "116");
            }
        }
    }

    private static List<ObjectNode> documents(Instant now) {
        Random random = new Random(42);
        List<ObjectNode> docs = new ArrayList<>();
        for (int ago = SECONDS - 1; ago >= 0; ago--) {
            for (String sensor : SENSORS) {
                for (int i = 0; i < RECORDS_PER_SENSOR_SECOND; i++) {
                    docs.add(document(sensor + "-" + ago + "-" + i, sensor, 10 + random.nextInt(11),
                            0.7 + 0.3 * random.nextDouble(), now.minusSeconds(ago)));
                }
            }
        }
        for (Object[] a : ANOMALIES) {
            docs.add(document("anomaly-" + a[0], (String) a[1], (Integer) a[2], (Double) a[3],
                    now.minusSeconds((Integer) a[0])));
        }
        return docs;
    }

    /** A document as the Elasticsearch sink writes it: created is the record's second. */
    private static ObjectNode document(String id, String sensor, int value, double score, Instant at) {
        return JSON.createObjectNode()
                .put("recordId", id)
                .put("iotName", sensor)
                .put("iotValue", value)
                .put("ANOMALY_SCORE", Math.round(score * 10_000) / 10_000.0)
                .put("created", at.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static void index(EmbeddedElasticsearch es, List<ObjectNode> docs) {
        StringBuilder bulk = new StringBuilder();
        for (ObjectNode doc : docs) {
            bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"")
                    .append(doc.path("recordId").asText()).append("\"}}\n")
                    .append(doc).append('\n');
        }
        JsonNode answer = es.bulk(bulk.toString());
        assertThat(answer.path("errors").asBoolean()).as(answer.toString()).isFalse();
        es.refresh(INDEX);
    }

    /**
     * Runs headless Chromium with a fresh profile and returns its stdout (the DOM with --dump-dom);
     * fails with its stderr when it exits non-zero or outlives {@link #CHROMIUM_TIMEOUT}.
     */
    private static String chromium(String... args) {
        return HeadlessChromium.run(CHROMIUM_TIMEOUT, args);
    }

    private static int updates(String dom) {
        return Integer.parseInt(attributes(find(dom, "<body\\b[^>]*>")).getOrDefault("data-updated", "0"));
    }

    private static List<Map<String, String>> topRows(String dom) {
        List<Map<String, String>> rows = new ArrayList<>();
        Matcher m = TAG_ROW.matcher(find(dom, "<tbody id=\"top-anomalies\">.*?</tbody>"));
        while (m.find()) {
            rows.add(attributes(m.group()));
        }
        return rows;
    }

    private static String find(String html, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("%s in the DOM:%n%s", regex, html).isTrue();
        return m.group();
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher m = Pattern.compile("([\\w-]+)=\"([^\"]*)\"").matcher(tag);
        while (m.find()) {
            attributes.put(m.group(1), m.group(2));
        }
        return attributes;
    }

    private static JsonNode getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as("%s: %s", url, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
