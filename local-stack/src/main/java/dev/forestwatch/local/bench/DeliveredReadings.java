package dev.forestwatch.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.local.PipelineNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** What reached the pipeline's two destinations: the documents of the Elasticsearch index and the Firehose files. */
final class DeliveredReadings {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 5000;

    private final String es;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    DeliveredReadings(String elasticsearchUrl) {
        this.es = elasticsearchUrl;
    }

    /** The index's document count; IOException while Elasticsearch is down or the index does not exist yet. */
    long indexed() throws IOException, InterruptedException {
        return JSON.readTree(send("GET", "/" + PipelineNames.INDEX + "/_count", null)).path("count").asLong();
    }

    /** Document id -> reading number, for every document of the index, through a point in time. */
    Map<String, String> documents() throws IOException, InterruptedException {
        send("POST", "/" + PipelineNames.INDEX + "/_refresh", null);
        String pit = JSON.readTree(send("POST", "/" + PipelineNames.INDEX + "/_pit?keep_alive=2m", null)).path("id")
                .asText();
        Map<String, String> docs = new HashMap<>();
        JsonNode after = null;
        for (int page = 0; page < 10_000; page++) {
            ObjectNode q = JSON.createObjectNode().put("size", PAGE).put("track_total_hits", false);
            q.putArray("_source").add("reading");
            q.putObject("pit").put("id", pit).put("keep_alive", "2m");
            q.putArray("sort").addObject().put("_shard_doc", "asc");
            if (after != null) {
                q.set("search_after", after);
            }
            JsonNode hits = JSON.readTree(send("POST", "/_search", q.toString())).path("hits").path("hits");
            if (hits.isEmpty()) {
                break;
            }
            for (JsonNode h : hits) {
                docs.put(h.path("_id").asText(), h.path("_source").path("reading").asText());
            }
            after = hits.get(hits.size() - 1).path("sort");
        }
        send("DELETE", "/_pit", JSON.createObjectNode().put("id", pit).toString());
        return docs;
    }

    /** recordId -> how many times the Firehose files under {@code dir} hold it (newline-delimited JSON). */
    static Map<String, Integer> firehoseIds(Path dir) throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        ids.merge(JSON.readTree(line).path("recordId").asText(), 1, Integer::sum);
                    }
                }
            }
        }
        return ids;
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(es + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + r.statusCode());
        }
        return r.body();
    }
}
