package dev.forestwatch.connect.firehose.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.LimitExceededException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

class FakeFirehoseTest {

    private static final String STREAM = "sensor-anomalies";

    private FakeFirehose fake;
    private FirehoseClient client;

    @BeforeEach
    void start() {
        fake = new FakeFirehose(STREAM);
        client = FirehoseClient.builder()
                .endpointOverride(URI.create(fake.endpoint()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                // No SDK retries: each SDK call is exactly one attempt, so the fake's counters are exact.
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Test
    void batchIsDeliveredInOrder() {
        PutRecordBatchResponse response = putBatch(List.of("a", "b", "c", "d"));

        assertThat(response.failedPutCount()).isZero();
        assertThat(response.requestResponses()).hasSize(4)
                .allSatisfy(e -> assertThat(e.recordId()).isNotBlank());
        assertThat(fake.deliveredStrings(STREAM)).containsExactly("a", "b", "c", "d");
        assertThat(fake.calls("PutRecordBatch")).isEqualTo(1);
        assertThat(fake.maxRecordsPerCall()).isEqualTo(4);
        assertThat(fake.maxBytesPerCall()).isEqualTo(4);
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void singlePutRecordIsDelivered() {
        String id = client.putRecord(r -> r.deliveryStreamName(STREAM)
                .record(rec -> rec.data(SdkBytes.fromUtf8String("one")))).recordId();

        assertThat(id).isNotBlank();
        assertThat(fake.deliveredStrings(STREAM)).containsExactly("one");
    }

    @Test
    void partialFailuresComeBackInPosition() {
        fake.failEntriesMatching(data -> new String(data, StandardCharsets.UTF_8).startsWith("bad"));

        PutRecordBatchResponse response = putBatch(List.of("ok1", "bad1", "ok2", "bad2"));

        assertThat(response.failedPutCount()).isEqualTo(2);
        List<PutRecordBatchResponseEntry> entries = response.requestResponses();
        assertThat(entries.get(0).recordId()).isNotBlank();
        assertThat(entries.get(0).errorCode()).isNull();
        assertThat(entries.get(1).errorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(entries.get(1).recordId()).isNull();
        assertThat(entries.get(2).recordId()).isNotBlank();
        assertThat(entries.get(3).errorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(fake.deliveredStrings(STREAM)).containsExactly("ok1", "ok2");
        assertThat(fake.failedEntries()).isEqualTo(2);

        // "Fail the next N" spans calls and is independent of content.
        fake.failEntriesMatching(null).failNextEntries(1);
        assertThat(putBatch(List.of("x", "y")).failedPutCount()).isEqualTo(1);
        assertThat(fake.deliveredStrings(STREAM)).containsExactly("ok1", "ok2", "y");
    }

    @Test
    void seededRandomFailuresAreReproducible() {
        List<String> data = IntStream.range(0, 200).mapToObj(i -> "r" + i).toList();
        fake.failEntriesRandomly(0.3, 42);
        int first = putBatch(data).failedPutCount();
        fake.failEntriesRandomly(0.3, 42);
        int second = putBatch(data).failedPutCount();

        assertThat(first).isEqualTo(second).isBetween(30, 90);
        assertThat(fake.delivered(STREAM)).hasSize(2 * (200 - first));
    }

    @Test
    void limitViolationsAreRejectedAndRecorded() {
        String maxRecord = "x".repeat(FakeFirehose.MAX_RECORD_BYTES);

        // Exactly at the limits: accepted (4 x 1,024,000 = 4,096,000 <= 4,194,304).
        assertThat(putBatch(List.of(maxRecord, maxRecord, maxRecord, maxRecord)).failedPutCount()).isZero();
        assertThat(putBatch(IntStream.range(0, 500).mapToObj(i -> "r").toList()).failedPutCount()).isZero();
        assertThat(fake.violations()).isEmpty();

        List<List<String>> invalid = List.of(
                IntStream.range(0, 501).mapToObj(i -> "r").toList(), // too many records
                List.of(maxRecord + "y"), // one record too large
                List.of(maxRecord, maxRecord, maxRecord, maxRecord, "x".repeat(100_000))); // call too large
        for (List<String> batch : invalid) {
            InvalidArgumentException e = catchThrowableOfType(InvalidArgumentException.class, () -> putBatch(batch));
            assertThat(e).isNotNull();
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
        }

        assertThat(fake.violations()).hasSize(3);
        assertThat(fake.delivered(STREAM)).hasSize(504); // nothing from the rejected calls
        assertThat(fake.maxRecordsPerCall()).isEqualTo(501);
        assertThat(fake.maxBytesPerCall()).isEqualTo(4 * 1_024_000L + 100_000);
    }

    @Test
    void throttlingSurfacesAsTheSdkMapsIt() {
        // Firehose's own signal (modelled HTTP 500): its modelled class, which the SDK does NOT call throttling.
        fake.throttleNextCalls(1);
        ServiceUnavailableException unavailable =
                catchThrowableOfType(ServiceUnavailableException.class, () -> putBatch(List.of("a")));
        assertThat(unavailable.statusCode()).isEqualTo(500);
        assertThat(unavailable.isThrottlingException()).isFalse();

        // Generic AWS throttling code: not modelled for Firehose -> base FirehoseException, but isThrottlingException.
        fake.throttleNextCalls(1, "ThrottlingException", 400);
        FirehoseException throttling = catchThrowableOfType(FirehoseException.class, () -> putBatch(List.of("a")));
        assertThat(throttling.getClass()).isEqualTo(FirehoseException.class);
        assertThat(throttling.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
        assertThat(throttling.isThrottlingException()).isTrue();

        // LimitExceededException is modelled (control-plane limit) and not throttling either.
        fake.throttleNextCalls(1, "LimitExceededException", 400);
        LimitExceededException limit =
                catchThrowableOfType(LimitExceededException.class, () -> putBatch(List.of("a")));
        assertThat(limit.isThrottlingException()).isFalse();

        // HTTP 429 is throttling whatever the code.
        fake.throttleNextCalls(1, "ServiceUnavailableException", 429);
        assertThat(catchThrowableOfType(ServiceUnavailableException.class, () -> putBatch(List.of("a")))
                .isThrottlingException()).isTrue();

        assertThat(fake.throttledCalls()).isEqualTo(4);
        assertThat(fake.delivered(STREAM)).isEmpty();
        assertThat(putBatch(List.of("after")).failedPutCount()).isZero();
    }

    @Test
    void droppedConnectionsSurfaceAsSdkClientException() {
        // On a fresh connection ...
        fake.dropNextCalls(1);
        SdkClientException fresh = catchThrowableOfType(SdkClientException.class, () -> putBatch(List.of("a")));
        assertThat(fresh).hasMessageContaining("Unexpected end of file from server");

        // ... and on a kept-alive one (the usual case in a long-running task): one drop, one failed SDK call.
        assertThat(putBatch(List.of("b")).failedPutCount()).isZero();
        fake.dropNextCalls(1);
        SdkClientException reused = catchThrowableOfType(SdkClientException.class, () -> putBatch(List.of("c")));
        assertThat(reused).isNotNull();

        assertThat(fake.droppedCalls()).isEqualTo(2);
        assertThat(fake.calls("PutRecordBatch")).isEqualTo(3); // no hidden HttpURLConnection re-send
        assertThat(putBatch(List.of("d")).failedPutCount()).isZero();
        assertThat(fake.deliveredStrings(STREAM)).containsExactly("b", "d");
    }

    @Test
    void describeDeliveryStream() {
        DeliveryStreamDescription d = client.describeDeliveryStream(r -> r.deliveryStreamName(STREAM))
                .deliveryStreamDescription();

        assertThat(d.deliveryStreamName()).isEqualTo(STREAM);
        assertThat(d.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
        assertThat(d.deliveryStreamARN()).endsWith("/" + STREAM);
        assertThat(d.hasMoreDestinations()).isFalse();

        assertThat(catchThrowableOfType(ResourceNotFoundException.class,
                () -> client.describeDeliveryStream(r -> r.deliveryStreamName("nope"))).statusCode()).isEqualTo(400);
        assertThat(catchThrowableOfType(ResourceNotFoundException.class,
                () -> client.putRecordBatch(r -> r.deliveryStreamName("nope")
                        .records(Record.builder().data(SdkBytes.fromUtf8String("a")).build())))).isNotNull();
    }

    @Test
    void concurrentCallsAreServedInParallel() {
        fake.setLatency(Duration.ofMillis(500));
        ExecutorService callers = Executors.newFixedThreadPool(4); // not the common pool: its size depends on cores
        long start = System.nanoTime();

        List<CompletableFuture<PutRecordBatchResponse>> calls = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> putBatch(List.of("c" + i)), callers))
                .toList();
        calls.forEach(CompletableFuture::join);
        callers.shutdown();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_800));
        assertThat(fake.deliveredStrings(STREAM)).containsExactlyInAnyOrder("c0", "c1", "c2", "c3");
    }

    private PutRecordBatchResponse putBatch(List<String> data) {
        return client.putRecordBatch(r -> r.deliveryStreamName(STREAM)
                .records(data.stream().map(d -> Record.builder().data(SdkBytes.fromUtf8String(d)).build()).toList()));
    }
}
