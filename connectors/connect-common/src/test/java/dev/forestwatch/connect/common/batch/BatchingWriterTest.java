package dev.forestwatch.connect.common.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BatchingWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Settles every entry at once and keeps each batch it got. */
    private static final class RecordingSender implements BatchingWriter.Sender {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void send(final List<Entry> batch, final java.util.function.Consumer<Entry> settled) {
            batches.add(batch.stream().map(Entry::toString).toList());
            batch.forEach(settled);
        }
    }

    private static Entry entry(final int partition, final long offset, final int bytes) {
        return Entry.of(new SinkRecord("t", partition, null, null, null, null, offset), new byte[bytes],
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
}
