package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.Version;
import dev.forestwatch.connect.firehose.batch.BatchSender;
import dev.forestwatch.connect.common.batch.Entry;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.OffsetTracker;
import dev.forestwatch.connect.firehose.batch.RecordEncoder;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * Hands records to a {@link BatchingWriter} and commits only what Firehose accepted: {@link #preCommit} returns
 * the offsets below each partition's oldest unsettled record, never the ones the worker would commit by default.
 */
public final class FirehoseSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(FirehoseSinkTask.class);

    private FirehoseClient client;
    private BatchingWriter writer;
    private OffsetTracker offsets;
    private RecordEncoder encoder;
    private BatchSender sender;
    private BatchSender.Stats stats;
    private int maxRecordBytes;
    private boolean paused;

    @Override
    public void start(final Map<String, String> props) {
        final FirehoseSinkConfig config = new FirehoseSinkConfig(props);
        start(config, FirehoseClients.create(config));
    }

    /** Visible for testing: a given client. */
    void start(final FirehoseSinkConfig config, final FirehoseClient firehose) {
        ErrantRecordReporter reporter = null;
        if (config.behaviorOnError() == BehaviorOnError.REPORT) {
            reporter = context.errantRecordReporter();
            if (reporter == null) {
                throw new ConnectException("behavior.on.error=report needs a dead-letter topic: set "
                        + "errors.tolerance=all and errors.deadletterqueue.topic.name, or choose fail or ignore");
            }
        }
        this.client = firehose;
        this.stats = new BatchSender.Stats();
        this.offsets = new OffsetTracker();
        this.encoder = new RecordEncoder(config.delimiter());
        this.maxRecordBytes = FirehoseSinkConfig.SERVICE_MAX_RECORD_BYTES;
        this.sender = new BatchSender(client, config.deliveryStream(),
                new Backoff(config.retryBackoffMs(), config.retryBackoffMaxMs()), config.retryMaxDurationMs(),
                config.behaviorOnError(), reporter, Thread::sleep, stats);
        this.writer = new BatchingWriter(new BatchingWriter.Limits(config.batchMaxRecords(), config.batchMaxBytes(),
                config.linger(), config.maxInFlight(), config.bufferMaxRecords(), config.bufferMaxBytes()), sender,
                offsets);
        LOG.info("Firehose sink task started for stream '{}'", config.deliveryStream());
    }

    @Override
    public void put(final Collection<SinkRecord> records) {
        writer.throwIfFailed();
        final long now = System.nanoTime();
        for (final SinkRecord r : records) {
            final byte[] data = encoder.encode(r);
            final Entry e = Entry.of(r, data == null ? new byte[0] : data, now);
            if (data == null) {
                offsets.added(e.partition(), e.offset());
                offsets.settled(e.partition(), e.offset()); // nothing to deliver for a null value
            } else if (data.length > maxRecordBytes) {
                offsets.added(e.partition(), e.offset());
                try {
                    sender.refused(e, data.length + " bytes with the delimiter, over Firehose's 1,000 KiB per record");
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("interrupted while reporting " + e, ie);
                }
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
    public Map<TopicPartition, OffsetAndMetadata> preCommit(final Map<TopicPartition, OffsetAndMetadata> current) {
        writer.throwIfFailed();
        final Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>(offsets.committable());
        safe.keySet().retainAll(current.keySet());
        return safe;
    }

    @Override
    public void close(final Collection<TopicPartition> partitions) {
        writer.forget(partitions);
    }

    @Override
    public void stop() {
        if (writer != null) {
            try {
                // a clean stop sends what it can so the next owner re-reads less; anything unsent is re-read anyway
                writer.flush(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ConnectException e) {
                LOG.warn("Stopping with undelivered records; they will be read again: {}", e.getMessage());
            }
            writer.close();
            LOG.info("Firehose sink task stopped: {} delivered in {} calls, {} entries and {} calls retried, "
                    + "{} reported, {} ignored", stats.delivered, stats.calls, stats.retriedEntries,
                    stats.retriedCalls, stats.reported, stats.ignored);
        }
        if (client != null) {
            client.close();
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
