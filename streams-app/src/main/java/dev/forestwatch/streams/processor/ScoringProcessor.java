package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.RejectReason;
import dev.forestwatch.streams.model.Rejected;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.output.OutputRecord;
import dev.forestwatch.streams.score.ForestCache;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.Score;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each reading with its sensor's forest and re-keys the result by its second, so that one ordering task
 * sees all of that second's records whatever partition or instance scored them.
 */
public final class ScoringProcessor implements Processor<String, Reading, Long, Message> {

    public static final String SNAPSHOT_STORE = "forest-snapshots";
    public static final String LOG_STORE = "forest-log";

    private final ModelSettings settings;
    private final int maxLive;
    private final int snapshotInterval;
    private ProcessorContext<Long, Message> context;
    private ForestCache cache;

    public ScoringProcessor(final ModelSettings settings, final int maxLive, final int snapshotInterval) {
        this.settings = settings;
        this.maxLive = maxLive;
        this.snapshotInterval = snapshotInterval;
    }

    @Override
    public void init(final ProcessorContext<Long, Message> context) {
        this.context = context;
        final TaskMetrics metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        final KeyValueStore<String, byte[]> snapshots = context.getStateStore(SNAPSHOT_STORE);
        final KeyValueStore<Bytes, byte[]> log = context.getStateStore(LOG_STORE);
        // a fresh cache on every init: after a revive the stores, not memory, hold the truth
        this.cache = new ForestCache(settings, maxLive, snapshotInterval, snapshots, log, new ForestCache.Listener() {
            @Override
            public void restored(final String sensorId, final int replayed) {
                metrics.record("forest-restores");
            }

            @Override
            public void evicted(final String sensorId) {
                metrics.record("forest-evictions");
            }

            @Override
            public void snapshotted(final String sensorId, final int bytes) {
                metrics.record("forest-snapshots");
            }
        });
    }

    @Override
    public void process(final Record<String, Reading> record) {
        final Reading r = record.value();
        final ForestCache.Entry entry = cache.get(r.sensorId(), r.fields());
        if (!entry.model().acceptsFields(r.fields())) {
            final String detail = "sensor '" + r.sensorId() + "' is scored on " + Arrays.toString(entry.model().fields())
                    + " but this record has " + Arrays.toString(r.fields()) + " (value.fields)";
            context.forward(record.withKey((Long) null).withValue(new Rejected(RejectReason.DIMENSION_MISMATCH, detail,
                    r.source(), r.sensorId().getBytes(StandardCharsets.UTF_8), r.json())));
            return;
        }
        final Score score = cache.process(r.sensorId(), entry, r.values());
        final byte[] output = OutputRecord.toBytes(OutputRecord.build(r, score, record.timestamp()));
        context.forward(record.withKey(OutputRecord.secondOf(record.timestamp()))
                .withValue(new Scored(score.score(), r.sensorId(), r.recordId(), output)));
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.clear();
        }
    }
}
