package dev.forestwatch.local.server;

/**
 * A REST call of a local server (Kafka Connect's or Elasticsearch's API) answered with an unexpected HTTP status.
 * The message carries the method, the path, the status and the body, where both servers put the reason.
 */
public final class HttpStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    HttpStatusException(String method, String path, int status, String body) {
        super(method + " " + path + " answered HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status code, e.g. 404 for an unknown connector or a missing index. */
    public int status() {
        return status;
    }

    /** The response body as received. */
    public String body() {
        return body;
    }
}
