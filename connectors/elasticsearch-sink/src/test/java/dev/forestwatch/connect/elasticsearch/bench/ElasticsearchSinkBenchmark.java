package dev.forestwatch.connect.elasticsearch.bench;

import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.common.testing.BenchMain;
import dev.forestwatch.connect.common.testing.SinkTestSupport;
import dev.forestwatch.connect.elasticsearch.ElasticsearchSinkConfig;
import dev.forestwatch.connect.elasticsearch.ElasticsearchSinkConnector;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.HttpStatusException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Docs/s into the same Elasticsearch through the connector (a real worker reading a real broker, plugin from its
 * zip) and through a plain _bulk loader with the same batch size, and their ratio, plus heap.
 * {@code ./forestwatch bench-elasticsearch [--records N]}.
 */
public final class ElasticsearchSinkBenchmark {

    private static final int BATCH = 2000;

    /** Elasticsearch took over 90 s to start on a 2-core machine shared with other builds (load 30). */
    private static final Duration STARTUP = Duration.ofMinutes(6);

    /**
     * Docs/s from the first documents indexed to the last, and from the mode's start (the loader's first request,
     * the connector's creation) to the last.
     */
    record Rates(double fromFirst, double fromStart) {
    }

    private ElasticsearchSinkBenchmark() {
    }

    public static void main(final String[] args) {
        BenchMain.run("bench-elasticsearch", args, "Usage: ./forestwatch bench-elasticsearch [--records N]", flags -> {
            final int records = flags.intValue("records", 300_000);
            return open -> run(records, open);
        });
    }

    private static void run(final int records, final Deque<AutoCloseable> open) throws Exception {
        final List<byte[]> docs = SinkTestSupport.scoredRecords(records, "r-");
        final Path plugins = EmbeddedConnect.installBuiltPlugin();
        System.out.printf(Locale.ROOT, "Elasticsearch sink benchmark: %,d documents of ~%d bytes, batches of %d; "
                + "%d cores%n", records, docs.get(0).length, BATCH, Runtime.getRuntime().availableProcessors());
        final EmbeddedElasticsearch es = EmbeddedElasticsearch.builder().startupTimeout(STARTUP).start();
        open.push(es);
        final EmbeddedKafka kafka = EmbeddedKafka.start();
        open.push(kafka);
        final EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).pluginPath(plugins)
                .workerProperty("consumer.max.poll.records", "2000").start();
        open.push(connect);
        template(es);
        System.out.println("warm-up: a plain load of 20,000 documents");
        plainLoad(es, docs.subList(0, Math.min(20_000, docs.size())), "bench-warmup");
        final Rates plain = plainLoad(es, docs, "bench-plain");
        System.out.printf(Locale.ROOT, "plain _bulk loader: %,.0f docs/s from its first documents%n",
                plain.fromFirst());
        final Rates sink = connector(es, kafka, connect, docs, "bench-sink", 1);
        final Rates sink2 = connector(es, kafka, connect, docs, "bench-sink2", 2);
        final Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %16s %18s%n", "mode", "1st..last docs/s", "start..last docs/s");
        System.out.printf(Locale.ROOT, "%-58s %,16.0f %,18.0f%n", "plain _bulk loader (1 request at a time)",
                plain.fromFirst(), plain.fromStart());
        System.out.printf(Locale.ROOT, "%-58s %,16.0f %,18.0f%n", "connector (Connect worker, 1 task, 1 in flight)",
                sink.fromFirst(), sink.fromStart());
        System.out.printf(Locale.ROOT, "%-58s %,16.0f %,18.0f%n", "connector, 2 in flight (the default)",
                sink2.fromFirst(), sink2.fromStart());
        // one basis for both sides: the loader's rate used to include its first request while the connector's
        // started after its first documents were indexed
        final double r1 = sink.fromFirst() / plain.fromFirst();
        final double r2 = sink2.fromFirst() / plain.fromFirst();
        System.out.printf(Locale.ROOT, "connector/plain, both from their first documents indexed: %.2f (1 in flight), "
                + "%.2f (2 in flight)  target >= 0.80  %s   (both from their start, task start-up included: %.2f, "
                + "%.2f)%n", r1, r2, Math.max(r1, r2) >= 0.8 ? "OK" : "BELOW TARGET",
                sink.fromStart() / plain.fromStart(), sink2.fromStart() / plain.fromStart());
        System.out.printf(Locale.ROOT, "heap used in this JVM (broker, worker, connector) after the runs: %d MB%n",
                (rt.totalMemory() - rt.freeMemory()) >> 20);
        System.out.flush();
    }

    private static void template(final EmbeddedElasticsearch es) {
        es.put("/_index_template/bench", "{\"index_patterns\":[\"bench-*\"],\"template\":{\"settings\":"
                + "{\"number_of_replicas\":0}}}");
    }

    /**
     * The same items a connector sends (index action with id, document), BATCH per request, one at a time. Its first
     * documents are indexed when the first request returns.
     */
    static Rates plainLoad(final EmbeddedElasticsearch es, final List<byte[]> docs, final String index)
            throws Exception {
        final HttpClient http = HttpClient.newHttpClient();
        final long t0 = System.nanoTime();
        long first = 0;
        for (int i = 0; i < docs.size(); i += BATCH) {
            final StringBuilder body = new StringBuilder();
            for (int j = i; j < Math.min(i + BATCH, docs.size()); j++) {
                body.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"r-").append(j)
                        .append("\"}}\n").append(new String(docs.get(j), StandardCharsets.UTF_8)).append('\n');
            }
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(es.url() + "/_bulk"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || r.body().contains("\"errors\":true")) {
                throw new IllegalStateException("bulk failed: " + r.statusCode());
            }
            if (first == 0) {
                first = System.nanoTime();
            }
        }
        final long end = System.nanoTime();
        final Rates rates = new Rates((docs.size() - Math.min(BATCH, docs.size())) / (Math.max(1, end - first) / 1e9),
                docs.size() / ((end - t0) / 1e9));
        es.refresh(index);
        if (es.count(index) != docs.size()) {
            throw new IllegalStateException("plain load indexed " + es.count(index));
        }
        return rates;
    }

    static Rates connector(final EmbeddedElasticsearch es, final EmbeddedKafka kafka, final EmbeddedConnect connect,
            final List<byte[]> docs, final String index, final int inFlight) throws Exception {
        kafka.createTopics(2, index);
        SinkTestSupport.preload(kafka.bootstrapServers(), index, docs);
        final Map<String, String> c = SinkTestSupport.connectorConfig(ElasticsearchSinkConnector.class, 1, index);
        c.put(ElasticsearchSinkConfig.URLS_CONFIG, es.url());
        c.put(ElasticsearchSinkConfig.INDEX_CONFIG, index);
        c.put(ElasticsearchSinkConfig.REPLICAS_CONFIG, "0");
        c.put(SendConfig.BATCH_MAX_RECORDS_CONFIG, String.valueOf(BATCH));
        c.put(SendConfig.MAX_IN_FLIGHT_CONFIG, String.valueOf(inFlight));
        c.put(SendConfig.LINGER_MS_CONFIG, "100");
        final long t0 = System.nanoTime();
        connect.createOrUpdateConnector(index, c);
        final long deadline = t0 + Duration.ofMinutes(5).toNanos();
        long indexed = 0;
        long firstNanos = 0;
        long firstCount = 0;
        while (indexed < docs.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connector indexed only " + indexed);
            }
            Thread.sleep(200);
            try {
                indexed = es.get("/" + index + "/_stats/indexing").path("_all").path("primaries").path("indexing")
                        .path("index_total").asLong();
            } catch (HttpStatusException e) {
                indexed = 0; // the first request has not created the index yet
            }
            if (firstNanos == 0 && indexed > 0) {
                firstNanos = System.nanoTime();
                firstCount = indexed;
            }
        }
        final long end = System.nanoTime();
        System.out.printf(Locale.ROOT, "connector: %.1f s from creation to the first documents (task start, first "
                + "poll), then %,.0f docs/s%n", (firstNanos - t0) / 1e9,
                (docs.size() - firstCount) / ((end - firstNanos) / 1e9));
        connect.deleteConnector(index);
        return new Rates((docs.size() - firstCount) / (Math.max(1, end - firstNanos) / 1e9),
                docs.size() / ((end - t0) / 1e9));
    }
}
