package dev.forestwatch.connect.kinesis;

import dev.forestwatch.connect.kinesis.kcl.PendingRecord;
import dev.forestwatch.connect.kinesis.kcl.SequencePosition;
import dev.forestwatch.connect.kinesis.kcl.ShardProgress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;

/**
 * A Kinesis record as a Kafka record: key = partition key (a string), value = the data bytes unchanged (JSON passes through,
 * bad bytes too), timestamp = ApproximateArrivalTimestamp (the seed's ROWTIME), and the coordinates as headers,
 * which the streams app turns into a recordId that survives a re-read.
 */
public final class RecordConverter {

    public static final String HEADER_STREAM = "kinesis.stream";
    public static final String HEADER_SHARD = "kinesis.shard.id";
    public static final String HEADER_SEQUENCE = "kinesis.sequence.number";
    public static final String HEADER_SUBSEQUENCE = "kinesis.subsequence.number";

    private final String stream;
    private final String topic;

    public RecordConverter(final String stream, final String topic) {
        this.stream = stream;
        this.topic = topic;
    }

    /** The record at {@code position}, delivered to {@code progress} as number {@code index}. */
    public PendingRecord convert(final String shardId, final String partitionKey, final ByteBuffer data,
            final Instant arrival, final SequencePosition position, final ShardProgress progress, final long index) {
        final byte[] value = new byte[data.remaining()];
        data.duplicate().get(value);
        final ConnectHeaders headers = new ConnectHeaders();
        // strings: the worker's default header converter writes them as plain UTF-8, which the streams app reads
        headers.addString(HEADER_STREAM, stream);
        headers.addString(HEADER_SHARD, shardId);
        headers.addString(HEADER_SEQUENCE, position.sequenceNumber());
        headers.addString(HEADER_SUBSEQUENCE, Long.toString(position.subSequenceNumber()));
        // Connect's own offsets are informational: the KCL's checkpoints in the lease table are what resume reads
        final Map<String, String> sourcePartition = Map.of("stream", stream, "shard", shardId);
        final Map<String, Object> sourceOffset = Map.of("sequence", position.sequenceNumber(), "subsequence",
                position.subSequenceNumber());
        // the partition key is a Unicode string in Kinesis: a string key works with StringConverter and JSON alike
        return new PendingRecord(sourcePartition, sourceOffset, topic, Schema.OPTIONAL_STRING_SCHEMA, partitionKey,
                Schema.OPTIONAL_BYTES_SCHEMA, value, arrival == null ? null : arrival.toEpochMilli(), headers,
                progress, index);
    }
}
