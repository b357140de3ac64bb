package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

class StreamCreationTimeTest {

    private static final Duration SHORT = Duration.ofMillis(100);

    /** Answers DescribeStreamSummary from {@code answer}; every other call is unsupported. */
    private static KinesisAsyncClient kinesis(final Supplier<CompletableFuture<DescribeStreamSummaryResponse>> answer) {
        return new KinesisAsyncClient() {
            @Override
            public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
                    final DescribeStreamSummaryRequest request) {
                assertThat(request.streamName()).isEqualTo("RawStreamData");
                return answer.get();
            }

            @Override
            public String serviceName() {
                return "kinesis";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void readsTheCreationTimeOfTheStream() {
        final Instant created = Instant.parse("2026-11-01T00:00:00Z");
        final DescribeStreamSummaryResponse response = DescribeStreamSummaryResponse.builder()
                .streamDescriptionSummary(StreamDescriptionSummary.builder().streamName("RawStreamData")
                        .streamCreationTimestamp(created).build())
                .build();
        assertThat(StreamCreationTime.read(kinesis(() -> CompletableFuture.completedFuture(response)),
                "RawStreamData", SHORT)).isEqualTo(created);
    }

    @Test
    void aRefusedCallCostsTheHeaderNotTheTask() {
        final CompletableFuture<DescribeStreamSummaryResponse> denied = CompletableFuture.failedFuture(
                KinesisException.builder().message("not authorized to perform kinesis:DescribeStreamSummary").build());
        assertThat(StreamCreationTime.read(kinesis(() -> denied), "RawStreamData", SHORT)).isNull();
    }

    @Test
    void anUnansweredCallGivesUpAfterTheTimeout() {
        assertThat(StreamCreationTime.read(kinesis(CompletableFuture::new), "RawStreamData", SHORT)).isNull();
    }

    @Test
    void aClientThatThrowsAtOnceCostsTheHeaderToo() {
        assertThat(StreamCreationTime.read(kinesis(() -> {
            throw new IllegalStateException("connection pool shut down");
        }), "RawStreamData", SHORT)).isNull();
    }
}
