package dev.forestwatch.connect.kinesis.kcl;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;

/**
 * A Kinesis record as a Kafka record: key = partition key (a string), value = the data bytes unchanged (JSON passes through,
 * bad bytes too), timestamp = ApproximateArrivalTimestamp (the seed's ROWTIME), and the coordinates as headers,
 * which the streams app turns into a recordId that survives a re-read. The arrival time and the stream's creation
 * time are headers too: a stream deleted and created again under the same name reuses its shard ids and restarts
 * its sequence numbers, and only the creation time tells its records from replays of the old stream's.
 */
public final class RecordConverter {

    public static final String HEADER_STREAM = "kinesis.stream";
    public static final String HEADER_SHARD = "kinesis.shard.id";
    public static final String HEADER_SEQUENCE = "kinesis.sequence.number";
    public static final String HEADER_SUBSEQUENCE = "kinesis.subsequence.number";
    /** ApproximateArrivalTimestamp, epoch milliseconds in decimal; absent when the KCL gives none. */
    public static final String HEADER_ARRIVAL = "kinesis.approximate.arrival.timestamp";
    /** The stream's creation time, epoch milliseconds in decimal; absent when it could not be read. */
    public static final String HEADER_STREAM_CREATED = "kinesis.stream.created";

    private final String stream;
    private final String topic;
    private final String streamCreated;

    /** For a stream whose creation time is unknown: records go without {@link #HEADER_STREAM_CREATED}. */
    public RecordConverter(final String stream, final String topic) {
        this(stream, topic, null);
    }

    public RecordConverter(final String stream, final String topic, final Instant streamCreated) {
        this.stream = stream;
        this.topic = topic;
        this.streamCreated = streamCreated == null ? null : Long.toString(streamCreated.toEpochMilli());
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
        if (arrival != null) {
            headers.addString(HEADER_ARRIVAL, Long.toString(arrival.toEpochMilli()));
        }
        if (streamCreated != null) {
            headers.addString(HEADER_STREAM_CREATED, streamCreated);
        }
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
