package dev.forestwatch.connect.firehose.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendLoop;
import dev.forestwatch.connect.common.send.SendStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;

class PutRecordBatchCallTest {

    private final List<Long> sleeps = new ArrayList<>();
    private final SendStats stats = new SendStats();

    private SendLoop sender(final StubFirehose stub, final long retryMs, final OnRefusal onError) {
        return Senders.firehose(stub, "ProcessedStreamData", 100, 1000, retryMs, onError, sleeps::add, stats);
    }

    static List<OutgoingRecord> entries(final int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, "r" + i, i),
                        ("r" + i).getBytes(StandardCharsets.UTF_8), 0L))
                .toList();
    }

    @Test
    void retriesOnlyTheFailedEntriesInTheirOrderUntilAllAreAccepted() throws Exception {
        final Set<String> failOnce = new HashSet<>(Set.of("r2", "r5", "r7"));
        final StubFirehose stub = StubFirehose.failing(failOnce::remove, "ServiceUnavailableException");
        final List<Long> settled = new ArrayList<>();
        sender(stub, 60_000, OnRefusal.FAIL).send(entries(10), e -> settled.add(e.offset()));

        assertThat(stub.requests).hasSize(2);
        assertThat(stub.requests.get(1).records()).extracting(r -> r.data().asUtf8String())
                .containsExactly("r2", "r5", "r7");
        assertThat(stub.delivered).containsExactly("r0", "r1", "r3", "r4", "r6", "r8", "r9", "r2", "r5", "r7");
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(sleeps).hasSize(1);
        assertThat(stats.retriedEntries.get()).isEqualTo(3);
    }

    @Test
    void throttledCallsAreRetriedWithGrowingBackoff() throws Exception {
        final int[] calls = {0};
        final StubFirehose ok = StubFirehose.failing(d -> false, null);
        final StubFirehose stub = new StubFirehose(req -> {
            if (calls[0]++ < 4) {
                throw (FirehoseException) FirehoseException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
            }
            return ok.putRecordBatch(req);
        });
        sender(stub, 60_000, OnRefusal.FAIL).send(entries(3), e -> {
        });
        assertThat(ok.delivered).containsExactly("r0", "r1", "r2");
        assertThat(sleeps).hasSize(4);
        assertThat(stats.retriedCalls.get()).isEqualTo(4);
    }

    @Test
    void givesUpAfterTheRetryDurationNamingTheSetting() {
        final StubFirehose stub = StubFirehose.failing(d -> true, "ServiceUnavailableException");
        final Throwable t = catchThrowable(() -> Senders.firehose(stub, "S", 100, 1000, 150, OnRefusal.FAIL,
                ms -> Thread.sleep(ms), stats).send(entries(2), e -> {
                }));
        assertThat(t).isInstanceOf(ConnectException.class).hasMessageContaining("retry.max.duration.ms=150");
        assertThat(stub.delivered).isEmpty();
    }

    @Test
    void aPermanentCallErrorFailsAtOnceWithAHint() {
        final StubFirehose stub = new StubFirehose(req -> {
            throw (ResourceNotFoundException) ResourceNotFoundException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
                            .errorMessage("no such stream").build())
                    .build();
        });
        final Throwable t = catchThrowable(() -> sender(stub, 60_000, OnRefusal.FAIL).send(entries(1), e -> {
        }));
        assertThat(t).isInstanceOf(ConnectException.class).hasMessageContaining("delivery.stream");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aPermanentEntryErrorFollowsTheErrorPolicy() throws Exception {
        final StubFirehose stub = StubFirehose.failing("r1"::equals, "KMS.AccessDeniedException");
        final List<Long> settled = new ArrayList<>();
        sender(stub, 60_000, OnRefusal.WARN).send(entries(3), e -> settled.add(e.offset()));
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(stats.refused.get()).isEqualTo(1);
        assertThat(stub.requests).hasSize(1);

        final Throwable t = catchThrowable(() -> sender(StubFirehose.failing("r1"::equals, "KMS.AccessDeniedException"),
                60_000, OnRefusal.FAIL).send(entries(3), e -> {
                }));
        assertThat(t).hasMessageContaining("behavior.on.error");
    }

    @Test
    void aCallErrorWithoutErrorDetailsIsJudgedByItsStatusInsteadOfFailingOnNull() throws Exception {
        final int[] calls = {0};
        final StubFirehose ok = StubFirehose.failing(d -> false, null);
        final StubFirehose flaky = new StubFirehose(req -> {
            if (calls[0]++ == 0) {
                throw (FirehoseException) FirehoseException.builder().statusCode(503).build();
            }
            return ok.putRecordBatch(req);
        });
        sender(flaky, 60_000, OnRefusal.FAIL).send(entries(2), e -> {
        });
        assertThat(ok.delivered).containsExactly("r0", "r1");
        assertThat(stats.retriedCalls.get()).isEqualTo(1);

        final StubFirehose refusing = new StubFirehose(req -> {
            throw (FirehoseException) FirehoseException.builder().statusCode(400).build();
        });
        final Throwable t = catchThrowable(() -> sender(refusing, 60_000, OnRefusal.FAIL).send(entries(1),
                e -> {
                }));
        assertThat(t).isInstanceOf(ConnectException.class).hasMessageContaining("HTTP 400")
                .hasMessageContaining("delivery.stream").hasMessageNotContaining("r0");
    }

    @Test
    void classifiesCallErrors() {
        assertThat(PutRecordBatchCall.retriable(error(503, "ServiceUnavailableException"))).isTrue();
        assertThat(PutRecordBatchCall.retriable(error(400, "LimitExceededException"))).isTrue();
        assertThat(PutRecordBatchCall.retriable(error(500, "InternalFailure"))).isTrue();
        assertThat(PutRecordBatchCall.retriable(error(400, "InvalidArgumentException"))).isFalse();
        assertThat(PutRecordBatchCall.retriable(error(403, "AccessDeniedException"))).isFalse();
        assertThat(PutRecordBatchCall.retriable(error(400, "ResourceNotFoundException"))).isFalse();
    }

    private static FirehoseException error(final int status, final String code) {
        return (FirehoseException) FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }
}
