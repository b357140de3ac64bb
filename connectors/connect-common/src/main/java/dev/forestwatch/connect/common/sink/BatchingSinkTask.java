package dev.forestwatch.connect.common.sink;

import dev.forestwatch.connect.common.Version;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.OffsetTracker;
import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.BatchCall;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.RefusalPolicy;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.common.send.SendLoop;
import dev.forestwatch.connect.common.send.SendStats;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What forestwatch's sink tasks share: records go to a {@link BatchingWriter}, partitions pause while its buffer is
 * full, and {@link #preCommit} returns only offsets below each partition's oldest unsettled record, never the ones
 * the worker would commit by default. The batches go out through one {@link SendLoop}. A subclass says how a
 * record becomes bytes to send and how one request is made ({@link BatchCall}); its start builds those and calls
 * {@link #startSending}.
 */
public abstract class BatchingSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingSinkTask.class);

    private final SendStats stats = new SendStats();
    private BatchingWriter writer;
    private OffsetTracker offsets;
    private boolean paused;
    private String target;
    private AutoCloseable client;

    /**
     * Call from {@code start}: sends batches with the given call, retried within the fragment's settings.
     *
     * @param target
     *            who takes the records, for messages: "Elasticsearch", "Firehose stream 'S'"
     * @param orderKey
     *            see {@link SendLoop}; null if records have no identity at the destination
     * @param client
     *            closed when the task stops
     */
    protected final void startSending(final String target, final SendConfig send, final BatchCall call,
            final RefusalPolicy refusals, final Function<OutgoingRecord, String> orderKey, final AutoCloseable client) {
        this.target = target;
        this.client = client;
        this.offsets = new OffsetTracker();
        this.writer = new BatchingWriter(send.limits(),
                new SendLoop(target, call, send.retry(), refusals, orderKey, Thread::sleep, stats), offsets);
    }

    /** The dead-letter reporter when the policy reports (a missing one fails the start), else null. */
    protected final ErrantRecordReporter reporterFor(final OnRefusal action, final String setting,
            final List<String> skipChoices) {
        return RefusalPolicy.reporterFor(action, setting, skipChoices, () -> context.errantRecordReporter());
    }

    /** The send loop's counts. */
    protected final SendStats stats() {
        return stats;
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
            final OutgoingRecord e = OutgoingRecord.of(r, data == null ? new byte[0] : data, now);
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
            LOG.info("{} sink task stopped: {}", target, stats);
        }
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.warn("Closing the client of {}: {}", target, e.toString());
            }
        }
    }

    @Override
    public final String version() {
        return Version.get();
    }
}
