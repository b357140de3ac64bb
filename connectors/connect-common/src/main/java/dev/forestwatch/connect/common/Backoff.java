package dev.forestwatch.connect.common;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter (a random delay between half the initial delay and the exponential bound), so
 * that tasks retrying at once spread out instead of hitting a throttled service in step. The caller bounds the
 * total time.
 */
public final class Backoff {

    private final long initialMs;
    private final long maxMs;

    public Backoff(final long initialMs, final long maxMs) {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initialMs + ", " + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public long delayMs(final int attempt) {
        final int shift = Math.min(Math.max(attempt - 1, 0), 30);
        final long bound = Math.min(maxMs, initialMs << shift);
        return ThreadLocalRandom.current().nextLong(initialMs / 2, Math.max(bound, initialMs / 2 + 1) + 1);
    }
}
