package dev.forestwatch.local.generator;

import java.util.concurrent.TimeUnit;

/**
 * Spreads records evenly at a target rate. Record {@code n} is due at {@code start + n / rate}, so
 * sleep overshoot does not lower the average rate; but after a stall (GC, a blocked send) the
 * schedule restarts from now instead of bursting to catch up.
 */
final class RatePacer {
    private static final long MIN_TOLERATED_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final double intervalNanos;
    private final long toleratedLagNanos;
    private long start = Long.MIN_VALUE;
    private long count;

    /** @param recordsPerSecond target rate; 0 means unpaced (as fast as the producer goes) */
    RatePacer(double recordsPerSecond) {
        if (recordsPerSecond < 0 || Double.isNaN(recordsPerSecond) || Double.isInfinite(recordsPerSecond)) {
            throw new IllegalArgumentException("rate must be a finite number >= 0, got " + recordsPerSecond);
        }
        this.intervalNanos = recordsPerSecond == 0 ? 0 : 1e9 / recordsPerSecond;
        this.toleratedLagNanos = Math.max((long) intervalNanos, MIN_TOLERATED_LAG_NANOS);
    }

    /** Nanoseconds to wait, as of {@code now}, before the next record is due (0 if due). */
    long nanosUntilNext(long now) {
        if (intervalNanos == 0) {
            return 0;
        }
        if (start == Long.MIN_VALUE) {
            start = now;
        }
        long due = start + (long) (count * intervalNanos);
        if (now - due > toleratedLagNanos) {
            start = now - (long) (count * intervalNanos); // rebase: drop the backlog
            due = now;
        }
        return Math.max(0, due - now);
    }

    /** Marks the due record as sent. */
    void recordSent() {
        count++;
    }
}
