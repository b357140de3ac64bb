package dev.forestwatch.connect.common.batch;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What forestwatch's sink tasks share: records go to a {@link BatchingWriter}, partitions pause while its buffer is
 * full, and {@link #preCommit} returns only offsets below each partition's oldest unsettled record, never the ones
 * the worker would commit by default. A subclass says how a record becomes bytes to send.
 */
public abstract class BatchingSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingSinkTask.class);

    private BatchingWriter writer;
    private OffsetTracker offsets;
    private boolean paused;

    /** Call from {@code start} once the writer's sender is built. */
    protected final void startWriting(final BatchingWriter.Limits limits, final BatchingWriter.Sender sender) {
        this.offsets = new OffsetTracker();
        this.writer = new BatchingWriter(limits, sender, offsets);
    }

    /**
     * The bytes to send for a record, or null if nothing is to be sent for it (it is then settled at once, after
     * whatever the subclass did with it, e.g. report or ignore).
     */
    protected abstract byte[] encode(SinkRecord record);

    @Override
    public final void put(final Collection<SinkRecord> records) {
        writer.throwIfFailed();
        final long now = System.nanoTime();
        for (final SinkRecord r : records) {
            final byte[] data = encode(r);
            final Entry e = Entry.of(r, data == null ? new byte[0] : data, now);
            if (data == null) {
                offsets.added(e.partition(), e.offset());
                offsets.settled(e.partition(), e.offset());
            } else {
                writer.add(e);
            }
        }
        if (!paused && writer.full()) {
            context.pause(context.assignment().toArray(new TopicPartition[0]));
            paused = true;
        } else if (paused && writer.drained()) {
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            paused = false;
        }
    }

    @Override
    public final Map<TopicPartition, OffsetAndMetadata> preCommit(
            final Map<TopicPartition, OffsetAndMetadata> current) {
        writer.throwIfFailed();
        final Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>(offsets.committable());
        safe.keySet().retainAll(current.keySet());
        return safe;
    }

    @Override
    public final void close(final Collection<TopicPartition> partitions) {
        writer.forget(partitions);
    }

    @Override
    public final void stop() {
        if (writer != null) {
            try {
                // a clean stop sends what it can so the next owner re-reads less; anything unsent is re-read anyway
                writer.flush(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ConnectException e) {
                LOG.warn("Stopping with unsent records; they will be read again: {}", e.getMessage());
            }
            writer.close();
        }
        stopped();
    }

    /** Releases the subclass's clients and logs its counts; the writer is already closed. */
    protected abstract void stopped();
}
