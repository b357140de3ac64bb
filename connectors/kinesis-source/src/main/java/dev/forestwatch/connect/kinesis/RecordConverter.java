package dev.forestwatch.connect.kinesis;

import dev.forestwatch.connect.kinesis.kcl.SequencePosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A Kinesis record as a Kafka record: key = partition key, value = the data bytes unchanged (JSON passes through,
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

    public SourceRecord convert(final String shardId, final String partitionKey, final ByteBuffer data,
            final Instant arrival, final SequencePosition position) {
        final byte[] value = new byte[data.remaining()];
        data.duplicate().get(value);
        final ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes(HEADER_STREAM, stream.getBytes(StandardCharsets.UTF_8));
        headers.addBytes(HEADER_SHARD, shardId.getBytes(StandardCharsets.UTF_8));
        headers.addBytes(HEADER_SEQUENCE, position.sequenceNumber().getBytes(StandardCharsets.UTF_8));
        headers.addBytes(HEADER_SUBSEQUENCE,
                Long.toString(position.subSequenceNumber()).getBytes(StandardCharsets.UTF_8));
        // Connect's own offsets are informational: the KCL's checkpoints in the lease table are what resume reads
        final Map<String, String> sourcePartition = Map.of("stream", stream, "shard", shardId);
        final Map<String, Object> sourceOffset = Map.of("sequence", position.sequenceNumber(), "subsequence",
                position.subSequenceNumber());
        return new SourceRecord(sourcePartition, sourceOffset, topic, null, Schema.OPTIONAL_BYTES_SCHEMA,
                partitionKey == null ? null : partitionKey.getBytes(StandardCharsets.UTF_8),
                Schema.OPTIONAL_BYTES_SCHEMA, value, arrival == null ? null : arrival.toEpochMilli(), headers);
    }
}
