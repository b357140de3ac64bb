package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.metrics.TaskMetrics;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.RejectReason;
import dev.forestwatch.streams.model.Rejected;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.model.Watermark;
import dev.forestwatch.streams.order.WatermarkTracker;
import dev.forestwatch.streams.output.OutputRecord;
import dev.forestwatch.streams.score.Expectation;
import dev.forestwatch.streams.score.ExpectationReader;
import dev.forestwatch.streams.score.ForestCache;
import dev.forestwatch.streams.score.Score;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each reading with its sensor's forest and re-keys the result by its second, so that one ordering task
 * sees all of that second's records whatever partition or instance scored them.
 */
public final class ScoringProcessor implements Processor<String, Message, Long, Message> {

    public static final String SNAPSHOT_STORE = "forest-snapshots";
    public static final String LOG_STORE = "forest-log";
    public static final String WATERMARK_STORE = "score-watermarks";
    /** Each sensor's newest record time, for forest.idle.ttl.ms and forest.max.sensors.per.task. */
    public static final String ACTIVITY_STORE = "forest-activity";
    /** Sensors looked at per expiry sweep, so that one sweep never stalls the task. */
    static final int EXPIRY_SLICE = 1000;
    /** Internal topics drop null keys, so watermarks carry this one (their partitioner ignores it). */
    public static final long WATERMARK_KEY = Long.MIN_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);

    /**
     * @param model the forest settings
     * @param maxLive live forests kept in memory
     * @param snapshotInterval records of a sensor between two snapshots of its forest
     * @param watermarkIntervalMs how often to tell the ordering tasks how far this task has scored
     * @param idleMs wall-clock time without input after which this task says it is idle
     * @param maxWaitMs wall-clock time a silent parse task holds progress back
     * @param parseTasks how many parse tasks feed this one
     * @param retention idle-sensor expiry and the cap on sensors per task
     * @param outputMaxBytes the output topic's max.message.bytes (0: no limit known)
     * @param expectations which of ANOMALY_CONFIDENCE and the forecast band the output carries
     */
    public record Settings(ForestCache.Settings forests, long watermarkIntervalMs, long idleMs, long maxWaitMs,
            int parseTasks, int outputMaxBytes, ExpectationReader expectations) {

        /** Without ANOMALY_CONFIDENCE and the band. */
        public Settings(final ForestCache.Settings forests, final long watermarkIntervalMs, final long idleMs,
                final long maxWaitMs, final int parseTasks, final int outputMaxBytes) {
            this(forests, watermarkIntervalMs, idleMs, maxWaitMs, parseTasks, outputMaxBytes,
                    new ExpectationReader(false, false));
        }
    }

    /** Room left in an output record batch for the key, the headers and the batch framing. */
    private static final int OUTPUT_OVERHEAD_BYTES = 16 * 1024;

    private final Settings s;
    private ProcessorContext<Long, Message> context;
    private TaskMetrics metrics;
    private ForestCache cache;
    private WatermarkTracker upstream;
    private WatermarkSender<Long> watermarks;
    private long lastForwarded = Long.MIN_VALUE;

    public ScoringProcessor(final Settings settings) {
        this.s = settings;
    }

    @Override
    public void init(final ProcessorContext<Long, Message> context) {
        this.context = context;
        final TaskMetrics metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        this.metrics = metrics;
        final KeyValueStore<String, byte[]> snapshots = context.getStateStore(SNAPSHOT_STORE);
        final KeyValueStore<Bytes, byte[]> log = context.getStateStore(LOG_STORE);
        this.upstream = new WatermarkTracker(context.getStateStore(WATERMARK_STORE), s.parseTasks(), s.maxWaitMs());
        this.watermarks = new WatermarkSender<>(context, WATERMARK_KEY, s.idleMs());
        context.schedule(Duration.ofMillis(s.watermarkIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::watermark);
        // a fresh cache on every init: after a revive the stores, not memory, hold the truth
        final KeyValueStore<String, byte[]> activity = context.getStateStore(ACTIVITY_STORE);
        this.cache = new ForestCache(s.forests(), new ForestCache.Stores(snapshots, log, activity),
                new ForestCache.Listener() {
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
                        metrics.add("forest-snapshot-bytes", bytes);
                    }

                    @Override
                    public void expired(final String sensorId) {
                        metrics.record("forest-expirations");
                    }
                });
        if (s.forests().retention().idleTtlMs() > 0) {
            // record time, not wall time: which sensors expire must not depend on when a restore runs
            final long every = Math.max(1000L, Math.min(60_000L, s.forests().retention().idleTtlMs() / 10));
            context.schedule(Duration.ofMillis(every), PunctuationType.STREAM_TIME,
                    streamTime -> cache.expireIdle(streamTime, EXPIRY_SLICE));
        }
    }

    /**
     * This task has scored everything its upstream (parsing) tasks sent up to the slowest one's watermark: its
     * own stream time is no bound, since a lagging parse task's records can reach it after a fast one's. The
     * watermark follows the records it covers down the same partitions, so an ordering task that reads it knows
     * this task has nothing older to send.
     */
    private void watermark(final long now) {
        // on the tick, not per record: the gauge need not be fresher than a scrape
        metrics.gauge("live-forests", cache.liveCount());
        final WatermarkTracker.Progress p = upstream.progress(now);
        watermarks.tick(now, progressOf(p), p.state() == WatermarkTracker.State.IDLE);
    }

    /**
     * Passes progress on as soon as the slowest parse task enters a new second, not only at the next tick: each hop
     * waiting for its tick would add up to a tick to every second's emission.
     */
    private void forwardProgress(final long now) {
        final WatermarkTracker.Progress p = upstream.progress(now);
        if (p.state() == WatermarkTracker.State.ACTIVE
                && Math.floorDiv(p.slowest(), 1000L) > Math.floorDiv(lastForwarded, 1000L)) {
            lastForwarded = p.slowest();
            watermarks.tick(now, p.slowest(), false);
        }
    }

    /** While some parse task has not spoken, promise nothing: a stream time no second is complete at. */
    private long progressOf(final WatermarkTracker.Progress p) {
        switch (p.state()) {
            case ACTIVE:
                return p.slowest();
            case IDLE:
                return context.currentStreamTimeMs();
            default:
                return -1L;
        }
    }

    @Override
    public void process(final Record<String, Message> record) {
        final long now = context.currentSystemTimeMs();
        if (record.value() instanceof Watermark w) {
            upstream.update(w, now);
            forwardProgress(now);
            return;
        }
        watermarks.beforeRecord(now, () -> progressOf(upstream.progress(now)));
        final Reading r = (Reading) record.value();
        if (!cache.admits(r.sensorId())) {
            reject(record, r, RejectReason.TOO_MANY_SENSORS, "this task already keeps the forests of "
                    + AppConfig.FOREST_MAX_SENSORS_PER_TASK_CONFIG + "=" + s.forests().retention().maxSensors()
                    + " sensors");
            return;
        }
        final ForestCache.LiveForest entry;
        final Score score;
        final Expectation expectation;
        try {
            entry = cache.get(r.sensorId(), r.fields());
            final boolean accepted = entry.model().acceptsFields(r.fields());
            // the forecast is taken before the forest learns the record, as the score is
            final Expectation.Band forecast = accepted ? s.expectations().forecast(entry.model(), r.values()) : null;
            score = accepted ? cache.process(r.sensorId(), entry, r.values(), record.timestamp()) : null;
            expectation = accepted ? s.expectations().read(entry.model(), forecast) : null;
        } catch (final RuntimeException e) {
            modelFailed(record, r, e);
            return;
        }
        if (score == null) {
            final String detail = "sensor '" + r.sensorId() + "' is scored on "
                    + Arrays.toString(entry.model().fields())
                    + " but this record has " + Arrays.toString(r.fields()) + " (value.fields)";
            context.forward(record.withKey((Long) null).withValue(new Rejected(RejectReason.DIMENSION_MISMATCH, detail,
                    r.source(), r.sensorId().getBytes(StandardCharsets.UTF_8), r.json())));
            return;
        }
        final byte[] output = OutputRecord.toBytes(OutputRecord.build(r, score, expectation, record.timestamp()));
        if (s.outputMaxBytes() > 0 && output.length > s.outputMaxBytes() - OUTPUT_OVERHEAD_BYTES) {
            // sending it would fail the task on every retry; its forest has learned it, which the detail says
            reject(record, r, RejectReason.OUTPUT_TOO_LARGE, "scored and learned, but its output record of "
                    + output.length + " bytes exceeds what the output topic takes (output.topic.max.message.bytes="
                    + s.outputMaxBytes() + " less " + OUTPUT_OVERHEAD_BYTES + " for key, headers and framing)");
            return;
        }
        context.forward(record.withKey(OutputRecord.secondOf(record.timestamp()))
                .withValue(new Scored(score.score(), r.sensorId(), r.recordId(), output)));
        metrics.record("scored");
    }

    /**
     * One sensor's model failed on this record: the record goes to the dead letters and the model is rebuilt from
     * its stores, which never saw the record, so the sensor and the task go on. Only the exception's class and stack
     * are logged, as its message may quote the values.
     */
    private void modelFailed(final Record<String, Message> record, final Reading r, final RuntimeException e) {
        cache.discard(r.sensorId());
        metrics.record("forest-rebuilds");
        if (e instanceof ForestCache.NonFiniteScoreException) {
            LOG.warn("Record {} scored non-finite; sent to the dead-letter topic, its sensor's forest rebuilt",
                    r.source().coordinates());
            reject(record, r, RejectReason.NON_FINITE_SCORE, e.getMessage());
            return;
        }
        final Throwable stackOnly = new Throwable(e.getClass().getName());
        stackOnly.setStackTrace(e.getStackTrace());
        LOG.warn("Sensor model failed on record {} ({}); sent to the dead-letter topic, its forest rebuilt from "
                + "its last snapshot", r.source().coordinates(), e.getClass().getName(), stackOnly);
        reject(record, r, RejectReason.MODEL_FAILURE, e.getClass().getName()
                + " in the sensor's model; the record was not learned and the model was rebuilt from its last snapshot");
    }

    private void reject(final Record<String, Message> record, final Reading r, final RejectReason reason,
            final String detail) {
        final byte[] sensor = r.sensorId().getBytes(StandardCharsets.UTF_8);
        record.headers().remove(DeadLetterProcessor.HEADER_SENSOR);
        record.headers().add(DeadLetterProcessor.HEADER_SENSOR, sensor);
        context.forward(record.withKey((Long) null).withValue(new Rejected(reason, detail, r.source(), sensor,
                r.json())));
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.clear();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
