package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Emitted;
import dev.forestwatch.streams.model.Scored;
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
 * ORDER BY FLOOR(ROWTIME TO SECOND), ANOMALY_SCORE DESC, as a stream: buffers each second's scored records in a
 * changelogged store (so a crash loses none) and emits the second in descending score order once stream time has
 * passed its end plus the grace, or once input has been idle for a while.
 */
public final class SecondOrderingProcessor implements Processor<Long, Scored, String, Emitted> {

    public static final String BUFFER_STORE = "order-buffer";
    public static final String HEADER_LATE = "forestwatch.late";

    private final long graceMs;
    private final long idleFlushMs;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<Bytes, byte[]> buffer;
    private TaskMetrics metrics;
    /** Every second below this has been emitted; a record for one of them is late. */
    private long emittedBefore = Long.MIN_VALUE;
    private long lastInputWallMs;

    public SecondOrderingProcessor(final long graceMs, final long idleFlushMs) {
        this.graceMs = graceMs;
        this.idleFlushMs = idleFlushMs;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.buffer = context.getStateStore(BUFFER_STORE);
        this.metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        this.lastInputWallMs = context.currentSystemTimeMs();
        context.schedule(Duration.ofMillis(Math.min(idleFlushMs, 1000L)), PunctuationType.WALL_CLOCK_TIME,
                this::flushIfIdle);
    }

    @Override
    public void process(final Record<Long, Scored> record) {
        final long second = record.key();
        final Scored s = record.value();
        lastInputWallMs = context.currentSystemTimeMs();
        if (second < emittedBefore) {
            metrics.record("late-records");
            final Headers h = record.headers();
            h.add(HEADER_LATE, "true".getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(s.sensorId(), new Emitted(second, s.output()), record.timestamp(), h));
        } else {
            buffer.put(OrderBuffer.key(second, s.score(), s.recordId()),
                    OrderBuffer.value(record.timestamp(), record.headers(), s));
        }
        final long streamTime = context.currentStreamTimeMs();
        if (streamTime != Long.MIN_VALUE && streamTime - graceMs > Long.MIN_VALUE + 1000L) {
            emitBefore(Math.floorDiv(streamTime - graceMs, 1000L));
        }
    }

    private void flushIfIdle(final long now) {
        if (now - lastInputWallMs >= idleFlushMs) {
            emitBefore(Long.MAX_VALUE);
        }
    }

    /** Emits, in order, every buffered record of a second below {@code cutoff}. */
    private void emitBefore(final long cutoff) {
        if (cutoff <= emittedBefore) {
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
                    break; // range() is inclusive of the upper bound's own prefix
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
        emittedBefore = cutoff == Long.MAX_VALUE ? Math.max(emittedBefore, lastSecond + 1) : cutoff;
    }
}
