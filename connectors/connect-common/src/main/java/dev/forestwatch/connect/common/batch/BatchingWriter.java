package dev.forestwatch.connect.common.batch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers records per partition and keeps up to {@code maxInFlight} batch calls going (PutRecordBatch, _bulk).
 * A call takes whole runs from the head of partitions that have no call in flight, so each partition's records go
 * out in offset order; a batch leaves when it is full or its oldest record has waited the linger time. A record
 * larger than the byte limit by itself leaves alone, in a batch of one. Failures on
 * the sending threads are kept and thrown to the task on its next call.
 */
public final class BatchingWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingWriter.class);

    /** Batch limits. */
    public record Limits(int maxRecords, int maxBytes, Duration linger, int maxInFlight, int bufferMaxRecords,
            long bufferMaxBytes) {
    }

    private final Limits limits;
    private final Sender sender;
    private final OffsetTracker offsets;
    private final Object lock = new Object();
    private final Map<TopicPartition, PartitionBuffer> buffers = new LinkedHashMap<>();
    private final Set<TopicPartition> inFlight = new HashSet<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ExecutorService calls;
    private final Thread dispatcher;
    private volatile boolean running = true;
    private boolean flushing;
    private int buffered;
    private long bufferedBytes;
    private int callsInFlight;

    /** Delivers one batch, within its own retry budget; calls {@code settled} for each entry once it is safe. */
    public interface Sender {
        void send(List<OutgoingRecord> batch, Consumer<OutgoingRecord> settled) throws InterruptedException;

        /**
         * Called once by {@link BatchingWriter#close}, before the sending threads are interrupted: a send in a
         * retry loop must give up before its next attempt (e.g. by throwing InterruptedException). The interrupt
         * alone is not enough, as the AWS SDK clears the flag of a thread interrupted during a call.
         */
        default void stop() {
        }
    }

    public BatchingWriter(final Limits limits, final Sender sender, final OffsetTracker offsets) {
        this.limits = limits;
        this.sender = sender;
        this.offsets = offsets;
        this.calls = Executors.newFixedThreadPool(limits.maxInFlight(), r -> {
            final Thread t = new Thread(r, "batch-call");
            t.setDaemon(true);
            return t;
        });
        this.dispatcher = new Thread(this::dispatch, "batch-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    public void add(final OutgoingRecord e) {
        synchronized (lock) {
            final long epoch = offsets.added(e.partition(), e.offset());
            final PartitionBuffer b = buffers.computeIfAbsent(e.partition(), k -> new PartitionBuffer(epoch));
            b.entries.addLast(e);
            b.bytes += e.data().length;
            buffered++;
            bufferedBytes += e.data().length;
            lock.notifyAll();
        }
    }

    /** True when the buffer is full: the task pauses its partitions. */
    public boolean full() {
        synchronized (lock) {
            return buffered >= limits.bufferMaxRecords() || bufferedBytes >= limits.bufferMaxBytes();
        }
    }

    /** True when the buffer has drained to half: the task resumes its partitions. */
    public boolean drained() {
        synchronized (lock) {
            return buffered <= limits.bufferMaxRecords() / 2 && bufferedBytes <= limits.bufferMaxBytes() / 2;
        }
    }

    /** Throws the first failure of a sending thread, if any: the task then fails and resumes from its commits. */
    public void throwIfFailed() {
        final Throwable t = failure.get();
        if (t instanceof ConnectException ce) {
            throw ce;
        }
        if (t != null) {
            throw new ConnectException("sending a batch failed", t);
        }
    }

    /** Sends everything buffered now, without waiting for the linger, and waits (bounded) until it is settled. */
    public boolean flush(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            flushing = true;
            lock.notifyAll();
            try {
                while ((buffered > 0 || callsInFlight > 0) && failure.get() == null) {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } finally {
                flushing = false;
            }
        }
        throwIfFailed();
        return true;
    }

    /** Drops what is buffered for partitions this task no longer owns; their new owner re-reads them. */
    public void forget(final Collection<TopicPartition> partitions) {
        synchronized (lock) {
            for (final TopicPartition tp : partitions) {
                final PartitionBuffer b = buffers.remove(tp);
                if (b != null) {
                    buffered -= b.entries.size();
                    bufferedBytes -= b.bytes;
                }
            }
            // under the lock, so no batch is taken between dropping the buffers and ending the epoch
            offsets.forget(partitions);
        }
    }

    private void dispatch() {
        try {
            while (running) {
                final Batch batch;
                synchronized (lock) {
                    batch = nextBatch();
                    if (batch == null) {
                        lock.wait(waitMs());
                        continue;
                    }
                    callsInFlight++;
                }
                calls.execute(() -> call(batch));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void call(final Batch batch) {
        try {
            sender.send(batch.entries(), e -> offsets.settled(e.partition(), e.offset(),
                    batch.epochs().getOrDefault(e.partition(), -1L)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("Giving up on a batch of {} record(s), first {}", batch.entries().size(),
                    batch.entries().get(0), t);
            failure.compareAndSet(null, t);
        } finally {
            synchronized (lock) {
                callsInFlight--;
                inFlight.removeAll(batch.epochs().keySet());
                lock.notifyAll();
            }
        }
    }

    /** A call's records, and the assignment epoch each partition's records were added in. */
    private record Batch(List<OutgoingRecord> entries, Map<TopicPartition, Long> epochs) {
    }

    /** The next batch to send now, or null; called holding the lock. */
    private Batch nextBatch() {
        if (callsInFlight >= limits.maxInFlight() || buffered == 0 || failure.get() != null) {
            return null;
        }
        final long now = System.nanoTime();
        int ready = 0;
        long oldest = Long.MAX_VALUE;
        long readyBytes = 0;
        // O(partitions), not O(records): the dispatcher runs this on every record added
        for (final Map.Entry<TopicPartition, PartitionBuffer> b : buffers.entrySet()) {
            if (!inFlight.contains(b.getKey()) && !b.getValue().entries.isEmpty()) {
                ready += b.getValue().entries.size();
                readyBytes += b.getValue().bytes;
                oldest = Math.min(oldest, b.getValue().entries.peekFirst().addedNanos());
            }
        }
        final boolean lingered = now - oldest >= limits.linger().toNanos();
        if (ready == 0 || !(flushing || lingered || ready >= limits.maxRecords() || readyBytes >= limits.maxBytes())) {
            return null;
        }
        final List<OutgoingRecord> batch = new ArrayList<>();
        final Map<TopicPartition, Long> taken = new LinkedHashMap<>();
        int bytes = 0;
        for (final Map.Entry<TopicPartition, PartitionBuffer> b : buffers.entrySet()) {
            final ArrayDeque<OutgoingRecord> q = b.getValue().entries;
            if (inFlight.contains(b.getKey()) || q.isEmpty()) {
                continue;
            }
            if (q.peekFirst().data().length > limits.maxBytes()) {
                if (!batch.isEmpty()) {
                    continue; // it goes alone in a later call; the rotation below brings it to the front
                }
                // over the limit by itself, it could never share a call: sent alone, the server decides (it may
                // take it, or the sender's error policy settles it), instead of stalling this partition for good
                final OutgoingRecord e = q.pollFirst();
                batch.add(e);
                bytes += e.data().length;
                b.getValue().bytes -= e.data().length;
                taken.put(b.getKey(), b.getValue().epoch);
                break;
            }
            boolean took = false;
            while (!q.isEmpty() && batch.size() < limits.maxRecords()
                    && bytes + q.peekFirst().data().length <= limits.maxBytes()) {
                final OutgoingRecord e = q.pollFirst();
                batch.add(e);
                bytes += e.data().length;
                b.getValue().bytes -= e.data().length;
                took = true;
            }
            if (took) {
                taken.put(b.getKey(), b.getValue().epoch);
            }
            if (batch.size() >= limits.maxRecords() || !q.isEmpty()) {
                break; // full, or this partition's next record does not fit: the rest waits for the next call
            }
        }
        // the partitions just served go to the back, so the next call starts with those that got nothing: a
        // busy partition early in the map cannot keep the ones behind it waiting
        for (final TopicPartition tp : taken.keySet()) {
            inFlight.add(tp);
            buffers.put(tp, buffers.remove(tp));
        }
        buffered -= batch.size();
        bufferedBytes -= bytes;
        return batch.isEmpty() ? null : new Batch(batch, taken);
    }

    /**
     * A partition's records waiting to be sent, and their size, kept so readiness is cheap to check. A buffer
     * lives for one assignment ({@link #forget} drops it), so its records share the epoch they were added in.
     */
    private static final class PartitionBuffer {
        final ArrayDeque<OutgoingRecord> entries = new ArrayDeque<>();
        final long epoch;
        long bytes;

        PartitionBuffer(final long epoch) {
            this.epoch = epoch;
        }
    }

    private long waitMs() {
        return Math.max(1L, Math.min(100L, limits.linger().toMillis()));
    }

    @Override
    public void close() {
        running = false;
        // before the interrupt, so a call that swallows it still finds the sender stopping when it returns
        sender.stop();
        dispatcher.interrupt();
        calls.shutdownNow();
        try {
            calls.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
