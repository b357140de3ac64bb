package dev.forestwatch.connect.common.batch;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/** One record on its way out: the bytes to send and where it came from. */
public record OutgoingRecord(SinkRecord record, TopicPartition partition, long offset, byte[] data, long addedNanos) {

    public static OutgoingRecord of(final SinkRecord record, final byte[] data, final long nowNanos) {
        return new OutgoingRecord(record, new TopicPartition(record.topic(), record.kafkaPartition()),
                record.kafkaOffset(),
                data, nowNanos);
    }

    @Override
    public String toString() {
        // never the data: it may be sensitive, and it is large
        return partition + "@" + offset;
    }
}
