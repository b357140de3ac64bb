package dev.forestwatch.connect.common.send;

import dev.forestwatch.connect.common.Backoff;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * One batch's retries: before each attempt after the first, wait the backoff, unless that would end past the
 * total retry duration, in which case give up with a message naming the setting. Once the task is stopping, the
 * next attempt is not made: an interrupt alone does not end a retry loop, as the AWS SDK clears the flag of an
 * interrupted call.
 */
public final class RetryBudget {

    /** Waits between retries; a seam so tests need not sleep. */
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final Backoff backoff;
    private final long maxMs;
    private final String setting;
    private final Sleeper sleeper;
    private final BooleanSupplier stopping;
    private final long deadline;
    private int attempt;

    public RetryBudget(final Backoff backoff, final long maxMs, final String setting, final Sleeper sleeper) {
        this(backoff, maxMs, setting, sleeper, () -> false);
    }

    /** @param stopping true once the task is stopping: the next attempt throws instead of being made */
    public RetryBudget(final Backoff backoff, final long maxMs, final String setting, final Sleeper sleeper,
            final BooleanSupplier stopping) {
        this.stopping = stopping;
        this.backoff = backoff;
        this.maxMs = maxMs;
        this.setting = setting;
        this.sleeper = sleeper;
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    }

    /**
     * Call before every attempt; {@code problem} says what is still failing, for the give-up message.
     *
     * @throws InterruptedException when the task is stopping: the records stay unsettled and are read again
     */
    public void beforeAttempt(final Supplier<String> problem) throws InterruptedException {
        if (attempt == 0) {
            attempt++;
            throwIfStopping();
            return;
        }
        beforeRetry(problem);
    }

    /** Call before an attempt that repeats a failed one: always waits the backoff, within the total duration. */
    public void beforeRetry(final Supplier<String> problem) throws InterruptedException {
        throwIfStopping();
        final long delay = backoff.delayMs(attempt);
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
            throw new ConnectException(problem.get() + " within " + setting + "=" + maxMs);
        }
        attempt++;
        sleeper.sleep(delay);
        throwIfStopping(); // the stop may have come during the wait without interrupting it
    }

    /** Attempts made so far, the first included. */
    public int attempts() {
        return attempt;
    }

    /** For attempts that need no wait (e.g. a split request): only the stop is checked. */
    public void throwIfStopping() throws InterruptedException {
        if (stopping.getAsBoolean()) {
            throw new InterruptedException("the task is stopping; giving up on retries");
        }
    }
}
