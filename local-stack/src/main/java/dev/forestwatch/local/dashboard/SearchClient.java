package dev.forestwatch.local.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Read-only searches of one index over java.net.http, each bounded by a timeout: the dashboard
 * polls every second, and a stuck Elasticsearch must show up as an error on the page, not as a hang.
 * A missing index reads as empty ({@code ignore_unavailable}): before the sink's first document there is none.
 */
final class SearchClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 500;

    private final String baseUrl;
    private final String index;
    private final Duration timeout;
    private final HttpClient http;

    /** Elasticsearch did not answer in time, could not be reached, or answered with an error. */
    static final class SearchException extends Exception {
        private static final long serialVersionUID = 1L;

        SearchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    SearchClient(String baseUrl, String index, Duration timeout) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.index = index;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    String url() {
        return baseUrl;
    }

    String index() {
        return index;
    }

    JsonNode search(JsonNode query) throws SearchException {
        return send(HttpRequest.newBuilder(uri("/_search?ignore_unavailable=true"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query.toString())));
    }

    long count() throws SearchException {
        return send(HttpRequest.newBuilder(uri("/_count?ignore_unavailable=true")).GET()).path("count").asLong();
    }

    private URI uri(String pathAndQuery) {
        return URI.create(baseUrl + "/" + index + pathAndQuery);
    }

    private JsonNode send(HttpRequest.Builder builder) throws SearchException {
        HttpRequest request = builder.timeout(timeout).header("Accept", "application/json").build();
        String what = request.method() + " " + request.uri();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new SearchException(what + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new SearchException(what + ": cannot connect", e);
        } catch (IOException e) {
            throw new SearchException(
                    what + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchException(what + ": interrupted", e);
        }
        String body = response.body();
        if (response.statusCode() / 100 != 2) {
            throw new SearchException(what + " answered HTTP " + response.statusCode() + ": "
                    + (body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "..." : body), null);
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SearchException(what + " answered with something other than JSON", e);
        }
    }
}
