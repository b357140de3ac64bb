package dev.forestwatch.connect.kinesis;

import dev.forestwatch.connect.common.Version;
import dev.forestwatch.connect.kinesis.kcl.KclSettings;
import dev.forestwatch.connect.kinesis.kcl.KclWorker;
import dev.forestwatch.connect.kinesis.kcl.PendingRecord;
import dev.forestwatch.connect.kinesis.kcl.RecordQueue;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the records a {@link KclWorker} queued and acknowledges each one Kafka confirmed, which is what lets the
 * KCL checkpoint advance (see {@code ShardProcessor}).
 */
public final class KinesisSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisSourceTask.class);
    private static final int POLL_MAX_RECORDS = 2_000;
    private static final long POLL_WAIT_MS = 500;

    private RecordQueue<PendingRecord> queue;
    private DeliveryGuard guard;
    private KclWorker worker;

    public KinesisSourceTask() {
    }

    /** Visible for testing: acknowledgements against {@code queue}, without a KCL worker. */
    KinesisSourceTask(final RecordQueue<PendingRecord> queue, final Map<String, String> props) {
        this.queue = queue;
        this.guard = new DeliveryGuard(props);
    }

    @Override
    public void start(final Map<String, String> props) {
        final KinesisSourceConfig config = new KinesisSourceConfig(props);
        guard = new DeliveryGuard(props);
        queue = new RecordQueue<>(config.queueCapacity(), config.queueMaxBytes(), PendingRecord::progress,
                PendingRecord::sizeInBytes);
        final KclSettings kcl = config.kcl();
        worker = new KclWorker(kcl, queue);
        worker.start();
        LOG.info("Kinesis source task {} reading stream '{}' into topic '{}'", worker.workerId(), kcl.stream(),
                kcl.topic());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        final List<PendingRecord> records = queue.poll(POLL_MAX_RECORDS, POLL_WAIT_MS);
        return records.isEmpty() ? null : List.copyOf(records);
    }

    @Override
    public void commitRecord(final SourceRecord record, final RecordMetadata metadata) {
        // null metadata: a transformation filtered the record, or (errors.tolerance=all only) Connect failed to
        // convert or produce it. Only the first may release the checkpoint; see DeliveryGuard
        if (!(record instanceof PendingRecord pending)) {
            return;
        }
        if (guard.acknowledges(metadata)) {
            pending.acknowledge();
        } else {
            // throwing here would only be logged by Connect: fail through poll() instead
            queue.fail(guard.unsent(record));
        }
    }

    @Override
    public void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
