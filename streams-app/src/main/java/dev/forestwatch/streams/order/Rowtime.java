package dev.forestwatch.streams.order;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The ROWTIME of each input record, which its second ({@code created}) is cut from, and the watermark that bounds
 * the ROWTIMEs still to come from this input partition.
 *
 * <p>Ingest time (the default) is the record's Kafka timestamp held non-decreasing: with a LogAppendTime topic that
 * is when the broker appended it, and the running maximum guards against a broker clock step or a CreateTime topic.
 * It is Kafka Streams' partition time, which is committed with the offsets, so a task that re-processes after a
 * crash or an aborted transaction computes the same ROWTIMEs again. Since no later record can have a smaller one,
 * the watermark (that same partition time) is exact: a second is complete as soon as every partition passed it.
 *
 * <p>Event time is the source's arrival time, which can go backwards inside a partition (two shards share it and
 * their backlogs pass at different times), so its watermark is only the newest time seen.
 */
public final class Rowtime {

    private final boolean ingest;
    private final String arrivalHeader;
    private long newest = -1L;

    public Rowtime(final boolean ingest, final String arrivalHeader) {
        this.ingest = ingest;
        this.arrivalHeader = arrivalHeader;
    }

    /**
     * @param arrival the record's {@link #arrival}
     * @param streamTime the task's partition time, which already counts this record
     */
    public long of(final long timestamp, final long arrival, final long streamTime) {
        final long t = ingest ? Math.max(timestamp, streamTime) : arrival;
        newest = Math.max(newest, t);
        return t;
    }

    /** No record still to come from this partition has a smaller ROWTIME than this (-1: no promise yet). */
    public long watermark(final long streamTime) {
        return ingest ? streamTime : newest;
    }

    /** The origin's arrival time from its header, else the Kafka timestamp. */
    public long arrival(final long timestamp, final Headers headers) {
        final Header h = headers == null || arrivalHeader.isEmpty() ? null : headers.lastHeader(arrivalHeader);
        if (h != null && h.value() != null) {
            try {
                final long ms = Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
                if (ms >= 0) {
                    return ms;
                }
            } catch (NumberFormatException e) {
                // not ours to refuse the reading over: fall back to the timestamp
            }
        }
        return timestamp;
    }
}
