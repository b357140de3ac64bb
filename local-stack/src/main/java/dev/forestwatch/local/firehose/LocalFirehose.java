package dev.forestwatch.local.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.forestwatch.local.LoopbackHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon Kinesis Data Firehose on loopback: a server in this JVM that speaks the service's JSON protocol (AWS JSON
 * 1.1) to the SDK v2 {@code FirehoseClient}, so the Firehose sink connector runs against it in the one-command run,
 * the integration tests and the benchmark.
 *
 * <pre>{@code
 * try (LocalFirehose firehose = LocalFirehose.builder()
 *         .deliveryStreams("ProcessedStreamData")
 *         .deliveryDir(Path.of("work/firehose"))
 *         .start()) {
 *     connect.createOrUpdateConnector("firehose-sink", Map.of(
 *             "connector.class", "dev.forestwatch.connect.firehose.FirehoseSinkConnector",
 *             "topics", "DESTINATION_SQL_STREAM",
 *             "delivery.stream", "ProcessedStreamData",
 *             "aws.firehose.endpoint", firehose.url(),
 *             "aws.access.key.id", "any", "aws.secret.access.key", "any"));
 *     // work/firehose/ProcessedStreamData/2025/06/01/13/ProcessedStreamData-2025-06-01-13 then holds what
 *     // was accepted from 13:00 to 13:59 UTC, records back to back as the sink sent them.
 * }
 * }</pre>
 *
 * <p>It answers {@code PutRecordBatch}, {@code PutRecord} and {@code DescribeDeliveryStream} for the delivery
 * streams created up front ({@link Builder#deliveryStreams}, {@link #createStream}); any region and credentials
 * work. It enforces the service's per-call limits (rejecting as the service does, and recording each violation
 * in {@link #violations()}), offers thread-safe fault injection, and keeps what it accepted in memory
 * ({@link #delivered}).
 *
 * <p>With a delivery directory, each accepted record is also appended, as Firehose's S3 destination would
 * deliver it, to {@link #deliveryFile} for the hour (UTC) its call arrived in. The bytes are forced to disk
 * before the call is answered, so every record the client saw acknowledged is in the file; a call that could not
 * be written is answered with {@code ServiceUnavailableException} and may have left part of itself behind, which
 * the client's retry then repeats (at least once, as with the service).
 *
 * <p>Over 400 lines: the documented API the tests and benchmarks call (about 30 small methods) beside the protocol
 * of its three operations; the HTTP server, fault injection, counters and delivery files are classes of their own.
 */
public final class LocalFirehose implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalFirehose.class);

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
    /** The service's rule for names; refusing dot-only ones too, no name leads out of the delivery directory. */
    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    private final ObjectMapper json = new ObjectMapper();
    private final DeliveryFiles files; // null without a delivery directory
    private final boolean retain;
    private final LoopbackHttpServer server;

    // Guarded by "this", so one call's entries land contiguously and in order, and sees one set of faults.
    private final Map<String, List<byte[]>> streams = new LinkedHashMap<>();
    private final FirehoseFaults faults = new FirehoseFaults();
    private final FirehoseCounters counters = new FirehoseCounters();

    /** Starts a server on 127.0.0.1 with a free port, with the given delivery streams already ACTIVE. */
    public LocalFirehose(String... streamNames) {
        this(builder().deliveryStreams(streamNames));
    }

    private LocalFirehose(Builder builder) {
        files = builder.deliveryDir == null ? null : new DeliveryFiles(builder.deliveryDir, builder.clock);
        retain = builder.retain;
        builder.streams.forEach(this::createStream);
        // Concurrent calls (and artificial latency) must not queue behind each other: one thread per call.
        server = LoopbackHttpServer.start(builder.port, "local-firehose", this::handle);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}, for the connector's {@code aws.firehose.endpoint}. */
    public String url() {
        return server.url();
    }

    /** {@link #url()} as a URI, for the SDK's {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create(url());
    }

    /** Where accepted records are appended, if anywhere. */
    public Optional<Path> deliveryDir() {
        return Optional.ofNullable(files).map(DeliveryFiles::dir);
    }

    /**
     * The file that records accepted on {@code stream} at {@code at} go to:
     * {@code <deliveryDir>/<stream>/yyyy/MM/dd/HH/<stream>-yyyy-MM-dd-HH}, UTC.
     *
     * @throws IllegalStateException without a delivery directory
     */
    public Path deliveryFile(String stream, Instant at) {
        if (files == null) {
            throw new IllegalStateException("This LocalFirehose has no delivery directory");
        }
        return files.file(stream, at);
    }

    /**
     * Creates an ACTIVE delivery stream (no-op if it exists).
     *
     * @throws IllegalArgumentException if the name is not one Firehose allows, or only dots
     */
    public synchronized LocalFirehose createStream(String name) {
        if (!STREAM_NAME.matcher(name).matches() || name.chars().allMatch(c -> c == '.')) {
            throw new IllegalArgumentException("Invalid delivery stream name '" + name
                    + "': 1 to 64 of [a-zA-Z0-9_.-], not only dots");
        }
        streams.putIfAbsent(name, new ArrayList<>());
        return this;
    }

    // ---------------------------------------------------------------- fault injection (any thread, any time)

    /** Fails (per entry, ServiceUnavailableException) every entry whose decoded data matches; null clears. */
    public synchronized LocalFirehose failEntriesMatching(Predicate<byte[]> predicate) {
        faults.failEntriesMatching(predicate);
        return this;
    }

    /** Fails the next {@code n} entries received, across calls. */
    public synchronized LocalFirehose failNextEntries(int n) {
        faults.failNextEntries(n);
        return this;
    }

    /** Fails each entry with probability {@code p}, drawn from a Random seeded with {@code seed}; p = 0 disables. */
    public synchronized LocalFirehose failEntriesRandomly(double p, long seed) {
        faults.failEntriesRandomly(p, seed);
        return this;
    }

    /** Rejects the next {@code n} Put calls as a whole with {@link #DEFAULT_THROTTLE_CODE}/{@link #DEFAULT_THROTTLE_STATUS}. */
    public LocalFirehose throttleNextCalls(int n) {
        return throttleNextCalls(n, DEFAULT_THROTTLE_CODE, DEFAULT_THROTTLE_STATUS);
    }

    /** Rejects the next {@code n} Put calls as a whole with the given error code (e.g. ThrottlingException) and status. */
    public synchronized LocalFirehose throttleNextCalls(int n, String errorCode, int httpStatus) {
        faults.throttleNextCalls(n, errorCode, httpStatus);
        return this;
    }

    /**
     * Closes the connection without any response for the next {@code n} requests (any supported operation); the
     * SDK's url-connection client then reports "Unexpected end of file from server" and does not re-send.
     */
    public synchronized LocalFirehose dropNextCalls(int n) {
        faults.dropNextCalls(n);
        return this;
    }

    /** Sleeps this long before handling each request. */
    public synchronized LocalFirehose setLatency(Duration latency) {
        faults.latency(latency);
        return this;
    }

    /** Removes every injected fault and latency (recorded data and counters stay). */
    public synchronized LocalFirehose clearFaults() {
        faults.clear();
        return this;
    }

    // ---------------------------------------------------------------- observations

    /** Data accepted (answered with a RecordId) on {@code stream}, in arrival order; a copy. */
    public synchronized List<byte[]> delivered(String stream) {
        return List.copyOf(streams.getOrDefault(stream, List.of()));
    }

    /** How many records {@code stream} accepted, retained in memory or not. */
    public synchronized long deliveredCount(String stream) {
        return counters.delivered(stream);
    }

    /** Data accepted on {@code stream} decoded as UTF-8, for readable assertions. */
    public List<String> deliveredStrings(String stream) {
        return delivered(stream).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /** HTTP requests received (including dropped, throttled and rejected ones). */
    public synchronized int calls() {
        return counters.calls();
    }

    /** HTTP requests received for one operation, e.g. "PutRecordBatch". */
    public synchronized int calls(String operation) {
        return counters.calls(operation);
    }

    public synchronized int failedEntries() {
        return counters.failedEntries;
    }

    public synchronized int throttledCalls() {
        return counters.throttledCalls;
    }

    public synchronized int droppedCalls() {
        return counters.droppedCalls;
    }

    public synchronized int maxRecordsPerCall() {
        return counters.maxRecordsPerCall;
    }

    /** Largest sum of decoded record sizes seen in one call. */
    public synchronized long maxBytesPerCall() {
        return counters.maxBytesPerCall;
    }

    /** Human-readable limit violations seen so far (recorded even if the call was then dropped or throttled). */
    public synchronized List<String> violations() {
        return counters.violations();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "LocalFirehose[" + url() + (files == null ? "" : ", delivering to " + files.dir()) + "]";
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
            byte[] body = LoopbackHttpServer.readBody(exchange);
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String operation = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : target;
            Duration sleep;
            synchronized (this) {
                counters.call(operation);
                sleep = faults.latency();
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
            // HttpServer swallows handler exceptions silently; a bug here would look like a flaky network.
            log.error("LocalFirehose failed to handle a request", e);
            throw e;
        }
    }

    private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        LoopbackHttpServer.respond(exchange, status, bytes);
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
            // Recorded before drop/throttle so a client bug is caught whatever else the test injects.
            counters.putCall(stream, data.size(), totalBytes, violation);
            if (dropOrRequireStream(stream)) {
                return null;
            }
            if (violation != null) {
                throw new Reject(400, "InvalidArgumentException", violation);
            }
            FirehoseFaults.Throttle throttle = faults.throttleThisCall();
            if (throttle != null) {
                counters.throttled();
                throw new Reject(throttle.status(), throttle.code(), "Slow down.");
            }

            List<byte[]> accepted = new ArrayList<>();
            ArrayNode responses = json.createArrayNode();
            int failed = 0;
            for (byte[] entry : data) {
                ObjectNode result = responses.addObject();
                if (faults.failEntry(entry)) {
                    failed++;
                    result.put("ErrorCode", "ServiceUnavailableException").put("ErrorMessage", "Slow down.");
                } else {
                    result.put("RecordId", UUID.randomUUID().toString());
                    accepted.add(entry);
                }
            }
            // Still under the lock, so the file holds the calls in the order delivered() does, none interleaved.
            appendToDeliveryFile(stream, accepted);
            if (retain) {
                streams.get(stream).addAll(accepted);
            }
            counters.delivered(stream, accepted.size(), failed);
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

    private void appendToDeliveryFile(String stream, List<byte[]> accepted) throws Reject {
        if (files == null || accepted.isEmpty()) {
            return;
        }
        try {
            files.append(stream, accepted);
        } catch (IOException e) {
            log.warn("LocalFirehose could not append {} records; answering ServiceUnavailableException",
                    accepted.size(), e);
            throw new Reject(500, "ServiceUnavailableException", e.getMessage());
        }
    }

    private JsonNode describe(JsonNode request) throws Reject {
        String stream = request.path("DeliveryStreamName").asText();
        synchronized (this) {
            if (dropOrRequireStream(stream)) {
                return null;
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

    /** Called under the lock: true if this call is to be dropped, else rejects it if the stream does not exist. */
    private boolean dropOrRequireStream(String stream) throws Reject {
        if (faults.dropThisCall()) {
            counters.dropped();
            return true;
        }
        if (!streams.containsKey(stream)) {
            throw new Reject(400, "ResourceNotFoundException",
                    "Firehose " + stream + " under account 000000000000 not found.");
        }
        return false;
    }

    /** Options beyond {@link #LocalFirehose(String...)}: a delivery directory, a fixed port. */
    public static final class Builder {
        private final Set<String> streams = new LinkedHashSet<>();
        private Path deliveryDir;
        private boolean retain = true;
        private int port;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Delivery streams that exist, ACTIVE, from the start; more can be added with {@link #createStream}. */
        public Builder deliveryStreams(String... names) {
            streams.addAll(List.of(names));
            return this;
        }

        /**
         * Also append every accepted record to files under this directory (created if missing), one file per
         * stream and hour: see {@link LocalFirehose#deliveryFile}. Files from earlier runs are appended to.
         */
        public Builder deliveryDir(Path dir) {
            this.deliveryDir = Objects.requireNonNull(dir).toAbsolutePath();
            return this;
        }

        /**
         * Whether {@link #delivered} keeps every accepted record in memory (the default, for tests). A long run with a
         * delivery directory turns it off, so memory stays flat; {@link #deliveredCount} still counts.
         */
        public Builder retainInMemory(boolean retain) {
            this.retain = retain;
            return this;
        }

        /** A fixed port on 127.0.0.1; 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = LoopbackHttpServer.checkPort(port);
            return this;
        }

        /** What decides a call's hour file; for tests that cross an hour. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public LocalFirehose start() {
            return new LocalFirehose(this);
        }
    }
}
