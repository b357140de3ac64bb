package dev.forestwatch.local;

/**
 * A Kafka Connect REST call answered with an unexpected HTTP status. The message carries the method,
 * the path, the status and the body (Connect puts the reason in {@code {"error_code":..,"message":..}}).
 */
public final class ConnectRestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    ConnectRestException(String method, String path, int status, String body) {
        super(method + " " + path + " answered HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status code, e.g. 404 for an unknown connector. */
    public int status() {
        return status;
    }

    /** The response body as received. */
    public String body() {
        return body;
    }
}
