package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.Version;
import dev.forestwatch.connect.common.batch.BatchingSinkTask;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.Entry;
import dev.forestwatch.connect.firehose.batch.BatchSender;
import dev.forestwatch.connect.firehose.batch.RecordEncoder;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** Records to Firehose through a {@link BatchSender}; commits only what Firehose accepted (see the base class). */
public final class FirehoseSinkTask extends BatchingSinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(FirehoseSinkTask.class);

    private FirehoseClient client;
    private RecordEncoder encoder;
    private BatchSender sender;
    private BatchSender.Stats stats;

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
        this.encoder = new RecordEncoder(config.delimiter());
        this.sender = new BatchSender(client, config.deliveryStream(),
                new Backoff(config.retryBackoffMs(), config.retryBackoffMaxMs()), config.retryMaxDurationMs(),
                config.behaviorOnError(), reporter, Thread::sleep, stats);
        startWriting(new BatchingWriter.Limits(config.batchMaxRecords(), config.batchMaxBytes(), config.linger(),
                config.maxInFlight(), config.bufferMaxRecords(), config.bufferMaxBytes()), sender);
        LOG.info("Firehose sink task started for stream '{}'", config.deliveryStream());
    }

    @Override
    protected byte[] encode(final SinkRecord r) {
        final byte[] data = encoder.encode(r);
        if (data != null && data.length > FirehoseSinkConfig.SERVICE_MAX_RECORD_BYTES) {
            try {
                sender.refused(Entry.of(r, data, 0L), data.length
                        + " bytes with the delimiter, over Firehose's 1,000 KiB per record");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted while reporting a record", ie);
            }
            return null;
        }
        return data; // null for a null value: nothing to deliver
    }

    @Override
    protected void stopped() {
        if (stats != null) {
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
