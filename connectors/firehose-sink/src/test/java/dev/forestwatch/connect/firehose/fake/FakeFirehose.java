package dev.forestwatch.connect.firehose.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * In-process fake of Amazon Kinesis Data Firehose (AWS JSON 1.1) for the AWS SDK v2 {@code FirehoseClient}.
 *
 * <p>Supports {@code PutRecordBatch}, {@code PutRecord} and {@code DescribeDeliveryStream}. Enforces the service's
 * per-call limits (rejecting like the service, and recording each violation), offers thread-safe fault injection
 * and records what was delivered. Point the client at {@link #endpoint()} via {@code endpointOverride}.
 */
public final class FakeFirehose implements AutoCloseable {

    public static final int MAX_RECORDS_PER_CALL = 500;
    public static final long MAX_BYTES_PER_CALL = 4L * 1024 * 1024; // 4 MiB, sum of decoded record data
    public static final int MAX_RECORD_BYTES = 1_000 * 1024; // 1,000 KiB per decoded record

    /**
     * Firehose signals "slow down" with ServiceUnavailableException (HTTP 500 in its service model), not with
     * ThrottlingException; the SDK maps it to its modelled class, whose isThrottlingException() is false.
     */
    public static final String DEFAULT_THROTTLE_CODE = "ServiceUnavailableException";
    public static final int DEFAULT_THROTTLE_STATUS = 500;

    private static final String TARGET_PREFIX = "Firehose_20150804.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String ARN_PREFIX = "arn:aws:firehose:us-east-1:000000000000:deliverystream/";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;

    // Delivered data and streams: guarded by "this" so one call's entries land contiguously and in order.
    private final Map<String, List<byte[]>> streams = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> callsByOperation = new LinkedHashMap<>();

    // Fault injection and counters: guarded by "this".
    private Predicate<byte[]> failIf;
    private int failNextEntries;
    private double failProbability;
    private Random failRandom;
    private int throttleNextCalls;
    private String throttleCode = DEFAULT_THROTTLE_CODE;
    private int throttleStatus = DEFAULT_THROTTLE_STATUS;
    private int dropNextCalls;
    private Duration latency = Duration.ZERO;
    private int failedEntries;
    private int throttledCalls;
    private int droppedCalls;
    private int maxRecordsPerCall;
    private long maxBytesPerCall;

    /** Starts a server on 127.0.0.1 with a free port, with the given delivery streams already ACTIVE. */
    public FakeFirehose(String... streamNames) {
        for (String name : streamNames) {
            createStream(name);
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Cached pool: concurrent calls (and artificial latency) must not queue behind each other.
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-firehose");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}, for {@code endpointOverride(URI.create(fake.endpoint()))}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public synchronized FakeFirehose createStream(String name) {
        streams.putIfAbsent(name, new ArrayList<>());
        return this;
    }

    // ---------------------------------------------------------------- fault injection (any thread, any time)

    /** Fails (per entry, ServiceUnavailableException) every entry whose decoded data matches; null clears. */
    public synchronized FakeFirehose failEntriesMatching(Predicate<byte[]> predicate) {
        this.failIf = predicate;
        return this;
    }

    /** Fails the next {@code n} entries received, across calls. */
    public synchronized FakeFirehose failNextEntries(int n) {
        this.failNextEntries = n;
        return this;
    }

    /** Fails each entry with probability {@code p}, drawn from a Random seeded with {@code seed}; p = 0 disables. */
    public synchronized FakeFirehose failEntriesRandomly(double p, long seed) {
        this.failProbability = p;
        this.failRandom = p > 0 ? new Random(seed) : null;
        return this;
    }

    /** Rejects the next {@code n} Put calls as a whole with {@link #DEFAULT_THROTTLE_CODE}/{@link #DEFAULT_THROTTLE_STATUS}. */
    public FakeFirehose throttleNextCalls(int n) {
        return throttleNextCalls(n, DEFAULT_THROTTLE_CODE, DEFAULT_THROTTLE_STATUS);
    }

    /** Rejects the next {@code n} Put calls as a whole with the given error code (e.g. ThrottlingException) and status. */
    public synchronized FakeFirehose throttleNextCalls(int n, String errorCode, int httpStatus) {
        this.throttleNextCalls = n;
        this.throttleCode = errorCode;
        this.throttleStatus = httpStatus;
        return this;
    }

    /**
     * Closes the connection without any response for the next {@code n} requests (any supported operation); the
     * url-connection client reports "Unexpected end of file from server" (checked: it does not silently re-send).
     */
    public synchronized FakeFirehose dropNextCalls(int n) {
        this.dropNextCalls = n;
        return this;
    }

    /** Sleeps this long before handling each request. */
    public synchronized FakeFirehose setLatency(Duration latency) {
        this.latency = latency;
        return this;
    }

    /** Removes every injected fault and latency (recorded data and counters stay). */
    public synchronized FakeFirehose clearFaults() {
        failIf = null;
        failNextEntries = 0;
        failEntriesRandomly(0, 0);
        throttleNextCalls = 0;
        dropNextCalls = 0;
        latency = Duration.ZERO;
        return this;
    }

    // ---------------------------------------------------------------- observations

    /** Data accepted (answered with a RecordId) on {@code stream}, in arrival order; a copy. */
    public synchronized List<byte[]> delivered(String stream) {
        return List.copyOf(streams.getOrDefault(stream, List.of()));
    }

    /** Data accepted on {@code stream} decoded as UTF-8, for readable assertions. */
    public List<String> deliveredStrings(String stream) {
        return delivered(stream).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /** HTTP requests received (including dropped, throttled and rejected ones). */
    public synchronized int calls() {
        return callsByOperation.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** HTTP requests received for one operation, e.g. "PutRecordBatch". */
    public synchronized int calls(String operation) {
        return callsByOperation.getOrDefault(operation, 0);
    }

    public synchronized int failedEntries() {
        return failedEntries;
    }

    public synchronized int throttledCalls() {
        return throttledCalls;
    }

    public synchronized int droppedCalls() {
        return droppedCalls;
    }

    public synchronized int maxRecordsPerCall() {
        return maxRecordsPerCall;
    }

    /** Largest sum of decoded record sizes seen in one call. */
    public synchronized long maxBytesPerCall() {
        return maxBytesPerCall;
    }

    /** Human-readable limit violations seen so far (recorded even if the call was then dropped or throttled). */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- protocol

    /** A rejected call: the SDK reads {@code __type} (and the x-amzn-ErrorType header) to pick the exception class. */
    private static final class Reject extends Exception {
        final int status;
        final String code;

        Reject(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String operation = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : target;
            Duration sleep;
            synchronized (this) {
                callsByOperation.merge(operation, 1, Integer::sum);
                sleep = latency;
            }
            if (!sleep.isZero()) {
                Thread.sleep(sleep.toMillis());
            }
            try {
                JsonNode request = json.readTree(body);
                JsonNode response = switch (operation) {
                    case "PutRecordBatch" -> putRecords(request, request.path("Records"), true);
                    case "PutRecord" -> putRecords(request, json.createArrayNode().add(request.path("Record")), false);
                    case "DescribeDeliveryStream" -> describe(request);
                    default -> throw new Reject(400, "UnknownOperationException", "Unknown operation " + target);
                };
                if (response == null) {
                    return; // dropped: closing an exchange before sendResponseHeaders closes the TCP connection
                }
                send(exchange, 200, response);
            } catch (Reject r) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", r.code);
                send(exchange, r.status, json.createObjectNode().put("__type", r.code).put("message", r.getMessage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // server closing
        } catch (RuntimeException | IOException e) {
            // HttpServer swallows handler exceptions silently; make fake bugs visible in the test log.
            e.printStackTrace();
            throw e;
        }
    }

    private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Returns null when the call is to be dropped. */
    private JsonNode putRecords(JsonNode request, JsonNode records, boolean batch) throws Reject {
        String stream = request.path("DeliveryStreamName").asText();
        List<byte[]> data = new ArrayList<>();
        for (JsonNode record : records) {
            data.add(Base64.getDecoder().decode(record.path("Data").asText()));
        }
        long totalBytes = data.stream().mapToLong(d -> d.length).sum();
        int largest = data.stream().mapToInt(d -> d.length).max().orElse(0);

        String violation = null;
        if (data.isEmpty()) {
            violation = "call with no records";
        } else if (data.size() > MAX_RECORDS_PER_CALL) {
            violation = data.size() + " records in one call (max " + MAX_RECORDS_PER_CALL + ")";
        } else if (totalBytes > MAX_BYTES_PER_CALL) {
            violation = totalBytes + " bytes in one call (max " + MAX_BYTES_PER_CALL + ")";
        } else if (largest > MAX_RECORD_BYTES) {
            violation = "record of " + largest + " bytes (max " + MAX_RECORD_BYTES + ")";
        }

        synchronized (this) {
            maxRecordsPerCall = Math.max(maxRecordsPerCall, data.size());
            maxBytesPerCall = Math.max(maxBytesPerCall, totalBytes);
            // Recorded before drop/throttle so a client bug is caught whatever else the test injects.
            if (violation != null) {
                violations.add(stream + ": " + violation);
            }
            if (dropNextCalls > 0) {
                dropNextCalls--;
                droppedCalls++;
                return null;
            }
            if (!streams.containsKey(stream)) {
                throw notFound(stream);
            }
            if (violation != null) {
                throw new Reject(400, "InvalidArgumentException", violation);
            }
            if (throttleNextCalls > 0) {
                throttleNextCalls--;
                throttledCalls++;
                throw new Reject(throttleStatus, throttleCode, "Slow down.");
            }

            ArrayNode responses = json.createArrayNode();
            int failed = 0;
            for (byte[] entry : data) {
                ObjectNode result = responses.addObject();
                if (shouldFail(entry)) {
                    failed++;
                    result.put("ErrorCode", "ServiceUnavailableException").put("ErrorMessage", "Slow down.");
                } else {
                    String id = UUID.randomUUID().toString();
                    result.put("RecordId", id);
                    streams.get(stream).add(entry);
                }
            }
            failedEntries += failed;
            if (!batch) {
                // PutRecord has no per-entry status: a failed entry fails the whole call.
                if (failed > 0) {
                    throw new Reject(500, "ServiceUnavailableException", "Slow down.");
                }
                return json.createObjectNode().put("RecordId", responses.get(0).path("RecordId").asText())
                        .put("Encrypted", false);
            }
            ObjectNode response = json.createObjectNode().put("FailedPutCount", failed).put("Encrypted", false);
            response.set("RequestResponses", responses);
            return response;
        }
    }

    /** Called under the lock; each mechanism is consulted so counters and the Random stay deterministic. */
    private boolean shouldFail(byte[] entry) {
        boolean fail = false;
        if (failNextEntries > 0) {
            failNextEntries--;
            fail = true;
        }
        if (failRandom != null && failRandom.nextDouble() < failProbability) {
            fail = true;
        }
        if (failIf != null && failIf.test(entry)) {
            fail = true;
        }
        return fail;
    }

    private JsonNode describe(JsonNode request) throws Reject {
        String stream = request.path("DeliveryStreamName").asText();
        synchronized (this) {
            if (dropNextCalls > 0) {
                dropNextCalls--;
                droppedCalls++;
                return null;
            }
            if (!streams.containsKey(stream)) {
                throw notFound(stream);
            }
        }
        ObjectNode description = json.createObjectNode()
                .put("DeliveryStreamName", stream)
                .put("DeliveryStreamARN", ARN_PREFIX + stream)
                .put("DeliveryStreamStatus", "ACTIVE")
                .put("DeliveryStreamType", "DirectPut")
                .put("VersionId", "1")
                .put("HasMoreDestinations", false);
        description.putArray("Destinations");
        ObjectNode response = json.createObjectNode();
        response.set("DeliveryStreamDescription", description);
        return response;
    }

    private static Reject notFound(String stream) {
        return new Reject(400, "ResourceNotFoundException",
                "Firehose " + stream + " under account 000000000000 not found.");
    }
}
