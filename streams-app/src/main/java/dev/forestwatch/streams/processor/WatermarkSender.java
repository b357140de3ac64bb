package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Watermark;
import dev.forestwatch.streams.order.WatermarkEmitter;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A task's side of the watermark protocol, for the parsing and the scoring tasks alike: what its
 * {@link WatermarkEmitter} decides to say, forwarded down the same partitions as the task's records.
 */
final class WatermarkSender<K> {

    private final ProcessorContext<K, Message> context;
    private final K key;
    private final WatermarkEmitter emitter;
    private long newestSent = Long.MIN_VALUE;

    /** @param key the key watermarks carry: internal topics drop null keys, and their partitioner ignores it */
    WatermarkSender(final ProcessorContext<K, Message> context, final K key, final long idleMs) {
        this.context = context;
        this.key = key;
        this.emitter = new WatermarkEmitter(context.taskId().toString(), idleMs);
    }

    /** Before a record goes out: says the task is active again if it last said idle. */
    void beforeRecord(final long now, final LongSupplier streamTime) {
        send(emitter.beforeRecord(now, streamTime));
    }

    /** The periodic watermark, or one sent early; {@code upstreamIdle} when all upstream of this task is idle. */
    void tick(final long now, final long streamTime, final boolean upstreamIdle) {
        send(emitter.tick(now, streamTime, upstreamIdle));
    }

    /** The newest stream time sent so far, {@link Long#MIN_VALUE} before the first watermark. */
    long newestSent() {
        return newestSent;
    }

    private void send(final Watermark w) {
        if (w != null) {
            newestSent = Math.max(newestSent, w.streamTime());
            // a record's timestamp must not be negative; -1 stands for "no stream time yet"
            context.forward(new Record<>(key, w, Math.max(w.streamTime(), 0L)));
        }
    }
}
