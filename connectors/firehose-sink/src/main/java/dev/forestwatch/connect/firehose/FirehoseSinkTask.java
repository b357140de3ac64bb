package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.RefusalPolicy;
import dev.forestwatch.connect.common.sink.BatchingSinkTask;
import dev.forestwatch.connect.firehose.batch.PutRecordBatchCall;
import dev.forestwatch.connect.firehose.batch.RecordEncoder;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** Records to Firehose through {@link PutRecordBatchCall}s; commits only what Firehose accepted (see the base class). */
public final class FirehoseSinkTask extends BatchingSinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(FirehoseSinkTask.class);

    private RecordEncoder encoder;
    private RefusalPolicy refusals;

    @Override
    public void start(final Map<String, String> props) {
        final FirehoseSinkConfig config = new FirehoseSinkConfig(props);
        start(config, FirehoseClients.create(config.aws().credentialsProvider(), config.aws().region(),
                config.endpoint()));
    }

    /** Visible for testing: a given client. */
    void start(final FirehoseSinkConfig config, final FirehoseClient firehose) {
        final String setting = FirehoseSinkConfig.BEHAVIOR_ON_ERROR_CONFIG;
        final String target = "Firehose stream '" + config.deliveryStream() + "'";
        this.refusals = new RefusalPolicy(target, config.behaviorOnError(), setting, config.behaviorOnErrorName(),
                FirehoseSinkConfig.SKIP_CHOICES,
                reporterFor(config.behaviorOnError(), setting, FirehoseSinkConfig.SKIP_CHOICES));
        this.encoder = new RecordEncoder(config.delimiter());
        // no order key: each record is a new one at the destination, nothing there to overwrite out of order
        startSending(target, config.send(), new PutRecordBatchCall(firehose, config.deliveryStream()), refusals, null,
                firehose);
        LOG.info("Firehose sink task started for stream '{}'", config.deliveryStream());
    }

    @Override
    protected byte[] encode(final SinkRecord r) {
        final byte[] data = encoder.encode(r);
        if (data != null && data.length > FirehoseSinkConfig.SERVICE_MAX_RECORD_BYTES) {
            final String reason = data.length + " bytes with the delimiter, over Firehose's 1,000 KiB per record";
            try {
                refusals.refuse(OutgoingRecord.of(r, data, 0L), reason, reason, stats());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted while reporting a record", ie);
            }
            return null;
        }
        return data; // null for a null value: nothing to deliver
    }
}
