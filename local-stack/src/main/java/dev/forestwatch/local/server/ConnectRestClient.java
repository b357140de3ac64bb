package dev.forestwatch.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link ConnectCluster}'s REST calls on the shared {@link JsonHttpClient}. Any status other than 2xx becomes a
 * {@link HttpStatusException}, except 409, which the worker answers while it rebalances (e.g. just after a restart)
 * and which is retried for a while.
 */
final class ConnectRestClient {
    /** Requests are forwarded to the leader, which waits up to 90 s on its own; ours must not be shorter. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(100);
    private static final Duration CONFLICT_RETRY = Duration.ofSeconds(30);
    private static final long CONFLICT_BACKOFF_MILLIS = 250;

    private final JsonHttpClient http;

    ConnectRestClient(String baseUrl) {
        this.http = new JsonHttpClient(baseUrl, REQUEST_TIMEOUT);
    }

    /** One attempt, no status check and no retry; connection errors surface as IOException. */
    JsonHttpClient.Response probe(String path, Duration timeout) throws IOException, InterruptedException {
        return http.probe(path, timeout);
    }

    JsonNode getJson(String path) {
        return JsonHttpClient.parse(path, call("GET", path, null));
    }

    JsonNode putJson(String path, Object body) {
        return JsonHttpClient.parse(path, call("PUT", path, body));
    }

    /** Sends the request and returns the body of a 2xx answer; throws {@link HttpStatusException} otherwise. */
    String call(String method, String path, Object body) {
        String json = body == null ? null : JsonHttpClient.write(body);
        long deadline = System.nanoTime() + CONFLICT_RETRY.toNanos();
        while (true) {
            JsonHttpClient.Response response = http.send(method, path, JsonHttpClient.JSON_TYPE, json);
            if (response.status() != 409 || System.nanoTime() - deadline > 0) {
                return JsonHttpClient.bodyOf(method, path, response);
            }
            sleep(method, path);
        }
    }

    /** A connector name as one URL path segment (URLEncoder writes spaces as '+', which paths don't decode). */
    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
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
