package dev.forestwatch.connect.common.batch;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, everything below the oldest record not yet acknowledged by
 * Firehose (or settled by the error policy). Records are acknowledged out of order across calls; the committable
 * offset only ever moves past a contiguous run of settled records. Thread-safe.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> settledUpTo = new HashMap<>();

    public synchronized void added(final TopicPartition tp, final long offset) {
        pending.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    }

    public synchronized void settled(final TopicPartition tp, final long offset) {
        final TreeSet<Long> p = pending.get(tp);
        if (p != null) {
            p.remove(offset);
        }
        settledUpTo.merge(tp, offset, Math::max);
    }

    /** Offsets to commit: the next offset to read after the last contiguous settled record, per partition. */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        final Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (final Map.Entry<TopicPartition, Long> e : settledUpTo.entrySet()) {
            final TreeSet<Long> p = pending.get(e.getKey());
            final long next = p == null || p.isEmpty() ? e.getValue() + 1 : p.first();
            out.put(e.getKey(), new OffsetAndMetadata(next));
        }
        return out;
    }

    public synchronized void forget(final Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            pending.remove(tp);
            settledUpTo.remove(tp);
        });
    }
}
