package dev.forestwatch.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * {@link EmbeddedElasticsearch}'s REST calls on the shared {@link JsonHttpClient}: no Elasticsearch client. Any
 * status other than 2xx becomes an {@link HttpStatusException}.
 */
final class ElasticsearchRestClient {
    static final String JSON_TYPE = JsonHttpClient.JSON_TYPE;
    static final String NDJSON_TYPE = "application/x-ndjson";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final JsonHttpClient http;

    ElasticsearchRestClient(String baseUrl) {
        this.http = new JsonHttpClient(baseUrl, REQUEST_TIMEOUT);
    }

    /** One GET, no status check; connection errors surface as IOException, for readiness probes. */
    JsonHttpClient.Response probe(String path, Duration timeout) throws IOException, InterruptedException {
        return http.probe(path, timeout);
    }

    /** Sends the request and parses the body of a 2xx answer; throws {@link HttpStatusException} otherwise. */
    JsonNode call(String method, String path, String contentType, String body) {
        return JsonHttpClient.parse(path,
                JsonHttpClient.bodyOf(method, path, http.send(method, path, contentType, body)));
    }
}
