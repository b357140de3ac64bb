package dev.forestwatch.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link HttpServer} on 127.0.0.1 with its own pool of daemon threads, for the stand-in services the local
 * stack serves itself (Firehose, the Kinesis fault proxy, the dashboard). {@link #close()} stops it at once.
 */
public final class LoopbackHttpServer implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LoopbackHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves every path with {@code handler} on a cached pool, so concurrent calls (and injected latency) never
     * queue behind each other. Port 0 picks a free one.
     */
    public static LoopbackHttpServer start(int port, String threadName, HttpHandler handler) {
        return start(port, Executors.newCachedThreadPool(daemon(threadName)), Map.of("/", handler));
    }

    /** Serves each path prefix with its handler on {@code threads} threads. Port 0 picks a free one. */
    public static LoopbackHttpServer start(int port, String threadName, int threads,
            Map<String, HttpHandler> handlers) {
        return start(port, Executors.newFixedThreadPool(threads, daemon(threadName)), handlers);
    }

    private static LoopbackHttpServer start(int port, ExecutorService executor, Map<String, HttpHandler> handlers) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(HOST, port), 0);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("Cannot listen on " + HOST + ":" + port, e);
        }
        server.setExecutor(executor);
        handlers.forEach(server::createContext);
        server.start();
        return new LoopbackHttpServer(server, executor);
    }

    /** {@code port} if it is one a server can listen on (0 picks a free one); for builders to fail early. */
    public static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Bad port " + port);
        }
        return port;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String url() {
        return "http://" + HOST + ":" + port();
    }

    /** The whole request body. */
    public static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /** Sends the status and the body (none if empty, or if the request is a HEAD); headers are set before. */
    public static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving at once (in-flight requests are cut off) and waits a little for the threads; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
