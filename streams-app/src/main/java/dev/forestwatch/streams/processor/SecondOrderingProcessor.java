package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Emitted;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.model.Watermark;
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
 * <p>Why watermarks and not this task's own stream time: a second's records come from every scoring task, and
 * one of them may be far behind (a backlog, a restore after failover). Stream time here would race ahead with the
 * fastest task and cut the slow one's records off as late.
 */
public final class SecondOrderingProcessor implements Processor<Long, Message, String, Emitted> {

    public static final String BUFFER_STORE = "order-buffer";
    public static final String WATERMARK_STORE = "order-watermarks";
    public static final String HEADER_LATE = "forestwatch.late";

    private final long graceMs;
    private final long maxWaitMs;
    private final long checkIntervalMs;
    private final int scoringTasks;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<Bytes, byte[]> buffer;
    private WatermarkTracker upstream;
    private TaskMetrics metrics;
    /** Every second below this has been emitted; a record for one of them is late. */
    private long emittedBefore = Long.MIN_VALUE;

    /** @param scoringTasks how many scoring tasks feed this one (0 if unknown) */
    public SecondOrderingProcessor(final long graceMs, final long maxWaitMs, final long checkIntervalMs,
            final int scoringTasks) {
        this.scoringTasks = scoringTasks;
        this.graceMs = graceMs;
        this.maxWaitMs = maxWaitMs;
        this.checkIntervalMs = checkIntervalMs;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buffer = context.getStateStore(BUFFER_STORE);
        this.upstream = new WatermarkTracker(context.getStateStore(WATERMARK_STORE), scoringTasks, maxWaitMs);
        this.metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        this.emittedBefore = Long.MIN_VALUE;
        context.schedule(Duration.ofMillis(checkIntervalMs), PunctuationType.WALL_CLOCK_TIME, this::emitReady);
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
        if (second < emittedBefore) {
            metrics.record("late-records");
            final Headers h = record.headers();
            h.add(HEADER_LATE, "true".getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(s.sensorId(), new Emitted(second, s.output()), record.timestamp(), h));
        } else {
            buffer.put(OrderBuffer.key(second, s.score(), s.recordId()),
                    OrderBuffer.value(record.timestamp(), record.headers(), s));
        }
    }

    /** Emits every second that all active scoring tasks have scored past (plus the grace). */
    private void emitReady(final long now) {
        final WatermarkTracker.Progress p = upstream.progress(now);
        if (p.state() == WatermarkTracker.State.ACTIVE) {
            if (p.slowest() - graceMs > Long.MIN_VALUE + 1000L) {
                emitBefore(Math.floorDiv(p.slowest() - graceMs, 1000L));
            }
        } else if (p.state() == WatermarkTracker.State.IDLE) {
            // every scoring task is idle or gone: nothing more is coming for the buffered seconds
            emitBefore(Long.MAX_VALUE);
        }
    }

    /** Emits, in order, every buffered record of a second below {@code cutoff}. */
    private void emitBefore(final long cutoff) {
        if (cutoff <= emittedBefore && cutoff != Long.MAX_VALUE) {
            return;
        }
        final List<Bytes> done = new ArrayList<>();
        long lastSecond = Long.MIN_VALUE;
        try (KeyValueIterator<Bytes, byte[]> it = cutoff == Long.MAX_VALUE
                ? buffer.all()
                : buffer.range(OrderBuffer.secondStart(Long.MIN_VALUE), OrderBuffer.secondStart(cutoff))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, byte[]> kv = it.next();
                final OrderBuffer.Entry e = OrderBuffer.entry(kv.key, kv.value);
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
        emittedBefore = Math.max(emittedBefore, cutoff == Long.MAX_VALUE ? lastSecond + 1 : cutoff);
    }
}
