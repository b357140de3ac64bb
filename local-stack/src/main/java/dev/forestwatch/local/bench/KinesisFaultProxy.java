package dev.forestwatch.local.bench;

import com.sun.net.httpserver.HttpExchange;
import dev.forestwatch.local.LoopbackHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a Kinesis endpoint (the kinesis-local emulator) that answers
 * {@code GetRecords} with the errors real Kinesis gives a busy or slow consumer: {@code
 * ProvisionedThroughputExceededException} for a time window, {@code ExpiredIteratorException} for the next few
 * calls. Everything else, and GetRecords outside a fault, is forwarded unchanged. The KCL's client must speak
 * HTTP/1.1 to it (the Kinesis source's {@code aws.kinesis.http.protocol=http1.1}): the JDK server has no HTTP/2.
 */
public final class KinesisFaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KinesisFaultProxy.class);
    private static final String GET_RECORDS = "Kinesis_20131202.GetRecords";
    /** Headers the JDK client sets itself (it refuses them) or that describe the hop, not the message. */
    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "date");

    private final URI upstream;
    private final LoopbackHttpServer server;
    private final HttpClient client;
    private final AtomicLong throttleUntilNanos = new AtomicLong(System.nanoTime());
    private final AtomicInteger expireNext = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger expired = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();

    private KinesisFaultProxy(URI upstream) {
        this.upstream = upstream;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // one thread per waiting call: the KCL keeps a GetRecords in flight per shard besides its lease calls
        server = LoopbackHttpServer.start(0, "kinesis-fault-proxy", this::handle);
    }

    /** Starts a proxy to {@code upstream} (e.g. {@code http://127.0.0.1:45987}) on a free port. */
    public static KinesisFaultProxy start(URI upstream) {
        return new KinesisFaultProxy(upstream);
    }

    /** {@code http://127.0.0.1:<port>}, for the connector's {@code aws.kinesis.endpoint}. */
    public URI endpoint() {
        return URI.create(server.url());
    }

    /** Answers every GetRecords with ProvisionedThroughputExceededException for {@code window} from now. */
    public void throttleGetRecordsFor(Duration window) {
        throttleUntilNanos.set(System.nanoTime() + window.toNanos());
    }

    /** Answers the next {@code n} GetRecords with ExpiredIteratorException. */
    public void expireNextIterators(int n) {
        expireNext.set(n);
    }

    /** Ends every fault at once. */
    public void clearFaults() {
        throttleUntilNanos.set(System.nanoTime());
        expireNext.set(0);
    }

    public int throttledCalls() {
        return throttled.get();
    }

    public int expiredCalls() {
        return expired.get();
    }

    public int forwardedCalls() {
        return forwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = LoopbackHttpServer.readBody(exchange);
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            if (GET_RECORDS.equals(target)) {
                if (System.nanoTime() - throttleUntilNanos.get() < 0) {
                    throttled.incrementAndGet();
                    reject(exchange, "ProvisionedThroughputExceededException",
                            "Rate exceeded for shard in stream under account 000000000000.");
                    return;
                }
                if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    expired.incrementAndGet();
                    reject(exchange, "ExpiredIteratorException", "Iterator expired.");
                    return;
                }
            }
            forward(exchange, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (IOException | RuntimeException e) {
            // HttpServer drops handler exceptions silently; the client then sees a closed connection and retries
            log.warn("Kinesis fault proxy could not forward a {} call: {}", exchange.getRequestMethod(), e.toString());
            throw e;
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                h.getValue().forEach(v -> request.header(h.getKey(), v));
            }
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        forwarded.incrementAndGet();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        LoopbackHttpServer.respond(exchange, response.statusCode(), response.body());
    }

    /** The SDK takes the error code from x-amzn-ErrorType before the body, so a JSON body serves CBOR clients too. */
    private static void reject(HttpExchange exchange, String code, String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", code);
        exchange.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        LoopbackHttpServer.respond(exchange, 400, ("{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "KinesisFaultProxy[" + endpoint() + " -> " + upstream + "]";
    }
}
