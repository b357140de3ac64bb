package dev.forestwatch.connect.common.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BatchingWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Settles every entry at once and keeps each batch it got. */
    private static final class RecordingSender implements BatchingWriter.Sender {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void send(final List<OutgoingRecord> batch, final java.util.function.Consumer<OutgoingRecord> settled) {
            batches.add(batch.stream().map(OutgoingRecord::toString).toList());
            batch.forEach(settled);
        }
    }

    private static OutgoingRecord entry(final int partition, final long offset, final int bytes) {
        return OutgoingRecord.of(new SinkRecord("t", partition, null, null, null, null, offset), new byte[bytes],
                System.nanoTime());
    }

    @Test
    void anEntryLargerThanTheByteLimitGoesAloneAndNothingBehindItStalls() throws Exception {
        final RecordingSender sender = new RecordingSender();
        final OffsetTracker offsets = new OffsetTracker();
        final BatchingWriter.Limits limits = new BatchingWriter.Limits(10, 1000, Duration.ZERO, 1, 1000, 1L << 20);
        try (BatchingWriter w = new BatchingWriter(limits, sender, offsets)) {
            w.add(entry(0, 0, 10));
            w.add(entry(1, 0, 5000)); // alone over batch.max.bytes: the server decides
            w.add(entry(1, 1, 10));
            w.add(entry(2, 0, 10));
            w.add(entry(2, 1, 10));
            assertThat(w.flush(WAIT)).as("everything buffered was sent").isTrue();
        }
        assertThat(sender.batches.stream().flatMap(List::stream))
                .containsExactlyInAnyOrder("t-0@0", "t-1@0", "t-1@1", "t-2@0", "t-2@1");
        assertThat(sender.batches).contains(List.of("t-1@0"));
        assertThat(offsets.committable().get(new TopicPartition("t", 2)).offset()).isEqualTo(2);
    }

    @Test
    void aBatchInFlightWhenItsPartitionWasRevokedCannotSettleOffsetsOfTheNextAssignment() throws Exception {
        final TopicPartition p0 = new TopicPartition("t", 0);
        final CountDownLatch staleStarted = new CountDownLatch(1);
        final CountDownLatch releaseStale = new CountDownLatch(1);
        final BatchingWriter.Sender sender = (batch, settled) -> {
            if (batch.get(0).offset() == 20 && staleStarted.getCount() > 0) {
                staleStarted.countDown();
                releaseStale.await(); // still in flight while the partition is revoked and assigned again
            }
            batch.forEach(settled);
        };
        final OffsetTracker offsets = new OffsetTracker();
        final BatchingWriter.Limits limits = new BatchingWriter.Limits(100, 1 << 20, Duration.ZERO, 2, 1000,
                1L << 20);
        try (BatchingWriter w = new BatchingWriter(limits, sender, offsets)) {
            for (long o = 20; o < 30; o++) {
                w.add(entry(0, o, 10));
            }
            assertThat(staleStarted.await(10, TimeUnit.SECONDS)).isTrue();
            w.forget(List.of(p0));
            // assigned again from the committed offset; only 20..22 are read again so far
            for (long o = 20; o < 23; o++) {
                w.add(entry(0, o, 10));
            }
            releaseStale.countDown();
            assertThat(w.flush(WAIT)).isTrue();
            assertThat(offsets.committable()).as("nothing past what this assignment read and sent")
                    .containsEntry(p0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(23));
        }
    }
}
