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
 * JSON over HTTP/1.1 to one local server's REST API, with java.net.http and Jackson and no server-specific client:
 * what {@link ConnectRestClient} and {@link ElasticsearchRestClient} share. Paths may omit the leading slash.
 */
final class JsonHttpClient {
    static final String JSON_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Duration requestTimeout;
    private final HttpClient http;

    JsonHttpClient(String baseUrl, Duration requestTimeout) {
        this.baseUrl = baseUrl;
        this.requestTimeout = requestTimeout;
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

    /** One request, any status; a null body sends none (and no Content-Type). Connection errors are unchecked. */
    Response send(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(requestTimeout)
                .header("Accept", JSON_TYPE)
                .method(method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + uri(path), e);
        }
    }

    /** The body of a 2xx answer; any other status throws {@link HttpStatusException}. */
    static String bodyOf(String method, String path, Response response) {
        if (!response.ok()) {
            throw new HttpStatusException(method, normalize(path), response.status(), response.body());
        }
        return response.body();
    }

    /** {@code _cat/indices} and {@code /_cat/indices} both mean {@code /_cat/indices}. */
    static String normalize(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    /** The body as JSON; an empty body is JSON null. */
    static JsonNode parse(String path, String body) {
        if (body.isEmpty()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Answer to " + path + " is not JSON: " + body, e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write " + value + " as JSON", e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + normalize(path));
    }
}
