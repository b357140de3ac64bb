package dev.forestwatch.local.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP and JSON plumbing behind {@link EmbeddedElasticsearch}'s REST helpers: java.net.http and
 * Jackson, no Elasticsearch client. Any status other than 2xx becomes an {@link HttpStatusException}.
 */
final class ElasticsearchRestClient {
    static final String JSON_TYPE = "application/json";
    static final String NDJSON_TYPE = "application/x-ndjson";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final HttpClient http;

    ElasticsearchRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A response, whatever its status. */
    record Response(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** One GET, no status check; connection errors surface as IOException, for readiness probes. */
    Response probe(String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /** Sends the request and parses the body of a 2xx answer; throws {@link HttpStatusException} otherwise. */
    JsonNode call(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", JSON_TYPE)
                .method(method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + normalize(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + baseUrl + normalize(path), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new HttpStatusException(method, normalize(path), response.statusCode(), response.body());
        }
        return parse(path, response.body());
    }

    private URI uri(String path) {
        return URI.create(baseUrl + normalize(path));
    }

    /** {@code _cat/indices} and {@code /_cat/indices} both mean {@code /_cat/indices}. */
    static String normalize(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    private static JsonNode parse(String path, String body) {
        if (body.isEmpty()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Answer to " + path + " is not JSON: " + body, e);
        }
    }
}
