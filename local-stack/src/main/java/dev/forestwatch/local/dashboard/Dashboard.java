package dev.forestwatch.local.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forestwatch.local.Flags;
import dev.forestwatch.local.LoopbackHttpServer;
import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.dashboard.SearchClient.SearchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view of the one-command run, in the place the seed pipeline's Kibana had: a page on
 * 127.0.0.1 that redraws every second from the index the Elasticsearch sink writes ({@code anomalydata}).
 * A JDK {@link HttpServer} serves the page (plain HTML, JS and CSS from the classpath: no CDN, works
 * offline) and three JSON endpoints:
 * <ul>
 *   <li>{@code GET /api/series?minutes=5}: per sensor and second, the record count and max ANOMALY_SCORE;</li>
 *   <li>{@code GET /api/top?minutes=5&size=10}: the highest-scored records;</li>
 *   <li>{@code GET /api/health}: the caller's pipeline figures, plus whether Elasticsearch answered and its doc count.</li>
 * </ul>
 * Every Elasticsearch call has a timeout; a failed one answers HTTP 502 with {@code {"error": "..."}}.
 *
 * <pre>{@code
 * try (Dashboard d = Dashboard.builder("http://127.0.0.1:9200").port(8088).health(figures::snapshot).start()) {
 *     System.out.println("Dashboard: " + d.url());
 * }
 * }</pre>
 *
 * <p>The health figures are shown with their map keys as labels ({@code recordsInKinesis}: "records in
 * Kinesis"), in the map's order; numbers whose key ends in {@code Ms} or {@code Seconds} (e.g.
 * {@code endToEndLagMs}) are shown as durations. Scores from {@link Builder#scoreThreshold(double)} up are
 * marked as anomalies.
 */
public final class Dashboard implements AutoCloseable {
    public static final String DEFAULT_INDEX = PipelineNames.INDEX;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** As the demo's {@code --score-threshold}. */
    public static final double DEFAULT_SCORE_THRESHOLD = 2.0;
    static final int DEFAULT_MINUTES = 5;
    static final int DEFAULT_TOP = 10;
    private static final int THREADS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final Map<String, StaticFile> STATIC_FILES = Map.of(
            "/", StaticFile.load("index.html", "text/html; charset=utf-8"),
            "/index.html", StaticFile.load("index.html", "text/html; charset=utf-8"),
            "/dashboard.js", StaticFile.load("dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard.css", StaticFile.load("dashboard.css", "text/css; charset=utf-8"));
    static final String USAGE = "Usage: Dashboard [--es URL] [--index NAME] [--port N] [--threshold X]\n"
            + "  --es URL       Elasticsearch to read (default http://127.0.0.1:9200)\n"
            + "  --index NAME   index the Elasticsearch sink writes (default " + DEFAULT_INDEX + ")\n"
            + "  --port N       port on 127.0.0.1 (default 8088; 0 picks a free one)\n"
            + "  --threshold X  ANOMALY_SCORE marked as an anomaly (default " + DEFAULT_SCORE_THRESHOLD + ")";

    private final LoopbackHttpServer server;
    private final SearchClient search;
    private final Supplier<Map<String, Object>> health;
    private final double scoreThreshold;
    private final Clock clock;

    private Dashboard(Builder b) {
        this.search = new SearchClient(b.elasticsearchUrl, b.index, b.timeout);
        this.health = b.health;
        this.scoreThreshold = b.scoreThreshold;
        this.clock = b.clock;
        this.server = LoopbackHttpServer.start(b.port, "dashboard-http", THREADS, Map.of(
                "/", this::serveStatic,
                "/api/series", exchange -> serveJson(exchange, this::series),
                "/api/top", exchange -> serveJson(exchange, this::top),
                "/api/health", exchange -> serveJson(exchange, params -> health())));
        Log.LOG.debug("Dashboard at {} reading {}/{}", url(), search.url(), search.index());
    }

    /** A dashboard reading the Elasticsearch at {@code elasticsearchUrl}, e.g. {@code http://127.0.0.1:9200}. */
    public static Builder builder(String elasticsearchUrl) {
        return new Builder(elasticsearchUrl);
    }

    /** {@code http://127.0.0.1:<port>/}, the page. */
    public String url() {
        return server.url() + "/";
    }

    public int port() {
        return server.port();
    }

    /** Stops serving at once (in-flight requests are cut off); idempotent. */
    @Override
    public void close() {
        server.close();
    }

    public static void main(String[] args) throws InterruptedException {
        Builder builder = Flags.readOrExit(args, USAGE, Dashboard::builderFrom);
        if (builder == null) {
            return;
        }
        if (System.getProperty("logback.configurationFile") == null) {
            // Warnings only (see dev.forestwatch.local.Logging); logback's default would be DEBUG.
            System.setProperty("logback.configurationFile", "forestwatch-console-logback.xml");
        }
        Dashboard dashboard = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            stopped.countDown();
        }, "dashboard-shutdown"));
        System.out.println("Dashboard at " + dashboard.url() + " reading " + dashboard.search.url() + "/"
                + dashboard.search.index() + " (Ctrl+C to stop)");
        stopped.await();
    }

    /** The main's flags ({@code --es --index --port --threshold}), parsed by the same {@link Flags} as every other main. */
    static Builder builderFrom(Flags flags) {
        Builder builder = builder(flags.string("es", "http://127.0.0.1:9200"))
                .index(flags.string("index", DEFAULT_INDEX))
                .port(flags.intValue("port", 8088))
                .scoreThreshold(flags.doubleValue("threshold", DEFAULT_SCORE_THRESHOLD));
        flags.rejectUnknown();
        return builder;
    }

    private JsonNode series(Map<String, String> params) throws SearchException {
        DashboardQueries.Window window = DashboardQueries.Window.lastMinutes(Instant.now(clock), minutes(params));
        return DashboardQueries.shapeSeries(window, search.search(DashboardQueries.seriesQuery(window)));
    }

    private JsonNode top(Map<String, String> params) throws SearchException {
        DashboardQueries.Window window = DashboardQueries.Window.lastMinutes(Instant.now(clock), minutes(params));
        int size = intParam(params, "size", DEFAULT_TOP, DashboardQueries.MAX_TOP);
        return DashboardQueries.shapeTop(search.search(DashboardQueries.topQuery(window, size)));
    }

    /** Always 200: whether Elasticsearch answered is one of the figures. */
    private JsonNode health() {
        ObjectNode out = JSON.createObjectNode()
                .put("time", Instant.now(clock).toString())
                .put("scoreThreshold", scoreThreshold);
        ObjectNode pipeline = out.putObject("pipeline");
        try {
            health.get().forEach((key, value) -> pipeline.set(key, toJson(value)));
        } catch (RuntimeException e) {
            Log.LOG.warn("Health figures failed", e);
            out.put("pipelineError", String.valueOf(e));
        }
        ObjectNode es = out.putObject("elasticsearch").put("url", search.url()).put("index", search.index());
        try {
            es.put("docs", search.count()).put("up", true);
        } catch (SearchException e) {
            es.putNull("docs").put("up", false).put("error", e.getMessage());
        }
        return out;
    }

    private static JsonNode toJson(Object value) {
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return JSON.getNodeFactory().textNode(String.valueOf(value)); // not a bean Jackson can write
        }
    }

    private static int minutes(Map<String, String> params) {
        return intParam(params, "minutes", DEFAULT_MINUTES, DashboardQueries.MAX_MINUTES);
    }

    /** A parameter in [1, max]; anything else is the client's mistake (HTTP 400). */
    static int intParam(Map<String, String> params, String name, int defaultValue, int max) {
        String raw = params.get(name);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the same message
        }
        throw new IllegalArgumentException(name + " must be an integer from 1 to " + max + ", got '" + raw + "'");
    }

    static Map<String, String> queryParams(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    @FunctionalInterface
    private interface Endpoint {
        JsonNode answer(Map<String, String> params) throws SearchException;
    }

    /** Every path ends in exactly one response, whatever fails. */
    private void serveJson(HttpExchange exchange, Endpoint endpoint) throws IOException {
        try (exchange) {
            int status;
            JsonNode body;
            if (!isRead(exchange)) {
                status = 405;
                body = error("Only GET is supported");
            } else {
                try {
                    body = endpoint.answer(queryParams(exchange.getRequestURI().getRawQuery()));
                    status = 200;
                } catch (IllegalArgumentException e) {
                    status = 400;
                    body = error(e.getMessage());
                } catch (SearchException e) {
                    status = 502;
                    body = error("Elasticsearch: " + e.getMessage());
                } catch (RuntimeException e) {
                    Log.LOG.warn("{} failed", exchange.getRequestURI(), e);
                    status = 500;
                    body = error(String.valueOf(e));
                }
            }
            send(exchange, status, JSON_TYPE, JSON.writeValueAsBytes(body));
        }
    }

    private void serveStatic(HttpExchange exchange) throws IOException {
        try (exchange) {
            StaticFile file = STATIC_FILES.get(exchange.getRequestURI().getPath());
            if (!isRead(exchange)) {
                send(exchange, 405, "text/plain; charset=utf-8",
                        "Only GET is supported\n".getBytes(StandardCharsets.UTF_8));
            } else if (file == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not found\n".getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 200, file.contentType(), file.bytes());
            }
        }
    }

    private static boolean isRead(HttpExchange exchange) {
        return exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        LoopbackHttpServer.respond(exchange, status, body);
    }

    /** Created on first use, so that {@link #main} chooses the logback configuration before logback starts. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    }

    private record StaticFile(byte[] bytes, String contentType) {
        static StaticFile load(String name, String contentType) {
            try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "Missing resource " + name + " next to " + Dashboard.class.getName());
                }
                return new StaticFile(in.readAllBytes(), contentType);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read resource " + name, e);
            }
        }
    }

    /** Where to read from, where to listen, and what health figures to show. */
    public static final class Builder {
        // Read by Dashboard's constructor, and by the tests of the flags.
        final String elasticsearchUrl;
        String index = DEFAULT_INDEX;
        int port;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Supplier<Map<String, Object>> health = Map::of;
        double scoreThreshold = DEFAULT_SCORE_THRESHOLD;
        private Clock clock = Clock.systemUTC();

        private Builder(String elasticsearchUrl) {
            this.elasticsearchUrl = Objects.requireNonNull(elasticsearchUrl);
        }

        /** The index (or pattern, e.g. {@code anomalydata-*} with rotation); default {@value Dashboard#DEFAULT_INDEX}. */
        public Builder index(String index) {
            if (index == null || index.isBlank()) {
                throw new IllegalArgumentException("index must not be empty");
            }
            this.index = index;
            return this;
        }

        /** A port on 127.0.0.1; 0, the default, picks a free one ({@link Dashboard#url()} tells which). */
        public Builder port(int port) {
            this.port = LoopbackHttpServer.checkPort(port);
            return this;
        }

        /** Connect and answer timeout of each Elasticsearch call; default 5 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * The pipeline figures for {@code /api/health}, called once per page refresh (about every second),
         * so keep it cheap: e.g. records in Kinesis, in Kafka, scored, indexed, anomalies, end-to-end lag.
         */
        public Builder health(Supplier<Map<String, Object>> health) {
            this.health = Objects.requireNonNull(health);
            return this;
        }

        /** Scores from this up are marked as anomalies on the page; default {@value Dashboard#DEFAULT_SCORE_THRESHOLD}. */
        public Builder scoreThreshold(double scoreThreshold) {
            if (!(scoreThreshold >= 0) || Double.isInfinite(scoreThreshold)) {
                throw new IllegalArgumentException("Bad score threshold " + scoreThreshold);
            }
            this.scoreThreshold = scoreThreshold;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Dashboard start() {
            return new Dashboard(this);
        }
    }
}
