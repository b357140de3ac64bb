package dev.forestwatch.connect.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connect.kinesis.kcl.PendingRecord;
import dev.forestwatch.connect.kinesis.kcl.RecordConverter;
import dev.forestwatch.connect.kinesis.kcl.RecordQueue;
import dev.forestwatch.connect.kinesis.kcl.SequencePosition;
import dev.forestwatch.connect.kinesis.kcl.ShardProgress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** What an acknowledgement from Connect does to the KCL checkpoint; no KCL worker runs. */
class KinesisSourceTaskTest {

    private final RecordQueue<PendingRecord> queue = new RecordQueue<>(10, 1 << 20, PendingRecord::progress,
            PendingRecord::sizeInBytes);
    private final ShardProgress progress = new ShardProgress();
    private final SequencePosition position = new SequencePosition("49590338271", 0);

    private PendingRecord delivered() {
        return new RecordConverter("RawStreamData", "raw").convert("shardId-000000000001", "DemoSensor",
                ByteBuffer.wrap(new byte[]{1}), Instant.EPOCH, position, progress, progress.delivered(position));
    }

    private KinesisSourceTask task(final String errorsTolerance) {
        return new KinesisSourceTask(queue, Map.of("errors.tolerance", errorsTolerance));
    }

    @Test
    void aRecordKafkaAcknowledgedMayBeCheckpointed() {
        task("none").commitRecord(delivered(), new RecordMetadata(new TopicPartition("raw", 0), 7, 0, 0, 1, 1));
        assertThat(progress.pendingCheckpoint()).contains(position);
    }

    @Test
    void aRecordATransformationFilteredMayBeCheckpointedWhenEveryConnectErrorFailsTheTask() {
        // with errors.tolerance=none a failed send fails the task, so null metadata can only be a filtered record
        task("none").commitRecord(delivered(), null);
        assertThat(progress.pendingCheckpoint()).contains(position);
    }

    @Test
    void aRecordConnectSkippedUnderErrorsToleranceAllNeverMovesTheCheckpointAndFailsTheTask() {
        // Connect 4.x calls commitRecord(record, null) for a record Kafka refused too when errors.tolerance=all
        task("all").commitRecord(delivered(), null);
        assertThat(progress.pendingCheckpoint()).as("the KCL checkpoint must stay before the record").isEmpty();
        assertThatThrownBy(() -> queue.poll(10, 10)).isInstanceOf(ConnectException.class)
                .hasStackTraceContaining("errors.tolerance")
                .hasStackTraceContaining("producer.override.max.request.size")
                .hasStackTraceContaining("shardId-000000000001");
    }
}
