package dev.forestwatch.streams.order;

import dev.forestwatch.streams.metrics.TaskMetrics;
import dev.forestwatch.streams.model.Emitted;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.model.Watermark;
import dev.forestwatch.streams.output.OutputRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * ORDER BY FLOOR(ROWTIME TO SECOND), ANOMALY_SCORE DESC, as a stream. Buffers each second's scored records in a
 * changelogged store (a crash loses none) and emits a second in descending score order once every scoring task
 * has reported, by its watermark, that it scored past the second's end plus the grace. Tasks that report idle,
 * or stay silent longer than the max wait, stop holding seconds back.
 *
 * <p>A record whose second was already emitted (possible only when a scoring task stayed silent past the max wait and
 * came back, or with event time beyond the grace) would split its second into two blocks. With ingest time the
 * record's ROWTIME moves on to the earliest second this task still holds open, as a row delayed on its way into a
 * Kinesis Data Analytics stream got a later ROWTIME: {@code created} says that second, header
 * {@value #HEADER_DELAYED_FROM} the one it had, and every second stays one block. With event time it is emitted at
 * once, on its own, with header {@value #HEADER_LATE}. Which seconds are done survives restarts and moves (it is in
 * the changelogged watermark store).
 *
 * <p>Why watermarks and not this task's own stream time: a second's records come from every scoring task, and
 * one of them may be far behind (a backlog, a restore after failover). Stream time here would race ahead with the
 * fastest task and cut the slow one's records off as late.
 */
public final class SecondOrderingProcessor implements Processor<Long, Message, String, Emitted> {

    public static final String BUFFER_STORE = "order-buffer";
    public static final String WATERMARK_STORE = "order-watermarks";
    public static final String HEADER_LATE = "forestwatch.late";
    public static final String HEADER_DELAYED_FROM = "forestwatch.delayed.from";
    /** Where the first second not yet emitted is kept, beside the upstream tasks' watermarks. */
    static final String EMITTED_BEFORE_KEY = WatermarkTracker.RESERVED_PREFIX + "emitted-before";

    /**
     * @param graceMs ROWTIME a second waits past its end for out-of-order records
     * @param maxWaitMs wall-clock time a silent scoring task holds seconds back
     * @param checkIntervalMs how often to check for complete seconds without input
     * @param scoringTasks how many scoring tasks feed this one (0 if unknown)
     * @param keepSecondsWhole move a record whose second is done to the earliest open one (ingest time)
     * @param partitions partitions of the by-second topic (0 if unknown: the test driver's one)
     */
    public record Settings(long graceMs, long maxWaitMs, long checkIntervalMs, int scoringTasks,
            boolean keepSecondsWhole, int partitions) {
    }

    private final Settings settings;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<Bytes, byte[]> buffer;
    private KeyValueStore<String, byte[]> marks;
    private WatermarkTracker upstream;
    private TaskMetrics metrics;
    /** Every second below this has been emitted; a record for one of them is late. Null until read. */
    private Long emittedBefore;

    public SecondOrderingProcessor(final Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buffer = context.getStateStore(BUFFER_STORE);
        this.marks = context.getStateStore(WATERMARK_STORE);
        this.upstream = new WatermarkTracker(marks, settings.scoringTasks(), settings.maxWaitMs());
        this.metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        this.emittedBefore = null;
        context.schedule(Duration.ofMillis(settings.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                this::emitReady);
    }

    @Override
    public void process(final Record<Long, Message> record) {
        if (record.value() instanceof Watermark w) {
            final long now = context.currentSystemTimeMs();
            upstream.update(w, now);
            emitReady(now);
            return;
        }
        final Scored s = (Scored) record.value();
        final long second = record.key();
        if (second >= emittedBefore()) {
            buffer.put(OrderBuffer.key(second, s.score(), s.recordId()),
                    OrderBuffer.value(record.timestamp(), record.headers(), s));
        } else if (settings.keepSecondsWhole()) {
            final long open = firstOpenSecond();
            metrics.record("delayed-records");
            final Headers h = record.headers();
            h.add(HEADER_DELAYED_FROM, OutputRecord.created(second).getBytes(StandardCharsets.UTF_8));
            final Scored moved = new Scored(s.score(), s.sensorId(), s.recordId(),
                    OutputRecord.withCreated(s.output(), open));
            buffer.put(OrderBuffer.key(open, s.score(), s.recordId()),
                    OrderBuffer.value(Math.max(record.timestamp(), open * 1000L), h, moved));
        } else {
            metrics.record("late-records");
            final Headers h = record.headers();
            h.add(HEADER_LATE, "true".getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(s.sensorId(), new Emitted(second, s.output()), record.timestamp(), h));
        }
    }

    /**
     * The earliest second not yet emitted that this task owns: the by-second partitioner sends each second to one
     * partition, and this task's output partition is only written by it, so a record moved into a second of
     * another task's would land in a block that task has emitted or will emit apart from it.
     */
    private long firstOpenSecond() {
        final int partitions = Math.max(settings.partitions(), 1);
        final int mine = context.taskId().partition() % partitions;
        long s = emittedBefore();
        while (SecondPartitioner.partitionOf(s, partitions) != mine) {
            s++;
        }
        return s;
    }

    /** Read on first use rather than in init, so it also sees what was put into the store after init. */
    private long emittedBefore() {
        if (emittedBefore == null) {
            final byte[] stored = marks.get(EMITTED_BEFORE_KEY);
            emittedBefore = stored == null ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
        }
        return emittedBefore;
    }

    /** Emits every second that all active scoring tasks have scored past (plus the grace). */
    private void emitReady(final long now) {
        final WatermarkTracker.Progress p = upstream.progress(now);
        if (p.state() == WatermarkTracker.State.ACTIVE) {
            if (p.slowest() - settings.graceMs() > Long.MIN_VALUE + 1000L) {
                emitBefore(Math.floorDiv(p.slowest() - settings.graceMs(), 1000L));
            }
        } else if (p.state() == WatermarkTracker.State.IDLE) {
            // every scoring task is idle or gone: nothing more is coming for the buffered seconds
            emitBefore(Long.MAX_VALUE);
        }
    }

    /** Emits, in order, every buffered record of a second below {@code cutoff}. */
    private void emitBefore(final long cutoff) {
        if (cutoff <= emittedBefore() && cutoff != Long.MAX_VALUE) {
            return;
        }
        final List<Bytes> done = new ArrayList<>();
        long lastSecond = Long.MIN_VALUE;
        try (KeyValueIterator<Bytes, byte[]> it = cutoff == Long.MAX_VALUE
                ? buffer.all()
                : buffer.range(OrderBuffer.secondStart(Long.MIN_VALUE), OrderBuffer.secondStart(cutoff))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, byte[]> kv = it.next();
                final OrderBuffer.BufferedRecord e = OrderBuffer.decode(kv.key, kv.value);
                if (e.second() >= cutoff) {
                    break;
                }
                context.forward(new Record<>(e.scored().sensorId(), new Emitted(e.second(), e.scored().output()),
                        e.timestamp(), e.headers()));
                done.add(kv.key);
                lastSecond = e.second();
            }
        }
        for (final Bytes k : done) {
            buffer.delete(k);
        }
        if (lastSecond != Long.MIN_VALUE) {
            // how long after its end the newest second went out: the ordering's share of the end-to-end latency
            metrics.gauge("emission-lag-ms", context.currentSystemTimeMs() - (lastSecond + 1) * 1000L);
        }
        final long next = Math.max(emittedBefore(), cutoff == Long.MAX_VALUE ? lastSecond + 1 : cutoff);
        if (next != emittedBefore()) {
            emittedBefore = next;
            // committed with the emitted records (exactly-once), so a restarted task knows them done
            marks.put(EMITTED_BEFORE_KEY, ByteBuffer.allocate(8).putLong(next).array());
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
