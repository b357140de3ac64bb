package dev.forestwatch.local.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP and JSON plumbing behind {@link EmbeddedConnect}'s REST helpers: java.net.http, no extra
 * dependencies. Any status other than 2xx becomes a {@link HttpStatusException}, except 409, which the
 * worker answers while it rebalances (e.g. just after a restart) and which is retried for a while.
 */
final class ConnectRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests are forwarded to the leader, which waits up to 90 s on its own; ours must not be shorter. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(100);
    private static final Duration CONFLICT_RETRY = Duration.ofSeconds(30);
    private static final long CONFLICT_BACKOFF_MILLIS = 250;

    private final String baseUrl;
    private final HttpClient http;

    ConnectRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A response, whatever its status; for readiness probes that expect errors. */
    record Response(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** One attempt, no status check and no retry; connection errors surface as IOException. */
    Response probe(String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    JsonNode getJson(String path) {
        return parse(path, call("GET", path, null));
    }

    JsonNode putJson(String path, Object body) {
        return parse(path, call("PUT", path, body));
    }

    /** Sends the request and returns the body of a 2xx answer; throws {@link HttpStatusException} otherwise. */
    String call(String method, String path, Object body) {
        long deadline = System.nanoTime() + CONFLICT_RETRY.toNanos();
        while (true) {
            Response response = sendOnce(method, path, body);
            if (response.ok()) {
                return response.body();
            }
            if (response.status() != 409 || System.nanoTime() - deadline > 0) {
                throw new HttpStatusException(method, path, response.status(), response.body());
            }
            sleep(method, path);
        }
    }

    private Response sendOnce(String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(write(body));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + baseUrl + path, e);
        }
    }

    /** A connector name as one URL path segment (URLEncoder writes spaces as '+', which paths don't decode). */
    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write " + value + " as JSON", e);
        }
    }

    private static JsonNode parse(String path, String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Answer to " + path + " is not JSON: " + body, e);
        }
    }

    private static void sleep(String method, String path) {
        try {
            Thread.sleep(CONFLICT_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying " + method + " " + path, e);
        }
    }
}
