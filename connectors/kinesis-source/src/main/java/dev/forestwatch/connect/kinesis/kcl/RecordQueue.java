package dev.forestwatch.connect.kinesis.kcl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The hand-off between the KCL's record processors and the task's {@code poll()}: bounded by record count and by
 * bytes, so a slow Kafka makes the KCL wait instead of filling the heap; carries the first error of a KCL thread to
 * {@code poll()}, where Connect can see it; and drops a lease's records when that lease is lost, since the new owner
 * re-reads them from the checkpoint.
 *
 * <p>Records are dropped by lease (the {@link ShardProgress} of one shard processor), not by shard id: in KCL 3 a
 * lease this task lost and took back can have an old and a new processor for the same shard at once, and the old
 * one's lease-lost call must not take the new one's records with it.
 *
 * <p>Why a byte budget besides the count: Kinesis records go up to 1 MiB, so a count alone (10,000 by default)
 * could hold 10 GiB. A record larger than the whole budget is charged the whole budget, so it still gets in once
 * the queue is empty instead of waiting forever. The budget is a fair semaphore: a large record waiting for room
 * is not overtaken indefinitely by the smaller records of other shards.
 *
 * @param <T> a record; {@code leaseOf} tells the lease it was read under, compared by identity, and
 *     {@code sizeOf} its approximate size in bytes
 */
public final class RecordQueue<T> {

    private final BlockingQueue<T> queue;
    private final Semaphore bytes;
    private final int maxBytes;
    private final Function<T, ?> leaseOf;
    private final ToIntFunction<T> sizeOf;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public RecordQueue(final int capacity, final int maxBytes, final Function<T, ?> leaseOf,
            final ToIntFunction<T> sizeOf) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.bytes = new Semaphore(maxBytes, true);
        this.maxBytes = maxBytes;
        this.leaseOf = leaseOf;
        this.sizeOf = sizeOf;
    }

    /**
     * Called on a KCL thread: waits for room, in records and in bytes (back-pressure), giving up with false after
     * {@code timeoutMs} so the caller can check whether its lease still holds and try again.
     */
    public boolean offer(final T record, final long timeoutMs) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final int cost = cost(record);
        if (!bytes.tryAcquire(cost, timeoutMs, TimeUnit.MILLISECONDS)) {
            return false;
        }
        boolean queued = false;
        try {
            queued = queue.offer(record, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            return queued;
        } finally {
            if (!queued) {
                bytes.release(cost);
            }
        }
    }

    /** Called on the task thread: up to {@code max} records, waiting at most {@code timeoutMs} for the first. */
    public List<T> poll(final int max, final long timeoutMs) throws InterruptedException {
        throwIfFailed();
        final List<T> out = new ArrayList<>();
        final T first = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (first != null) {
            out.add(first);
            queue.drainTo(out, max - 1);
            release(out);
        }
        throwIfFailed();
        return out;
    }

    /** A KCL thread failed: the next poll throws, so the task fails visibly instead of going quiet. */
    public void fail(final Throwable t) {
        failure.compareAndSet(null, t);
    }

    public void throwIfFailed() {
        final Throwable t = failure.get();
        if (t != null) {
            throw new ConnectException("reading from Kinesis failed", t);
        }
    }

    /** This lease went elsewhere: the records read under it must not reach Kafka from this task. */
    public int dropLease(final Object lease) {
        // removeIf tests each record once under the queue's lock, so a record poll() takes meanwhile is never
        // counted (and its bytes never given back) twice, as with an iterator's remove
        final int[] dropped = {0};
        final long[] freed = {0};
        queue.removeIf(r -> {
            if (leaseOf.apply(r) != lease) {
                return false;
            }
            dropped[0]++;
            freed[0] += cost(r);
            return true;
        });
        bytes.release((int) freed[0]);
        return dropped[0];
    }

    public int size() {
        return queue.size();
    }

    /** Bytes of the budget the queued records hold. */
    public int bytesUsed() {
        return maxBytes - bytes.availablePermits();
    }

    private int cost(final T record) {
        return Math.max(0, Math.min(sizeOf.applyAsInt(record), maxBytes));
    }

    private void release(final List<T> records) {
        long total = 0;
        for (final T r : records) {
            total += cost(r);
        }
        // never above maxBytes in total, since each was acquired
        bytes.release((int) total);
    }
}
