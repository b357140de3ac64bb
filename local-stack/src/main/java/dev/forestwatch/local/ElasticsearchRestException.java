package dev.forestwatch.local;

/**
 * An Elasticsearch REST call of {@link EmbeddedElasticsearch} answered with a status other than 2xx. The
 * message carries the method, the path, the status and the body (ES puts the reason in
 * {@code {"error":{"type":..,"reason":..},"status":..}}).
 */
public final class ElasticsearchRestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    ElasticsearchRestException(String method, String path, int status, String body) {
        super(method + " " + path + " answered HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status code, e.g. 404 for a missing index. */
    public int status() {
        return status;
    }

    /** The response body as received. */
    public String body() {
        return body;
    }
}
