package dev.forestwatch.connect.kinesis.kcl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The hand-off between the KCL's record processors and the task's {@code poll()}: bounded, so a slow Kafka makes
 * the KCL wait instead of filling the heap; carries the first error of a KCL thread to {@code poll()}, where
 * Connect can see it; and drops a shard's records when its lease is lost, since the new owner re-reads them from
 * the checkpoint.
 *
 * @param <T> a record; {@code shardOf} tells its shard
 */
public final class RecordQueue<T> {

    private final BlockingQueue<T> queue;
    private final java.util.function.Function<T, String> shardOf;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public RecordQueue(final int capacity, final java.util.function.Function<T, String> shardOf) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.shardOf = shardOf;
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

    /** The lease of this shard went elsewhere: its buffered records must not reach Kafka from this task. */
    public int dropShard(final String shardId) {
        int dropped = 0;
        for (final Iterator<T> it = queue.iterator(); it.hasNext();) {
            if (shardId.equals(shardOf.apply(it.next()))) {
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
