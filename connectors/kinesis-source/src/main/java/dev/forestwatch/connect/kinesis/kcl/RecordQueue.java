package dev.forestwatch.connect.kinesis.kcl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The hand-off between the KCL's record processors and the task's {@code poll()}: bounded, so a slow Kafka makes
 * the KCL wait instead of filling the heap; carries the first error of a KCL thread to {@code poll()}, where
 * Connect can see it; and drops a lease's records when that lease is lost, since the new owner re-reads them from
 * the checkpoint.
 *
 * <p>Records are dropped by lease (the {@link ShardProgress} of one shard processor), not by shard id: in KCL 3 a
 * lease this task lost and took back can have an old and a new processor for the same shard at once, and the old
 * one's lease-lost call must not take the new one's records with it.
 *
 * @param <T> a record; {@code leaseOf} tells the lease it was read under, compared by identity
 */
public final class RecordQueue<T> {

    private final BlockingQueue<T> queue;
    private final Function<T, ?> leaseOf;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public RecordQueue(final int capacity, final Function<T, ?> leaseOf) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.leaseOf = leaseOf;
    }

    /**
     * Called on a KCL thread: waits for room (back-pressure), giving up with false after {@code timeoutMs} so the
     * caller can check whether its lease still holds and try again.
     */
    public boolean offer(final T record, final long timeoutMs) throws InterruptedException {
        return queue.offer(record, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Called on the task thread: up to {@code max} records, waiting at most {@code timeoutMs} for the first. */
    public List<T> poll(final int max, final long timeoutMs) throws InterruptedException {
        throwIfFailed();
        final List<T> out = new ArrayList<>();
        final T first = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (first != null) {
            out.add(first);
            queue.drainTo(out, max - 1);
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
        int dropped = 0;
        for (final Iterator<T> it = queue.iterator(); it.hasNext();) {
            if (leaseOf.apply(it.next()) == lease) {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    public int size() {
        return queue.size();
    }
}
