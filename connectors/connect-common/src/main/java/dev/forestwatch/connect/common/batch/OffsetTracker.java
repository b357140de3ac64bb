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
 *
 * <p>Each assignment of a partition has an epoch, which {@link #forget} ends. A call that was in flight when its
 * partition was revoked may finish after the partition came back to this task and its records were read again;
 * its settlements carry the old epoch and are ignored, or they could settle offsets the new assignment has not
 * read yet and let them be committed unsent.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> settledUpTo = new HashMap<>();
    // kept across forget (one number per partition ever assigned), so a returning partition gets a new epoch
    private final Map<TopicPartition, Long> epochs = new HashMap<>();

    /** Marks an offset as unsettled; returns the partition's current epoch, to pass to {@link #settled}. */
    public synchronized long added(final TopicPartition tp, final long offset) {
        pending.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
        return epoch(tp);
    }

    /** The current assignment's epoch of a partition. */
    public synchronized long epoch(final TopicPartition tp) {
        return epochs.getOrDefault(tp, 0L);
    }

    /** Settles an offset of the current assignment; only for the task's own thread, which cannot race a forget. */
    public synchronized void settled(final TopicPartition tp, final long offset) {
        settled(tp, offset, epoch(tp));
    }

    /** Settles an offset added in the given epoch; ignored if the partition was forgotten since. */
    public synchronized void settled(final TopicPartition tp, final long offset, final long epoch) {
        if (epoch != epoch(tp)) {
            return;
        }
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

    /** Ends the partitions' current assignment: their state is dropped and late settlements are ignored. */
    public synchronized void forget(final Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            pending.remove(tp);
            settledUpTo.remove(tp);
            epochs.merge(tp, 1L, Long::sum);
        });
    }
}
