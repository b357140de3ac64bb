package dev.forestwatch.connect.kinesis.kcl;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A source record that knows which lease's progress to acknowledge. Connect hands the record it got from
 * {@code poll()} (before any transformation) back to {@code commitRecord}, so the acknowledgement finds its shard in
 * O(1) without a lookup table.
 */
public final class PendingRecord extends SourceRecord {

    private final ShardProgress progress;
    private final long index;
    private final int sizeInBytes;

    @SuppressWarnings("checkstyle:ParameterNumber")
    public PendingRecord(final Map<String, ?> sourcePartition, final Map<String, ?> sourceOffset, final String topic,
            final Schema keySchema, final Object key, final Schema valueSchema, final Object value,
            final Long timestamp, final Headers headers, final ShardProgress progress,
            final long index) {
        super(sourcePartition, sourceOffset, topic, null, keySchema, key, valueSchema, value, timestamp, headers);
        this.progress = progress;
        this.index = index;
        this.sizeInBytes = (value instanceof byte[] b ? b.length : 0)
                + (key instanceof String k ? k.length() : 0);
    }

    /** What the record weighs in the queue's byte budget: its data and partition key, which dominate its heap. */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** The lease the record was read under; a lost lease drops exactly its own records from the queue. */
    public ShardProgress progress() {
        return progress;
    }

    /** Kafka has the record (or Connect dealt with it otherwise, e.g. a transformation dropped it). */
    public void acknowledge() {
        progress.acknowledged(index);
    }

    // equals/hashCode stay SourceRecord's: progress and index are bookkeeping, not content
    @Override
    public boolean equals(final Object o) {
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
