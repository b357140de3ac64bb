package dev.forestwatch.connect.kinesis.kcl;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One shard's records between Kinesis and Kafka: which were handed to Connect, which Kafka has acknowledged, and
 * so how far the KCL checkpoint may go.
 *
 * <p>Why this exists: a KCL checkpoint says "everything up to here is safely processed". If it advanced when a
 * record was merely handed to Connect, a crash before Kafka acknowledged the record would skip it for good. So the
 * checkpoint only ever moves to the last record of a contiguous run that Kafka acknowledged
 * ({@code SourceTask.commitRecord}), though acknowledgements arrive out of order across partitions. No public
 * Kinesis source connector does this; they checkpoint on read. Thread-safe: acknowledgements come from the
 * producer's thread, deliveries from the KCL's.
 */
public final class ShardProgress {

    /** Delivered but not yet acknowledged, by delivery index. */
    private final TreeMap<Long, SequencePosition> unacked = new TreeMap<>();
    /** Acknowledged out of order, waiting for an older record's acknowledgement. */
    private final TreeMap<Long, SequencePosition> acked = new TreeMap<>();
    private long nextIndex;
    private long checkpointedUpTo = -1;
    private SequencePosition checkpointable;
    private boolean lost;

    /** A record handed to Connect; returns its index, to be given back in {@link #acknowledged}. */
    public synchronized long delivered(final SequencePosition position) {
        if (lost) {
            throw new IllegalStateException("shard lease was lost; its records must not be delivered");
        }
        final long index = nextIndex++;
        unacked.put(index, position);
        return index;
    }

    /** Kafka acknowledged the record with this index. Acknowledgements after a lost lease are ignored. */
    public synchronized void acknowledged(final long index) {
        if (lost) {
            return;
        }
        final SequencePosition p = unacked.remove(index);
        if (p == null) {
            return; // already acknowledged
        }
        acked.put(index, p);
        // advance through the contiguous run of acknowledged records
        while (!acked.isEmpty() && acked.firstKey() == checkpointedUpTo + 1) {
            final Map.Entry<Long, SequencePosition> first = acked.pollFirstEntry();
            checkpointedUpTo = first.getKey();
            checkpointable = first.getValue();
        }
    }

    /**
     * The position to checkpoint now, if it moved since the last {@link #checkpointed}: the newest record such that
     * it and every record delivered before it are acknowledged. It stays pending until confirmed, so a checkpoint
     * that failed (throttled, say) is tried again on the next call.
     */
    public synchronized Optional<SequencePosition> pendingCheckpoint() {
        return Optional.ofNullable(checkpointable);
    }

    /** The KCL stored {@code position}; a newer acknowledged position, if any arrived meanwhile, stays pending. */
    public synchronized void checkpointed(final SequencePosition position) {
        if (position.equals(checkpointable)) {
            checkpointable = null;
        }
    }

    /** True when every delivered record is acknowledged: only then may a shard end be checkpointed. */
    public synchronized boolean allAcknowledged() {
        return unacked.isEmpty() && acked.isEmpty();
    }

    /** The lease went to another worker: forget everything; the new owner resumes from the last checkpoint. */
    public synchronized void leaseLost() {
        lost = true;
        unacked.clear();
        acked.clear();
        checkpointable = null;
    }

    public synchronized boolean isLost() {
        return lost;
    }

    public synchronized int inFlight() {
        return unacked.size() + acked.size();
    }
}
