package dev.forestwatch.local.generator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.local.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

@Timeout(30) // a writer that never settles a batch would otherwise hang flush()
class KinesisReadingWriterTest {
    /** Long enough that only a full batch, a flush or close sends: batch boundaries are then exact. */
    private static final Duration NO_LINGER_SEND = Duration.ofHours(1);
    private static final Duration RETRY_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void partialFailureResendsOnlyTheFailedEntriesInTheirOrder() {
        FakeKinesis kinesis = new FakeKinesis();
        kinesis.policy = (call, entries) -> call == 0 ? Set.of(2, 7) : Set.of();
        try (KinesisReadingWriter writer = writer(kinesis, new FakeClock())) {
            putNumbered(writer, 10, 3);
            writer.flush();

            assertThat(kinesis.calls).hasSize(2);
            assertThat(data(kinesis.calls.get(0))).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            assertThat(data(kinesis.calls.get(1))).containsExactly("2", "7");
            assertThat(data(kinesis.stream)).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "6", "7", "8",
                    "9");
            assertCounts(writer, 10, 0, 2);
        }
    }

    @Test
    void keepsEachSensorsOrderWhileItsShardIsThrottled() {
        FakeKinesis kinesis = new FakeKinesis();
        // sensor-1's shard refuses everything in the first four calls, as a shard over its throughput does
        kinesis.policy = (call, entries) -> call < 4 ? indicesOf(entries, "sensor-1") : Set.of();
        CountDownLatch laterBatchBuffered = new CountDownLatch(1);
        FakeClock clock = new FakeClock() {
            @Override
            public void sleep(long millis) throws InterruptedException {
                // the first retry waits until newer readings of every sensor are buffered, so a writer
                // that sent them before the retry would be caught
                laterBatchBuffered.await(10, TimeUnit.SECONDS);
                super.sleep(millis);
            }
        };
        try (KinesisReadingWriter writer = writer(kinesis, clock)) {
            for (int i = 0; i < 1500; i++) {
                writer.put("sensor-" + i % 3, Integer.toString(i).getBytes(UTF_8));
                if (i == 999) {
                    laterBatchBuffered.countDown();
                }
            }
            writer.flush();

            assertThat(data(kinesis.calls.get(1))).as("the first retry: only sensor-1's entries of the first batch")
                    .isEqualTo(IntStream.range(0, 500).filter(i -> i % 3 == 1).mapToObj(Integer::toString)
                            .collect(Collectors.toList()));
            Map<String, List<Integer>> landed = kinesis.stream.stream().collect(Collectors.groupingBy(
                    PutRecordsRequestEntry::partitionKey,
                    Collectors.mapping(e -> Integer.parseInt(e.data().asUtf8String()), Collectors.toList())));
            assertThat(landed).containsOnlyKeys("sensor-0", "sensor-1", "sensor-2");
            landed.forEach((sensor, numbers) -> assertThat(numbers).as(sensor + " in written order, each once")
                    .isEqualTo(IntStream.range(0, 1500).filter(i -> sensor.equals("sensor-" + i % 3)).boxed()
                            .collect(Collectors.toList())));
            assertThat(writer.counts().acknowledged()).isEqualTo(1500);
            assertThat(writer.counts().retried()).isGreaterThan(0);
        }
    }

    @Test
    void givesUpAfterTheRetryTimeoutCountingTheRestAsFailedWithTheFirstError() {
        FakeKinesis kinesis = new FakeKinesis();
        kinesis.policy = (call, entries) -> indicesOf(entries, "sensor-1");
        FakeClock clock = new FakeClock();
        try (KinesisReadingWriter writer = writer(kinesis, clock)) {
            putNumbered(writer, 9, 3);
            writer.flush();

            assertThat(writer.counts().acknowledged()).isEqualTo(6);
            assertThat(writer.counts().failed()).isEqualTo(3);
            assertThat(writer.counts().retried()).isEqualTo(3L * (kinesis.calls.size() - 1));
            assertThat(writer.counts().firstError()).startsWith("gave up on 3 record(s) after retrying for 60 s")
                    .contains("ProvisionedThroughputExceededException: Rate exceeded for shard");
            // the backoff stops short of the bound; the last delay is at most MAX_BACKOFF_MS
            assertThat(Duration.ofNanos(clock.nanoTime())).isBetween(
                    RETRY_TIMEOUT.minusMillis(KinesisRetries.MAX_BACKOFF_MS), RETRY_TIMEOUT);

            kinesis.policy = (call, entries) -> Set.of();
            putNumbered(writer, 3, 3);
            writer.flush();
            assertThat(writer.counts().acknowledged()).as("the writer goes on after giving up").isEqualTo(9);
        }
    }

    @Test
    void retriesThrottlingServerAndNetworkErrorsOfTheWholeCall() {
        FakeKinesis kinesis = new FakeKinesis();
        List<RuntimeException> errors = new ArrayList<>(List.of(
                SdkClientException.builder().message("Unable to execute HTTP request")
                        .cause(new IOException("Connection reset")).build(),
                serviceError(KinesisException.builder(), 503, "ServiceUnavailable"),
                serviceError(ProvisionedThroughputExceededException.builder(), 400,
                        "ProvisionedThroughputExceededException")));
        kinesis.policy = (call, entries) -> {
            if (call < errors.size()) {
                throw errors.get(call);
            }
            return Set.of();
        };
        try (KinesisReadingWriter writer = writer(kinesis, new FakeClock())) {
            putNumbered(writer, 4, 2);
            writer.flush();

            assertThat(kinesis.calls).hasSize(4)
                    .allSatisfy(c -> assertThat(data(c)).containsExactly("0", "1", "2", "3"));
            assertCounts(writer, 4, 0, 12);
        }
    }

    @Test
    void countsAPermanentCallErrorAsFailedWithoutRetrying() {
        FakeKinesis kinesis = new FakeKinesis();
        kinesis.policy = (call, entries) -> {
            throw serviceError(ResourceNotFoundException.builder(), 400, "ResourceNotFoundException");
        };
        try (KinesisReadingWriter writer = writer(kinesis, new FakeClock())) {
            putNumbered(writer, 5, 2);
            writer.flush();

            assertThat(kinesis.calls).hasSize(1);
            assertCounts(writer, 0, 5, 0);
            assertThat(writer.counts().firstError()).startsWith("ResourceNotFoundException (HTTP 400)");
        }
    }

    @Test
    void tellsRetryableCallErrorsFromPermanentOnes() {
        assertThat(KinesisRetries.retryable(serviceError(KinesisException.builder(), 500, "InternalFailure")))
                .isTrue();
        assertThat(
                KinesisRetries.retryable(serviceError(KinesisException.builder(), 400, "LimitExceededException")))
                .isTrue();
        assertThat(KinesisRetries.retryable(serviceError(KinesisException.builder(), 400, "ValidationException")))
                .isFalse();
        assertThat(
                KinesisRetries.retryable(serviceError(KinesisException.builder(), 400, "AccessDeniedException")))
                .isFalse();
        assertThat(KinesisRetries.retryable(SdkClientException.builder()
                .message("Unable to load credentials from any of the providers").build())).isFalse();
        assertThat(KinesisRetries.retryable(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void splitsBatchesAt500Entries() {
        FakeKinesis kinesis = new FakeKinesis();
        try (KinesisReadingWriter writer = writer(kinesis, new FakeClock())) {
            putNumbered(writer, 1234, 7);
            writer.flush();

            assertThat(kinesis.calls).extracting(List::size).containsExactly(500, 500, 234);
            assertCounts(writer, 1234, 0, 0);
        }
    }

    @Test
    void splitsBatchesAt5MiBCountingPartitionKeys() {
        FakeKinesis kinesis = new FakeKinesis();
        byte[] data = new byte[1_000_000];
        try (KinesisReadingWriter writer = writer(kinesis, new FakeClock())) {
            for (int i = 0; i < 12; i++) {
                writer.put("sensor-" + i, data);
            }
            writer.flush();

            // 5 x (1,000,000 + 8) fits 5 MiB, a sixth would not
            assertThat(kinesis.calls).extracting(List::size).containsExactly(5, 5, 2);
            assertThat(kinesis.calls).allSatisfy(c -> assertThat(c.stream()
                    .mapToLong(e -> e.partitionKey().length() + e.data().asByteArrayUnsafe().length).sum())
                    .isLessThanOrEqualTo(KinesisReadingWriter.MAX_BATCH_BYTES));
            assertThatThrownBy(() -> writer.put("k", new byte[KinesisReadingWriter.MAX_RECORD_BYTES]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1048576 bytes");
        }
    }

    @Test
    void sendsALoneReadingAfterTheLingerWithoutAFlush() {
        FakeKinesis kinesis = new FakeKinesis();
        Duration linger = Duration.ofMillis(50);
        try (KinesisReadingWriter writer = new KinesisReadingWriter("readings", kinesis, linger, RETRY_TIMEOUT,
                new FakeClock(), null)) {
            long t0 = System.nanoTime();
            writer.write(new SensorReading("DemoSensor-2", 15, false));
            Await.until("the lingering reading to be sent", Duration.ofSeconds(5), () -> !kinesis.calls.isEmpty());

            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(linger);
            PutRecordsRequestEntry entry = kinesis.calls.get(0).get(0);
            assertThat(entry.partitionKey()).isEqualTo("DemoSensor-2");
            assertThat(entry.data().asUtf8String()).isEqualTo("{\"iotName\":\"DemoSensor-2\",\"iotValue\":15}");
        }
    }

    @Test
    void closeSendsWhatIsStillBuffered() {
        FakeKinesis kinesis = new FakeKinesis();
        KinesisReadingWriter writer = writer(kinesis, new FakeClock());
        putNumbered(writer, 3, 1);
        writer.close();

        assertThat(data(kinesis.stream)).containsExactly("0", "1", "2");
        assertCounts(writer, 3, 0, 0);
    }

    private static KinesisReadingWriter writer(FakeKinesis kinesis, FakeClock clock) {
        return new KinesisReadingWriter("readings", kinesis, NO_LINGER_SEND, RETRY_TIMEOUT, clock, null);
    }

    /** Data "0".."n-1", keyed sensor-(i % sensors). */
    private static void putNumbered(KinesisReadingWriter writer, int n, int sensors) {
        for (int i = 0; i < n; i++) {
            writer.put("sensor-" + i % sensors, Integer.toString(i).getBytes(UTF_8));
        }
    }

    private static void assertCounts(KinesisReadingWriter writer, long acknowledged, long failed, long retried) {
        WriteCounts counts = writer.counts();
        assertThat(List.of(counts.acknowledged(), counts.failed(), counts.retried()))
                .as("acknowledged, failed, retried").containsExactly(acknowledged, failed, retried);
    }

    private static List<String> data(List<PutRecordsRequestEntry> entries) {
        return entries.stream().map(e -> e.data().asUtf8String()).collect(Collectors.toList());
    }

    private static Set<Integer> indicesOf(List<PutRecordsRequestEntry> entries, String partitionKey) {
        return IntStream.range(0, entries.size()).filter(i -> entries.get(i).partitionKey().equals(partitionKey))
                .boxed().collect(Collectors.toSet());
    }

    private static RuntimeException serviceError(KinesisException.Builder builder, int status, String code) {
        return builder.statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " (fake)").build())
                .build();
    }

    /** Which entries of call number {@code call} (0-based) fail; may throw to fail the whole call instead. */
    private interface Policy {
        Set<Integer> failing(int call, List<PutRecordsRequestEntry> entries);
    }

    /** Records each call's entries, keeps the accepted ones in {@code stream} in order, fails what the policy picks. */
    private static final class FakeKinesis implements KinesisReadingWriter.PutRecordsCall {
        final List<List<PutRecordsRequestEntry>> calls = new CopyOnWriteArrayList<>();
        final List<PutRecordsRequestEntry> stream = new CopyOnWriteArrayList<>();
        volatile Policy policy = (call, entries) -> Set.of();

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            List<PutRecordsRequestEntry> entries = request.records();
            int call = calls.size();
            calls.add(entries);
            Set<Integer> failing = policy.failing(call, entries);
            List<PutRecordsResultEntry> results = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                if (failing.contains(i)) {
                    results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("Rate exceeded for shard shardId-000000000001 in stream readings").build());
                } else {
                    stream.add(entries.get(i));
                    results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                            .sequenceNumber(Integer.toString(stream.size())).build());
                }
            }
            return PutRecordsResponse.builder().failedRecordCount(failing.size()).records(results).build();
        }
    }

    /** Sleeping moves the time on at once. */
    private static class FakeClock implements KinesisReadingWriter.RetryClock {
        private final AtomicLong now = new AtomicLong();

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }
}
