package dev.forestwatch.local.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalFirehose on the wire, with the JDK's HTTP client: the requests and answers the SDK v2 FirehoseClient
 * exchanges with the service (local-stack has no Firehose SDK; FirehoseSinkIT drives it through the SDK).
 */
class LocalFirehoseTest {

    private static final String STREAM = "sensor-anomalies";
    private static final ObjectMapper JSON = new ObjectMapper();

    // HTTP/1.1 and POST: the client neither upgrades nor re-sends on a dropped connection, so counts are exact.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LocalFirehose firehose;

    /** An answer: HTTP status, the x-amzn-ErrorType header (null on success) and the JSON body. */
    private record Answer(int status, String errorType, JsonNode body) {
        int failedPutCount() {
            assertThat(status).as("status of %s", body).isEqualTo(200);
            return body.path("FailedPutCount").asInt();
        }

        String type() {
            return body.path("__type").asText();
        }
    }

    @BeforeEach
    void start() {
        firehose = new LocalFirehose(STREAM);
    }

    @AfterEach
    void stop() {
        firehose.close();
    }

    @Test
    void servesOnLoopback() {
        assertThat(firehose.url()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(firehose.endpoint()).hasToString(firehose.url());
        assertThat(firehose.deliveryDir()).isEmpty();
    }

    @Test
    void batchIsDeliveredInOrder() throws Exception {
        Answer answer = putBatch(List.of("a", "b", "c", "d"));

        assertThat(answer.failedPutCount()).isZero();
        assertThat(answer.body().path("RequestResponses")).hasSize(4)
                .allSatisfy(e -> assertThat(e.path("RecordId").asText()).isNotBlank());
        assertThat(firehose.deliveredStrings(STREAM)).containsExactly("a", "b", "c", "d");
        assertThat(firehose.calls("PutRecordBatch")).isEqualTo(1);
        assertThat(firehose.maxRecordsPerCall()).isEqualTo(4);
        assertThat(firehose.maxBytesPerCall()).isEqualTo(4);
        assertThat(firehose.violations()).isEmpty();
    }

    @Test
    void singlePutRecordIsDelivered() throws Exception {
        ObjectNode request = JSON.createObjectNode().put("DeliveryStreamName", STREAM);
        request.putObject("Record").put("Data", base64("one"));

        Answer answer = call("PutRecord", request);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("RecordId").asText()).isNotBlank();
        assertThat(firehose.deliveredStrings(STREAM)).containsExactly("one");
    }

    @Test
    void partialFailuresComeBackInPosition() throws Exception {
        firehose.failEntriesMatching(data -> new String(data, StandardCharsets.UTF_8).startsWith("bad"));

        Answer answer = putBatch(List.of("ok1", "bad1", "ok2", "bad2"));

        assertThat(answer.failedPutCount()).isEqualTo(2);
        JsonNode entries = answer.body().path("RequestResponses");
        assertThat(entries.get(0).path("RecordId").asText()).isNotBlank();
        assertThat(entries.get(0).has("ErrorCode")).isFalse();
        assertThat(entries.get(1).path("ErrorCode").asText()).isEqualTo("ServiceUnavailableException");
        assertThat(entries.get(1).has("RecordId")).isFalse();
        assertThat(entries.get(2).path("RecordId").asText()).isNotBlank();
        assertThat(entries.get(3).path("ErrorCode").asText()).isEqualTo("ServiceUnavailableException");
        assertThat(firehose.deliveredStrings(STREAM)).containsExactly("ok1", "ok2");
        assertThat(firehose.failedEntries()).isEqualTo(2);

        // "Fail the next N" spans calls and is independent of content.
        firehose.failEntriesMatching(null).failNextEntries(1);
        assertThat(putBatch(List.of("x", "y")).failedPutCount()).isEqualTo(1);
        assertThat(firehose.deliveredStrings(STREAM)).containsExactly("ok1", "ok2", "y");
    }

    @Test
    void seededRandomFailuresAreReproducible() throws Exception {
        List<String> data = IntStream.range(0, 200).mapToObj(i -> "r" + i).toList();
        firehose.failEntriesRandomly(0.3, 42);
        int first = putBatch(data).failedPutCount();
        firehose.failEntriesRandomly(0.3, 42);
        int second = putBatch(data).failedPutCount();

        assertThat(first).isEqualTo(second).isBetween(30, 90);
        assertThat(firehose.delivered(STREAM)).hasSize(2 * (200 - first));
    }

    @Test
    void limitViolationsAreRejectedAndRecorded() throws Exception {
        String maxRecord = "x".repeat(LocalFirehose.MAX_RECORD_BYTES);

        // Exactly at the limits: accepted (4 x 1,024,000 = 4,096,000 <= 4,194,304).
        assertThat(putBatch(List.of(maxRecord, maxRecord, maxRecord, maxRecord)).failedPutCount()).isZero();
        assertThat(putBatch(IntStream.range(0, 500).mapToObj(i -> "r").toList()).failedPutCount()).isZero();
        assertThat(firehose.violations()).isEmpty();

        List<List<String>> invalid = List.of(
                IntStream.range(0, 501).mapToObj(i -> "r").toList(), // too many records
                List.of(maxRecord + "y"), // one record too large
                List.of(maxRecord, maxRecord, maxRecord, maxRecord, "x".repeat(100_000))); // call too large
        for (List<String> batch : invalid) {
            Answer answer = putBatch(batch);
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.type()).isEqualTo("InvalidArgumentException");
            assertThat(answer.errorType()).isEqualTo("InvalidArgumentException");
        }

        assertThat(firehose.violations()).hasSize(3);
        assertThat(firehose.delivered(STREAM)).hasSize(504); // nothing from the rejected calls
        assertThat(firehose.maxRecordsPerCall()).isEqualTo(501);
        assertThat(firehose.maxBytesPerCall()).isEqualTo(4 * 1_024_000L + 100_000);
    }

    @Test
    void throttledCallsAreRejectedWithTheGivenCodeAndStatus() throws Exception {
        // Firehose's own signal: ServiceUnavailableException with the status its service model gives it.
        firehose.throttleNextCalls(1);
        Answer unavailable = putBatch(List.of("a"));
        assertThat(unavailable.status()).isEqualTo(500);
        assertThat(unavailable.type()).isEqualTo("ServiceUnavailableException");
        assertThat(unavailable.errorType()).isEqualTo("ServiceUnavailableException");

        firehose.throttleNextCalls(1, "ThrottlingException", 400);
        Answer throttling = putBatch(List.of("a"));
        assertThat(throttling.status()).isEqualTo(400);
        assertThat(throttling.type()).isEqualTo("ThrottlingException");

        firehose.throttleNextCalls(2, "ServiceUnavailableException", 429);
        assertThat(putBatch(List.of("a")).status()).isEqualTo(429);
        assertThat(putBatch(List.of("a")).status()).isEqualTo(429);

        assertThat(firehose.throttledCalls()).isEqualTo(4);
        assertThat(firehose.delivered(STREAM)).isEmpty();
        assertThat(putBatch(List.of("after")).failedPutCount()).isZero();
    }

    @Test
    void droppedCallsCloseTheConnectionWithoutAnswer() throws Exception {
        // On a fresh connection ...
        firehose.dropNextCalls(1);
        assertThatThrownBy(() -> putBatch(List.of("a"))).isInstanceOf(IOException.class);

        // ... and on a kept-alive one (the usual case in a long-running task).
        assertThat(putBatch(List.of("b")).failedPutCount()).isZero();
        firehose.dropNextCalls(1);
        assertThatThrownBy(() -> putBatch(List.of("c"))).isInstanceOf(IOException.class);

        assertThat(firehose.droppedCalls()).isEqualTo(2);
        assertThat(firehose.calls("PutRecordBatch")).isEqualTo(3);
        assertThat(putBatch(List.of("d")).failedPutCount()).isZero();
        assertThat(firehose.deliveredStrings(STREAM)).containsExactly("b", "d");
    }

    @Test
    void describeDeliveryStream() throws Exception {
        Answer answer = call("DescribeDeliveryStream", JSON.createObjectNode().put("DeliveryStreamName", STREAM));

        assertThat(answer.status()).isEqualTo(200);
        JsonNode d = answer.body().path("DeliveryStreamDescription");
        assertThat(d.path("DeliveryStreamName").asText()).isEqualTo(STREAM);
        assertThat(d.path("DeliveryStreamStatus").asText()).isEqualTo("ACTIVE");
        assertThat(d.path("DeliveryStreamARN").asText()).endsWith("/" + STREAM);
        assertThat(d.path("HasMoreDestinations").asBoolean(true)).isFalse();

        Answer unknown = call("DescribeDeliveryStream", JSON.createObjectNode().put("DeliveryStreamName", "nope"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.type()).isEqualTo("ResourceNotFoundException");
        assertThat(putBatch("nope", List.of("a")).type()).isEqualTo("ResourceNotFoundException");
    }

    @Test
    void concurrentCallsAreServedInParallel() {
        firehose.setLatency(Duration.ofMillis(500));
        ExecutorService callers = Executors.newFixedThreadPool(4); // not the common pool: its size depends on cores
        long start = System.nanoTime();

        List<CompletableFuture<Answer>> calls = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return putBatch(List.of("c" + i));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, callers))
                .toList();
        calls.forEach(CompletableFuture::join);
        callers.shutdown();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_800));
        assertThat(firehose.deliveredStrings(STREAM)).containsExactlyInAnyOrder("c0", "c1", "c2", "c3");
    }

    @Test
    void acceptedRecordsAreInTheHourFileWhenTheCallIsAnswered(@TempDir Path dir) throws Exception {
        firehose.close();
        SettableClock clock = new SettableClock(Instant.parse("2025-06-01T13:59:59Z"));
        firehose = LocalFirehose.builder().deliveryStreams(STREAM).deliveryDir(dir).clock(clock).start();
        Path thirteen = dir.resolve(STREAM + "/2025/06/01/13/" + STREAM + "-2025-06-01-13");
        Path fourteen = dir.resolve(STREAM + "/2025/06/01/14/" + STREAM + "-2025-06-01-14");
        assertThat(firehose.deliveryFile(STREAM, clock.instant())).isEqualTo(thirteen);

        firehose.failEntriesMatching(data -> new String(data, StandardCharsets.UTF_8).startsWith("bad"));
        assertThat(putBatch(List.of("a\n", "bad\n", "b\n")).failedPutCount()).isEqualTo(1);
        // Read right after the answer, without waiting: an acknowledged record is already in the file.
        assertThat(thirteen).hasContent("a\nb\n");

        firehose.throttleNextCalls(1);
        assertThat(putBatch(List.of("throttled\n")).status()).isEqualTo(500);
        assertThat(putBatch(List.of("c\n", "d\n")).failedPutCount()).isZero();
        assertThat(thirteen).hasContent("a\nb\nc\nd\n");

        // The next hour starts a new file; records are written back to back, as they came.
        clock.set(Instant.parse("2025-06-01T14:00:00Z"));
        assertThat(putBatch(List.of("e", "f\n")).failedPutCount()).isZero();
        assertThat(fourteen).hasContent("ef\n");
        assertThat(thirteen).hasContent("a\nb\nc\nd\n");
        assertThat(String.join("", firehose.deliveredStrings(STREAM)))
                .isEqualTo(Files.readString(thirteen) + Files.readString(fourteen));
    }

    @Test
    void withoutRetainingInMemoryRecordsAreOnlyCountedAndWrittenToTheFiles(@TempDir Path dir) throws Exception {
        firehose.close();
        SettableClock clock = new SettableClock(Instant.parse("2025-06-01T13:00:00Z"));
        firehose = LocalFirehose.builder().deliveryStreams(STREAM).deliveryDir(dir).retainInMemory(false).clock(clock)
                .start();
        assertThat(putBatch(List.of("a\n", "b\n")).failedPutCount()).isZero();
        assertThat(firehose.deliveredCount(STREAM)).isEqualTo(2);
        assertThat(firehose.delivered(STREAM)).as("a long run's memory stays flat").isEmpty();
        assertThat(firehose.deliveryFile(STREAM, clock.instant())).hasContent("a\nb\n");
    }

    @Test
    void streamNamesThatCouldLeaveTheDeliveryDirectoryAreRefused() {
        for (String name : List.of("..", "a/b", "", "x".repeat(65))) {
            assertThatThrownBy(() -> firehose.createStream(name)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(firehose.createStream("a.b-c_1")).isSameAs(firehose);
    }

    private Answer putBatch(List<String> data) throws IOException, InterruptedException {
        return putBatch(STREAM, data);
    }

    private Answer putBatch(String stream, List<String> data) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("DeliveryStreamName", stream);
        data.forEach(d -> request.withArray("Records").addObject().put("Data", base64(d)));
        return call("PutRecordBatch", request);
    }

    /** One AWS JSON 1.1 call as the SDK makes it (unsigned: the server ignores the signature). */
    private Answer call(String operation, ObjectNode request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(firehose.endpoint())
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "Firehose_20150804." + operation)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().firstValue("x-amzn-ErrorType").orElse(null),
                JSON.readTree(response.body()));
    }

    private static String base64(String data) {
        return Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
    }

    /** A clock the test moves across an hour. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
