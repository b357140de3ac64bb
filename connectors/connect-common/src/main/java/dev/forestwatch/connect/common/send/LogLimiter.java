package dev.forestwatch.connect.common.send;

import java.util.concurrent.TimeUnit;

/**
 * At most one log line per interval, counting the ones left out, so an outage that fails every batch for minutes
 * says so without flooding the worker's log. Thread-safe.
 */
final class LogLimiter {

    private final long intervalNanos;
    private long next = Long.MIN_VALUE;
    private boolean started;
    private int skipped;

    LogLimiter(final long intervalMs) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    }

    /** -1 if this line is to be left out, else how many were left out since the last one logged. */
    synchronized int admit(final long nowNanos) {
        if (started && nowNanos - next < 0) {
            skipped++;
            return -1;
        }
        started = true;
        next = nowNanos + intervalNanos;
        final int s = skipped;
        skipped = 0;
        return s;
    }
}
