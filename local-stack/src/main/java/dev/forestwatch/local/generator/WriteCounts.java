package dev.forestwatch.local.generator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What became of the readings a {@link ReadingWriter} took. Updated by the writer's I/O thread, read by the
 * simulator's progress lines.
 */
final class WriteCounts {
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();

    void addAcknowledged(long n) {
        acknowledged.addAndGet(n);
    }

    void addFailed(long n, String error) {
        firstError.compareAndSet(null, error);
        failed.addAndGet(n);
    }

    /** Entries sent again after a failure (Kinesis only: the Kafka producer retries out of sight). */
    void addRetried(long n) {
        retried.addAndGet(n);
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    long retried() {
        return retried.get();
    }

    /** What the first failure was, or null if nothing failed. */
    String firstError() {
        return firstError.get();
    }
}
