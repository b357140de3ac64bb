package dev.forestwatch.streams.errors;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a stream thread that died (its tasks move to the new thread and resume from the last commit), but
 * only a bounded number of times per hour: a bug that kills every thread should stop the app, not spin.
 */
public final class BoundedThreadReplacement implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedThreadReplacement.class);
    private static final long HOUR_MS = 3_600_000L;

    private final int maxPerHour;
    private final Clock clock;
    private final Deque<Long> recent = new ArrayDeque<>();

    public BoundedThreadReplacement(final int maxPerHour, final Clock clock) {
        this.maxPerHour = maxPerHour;
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(final Throwable exception) {
        final long now = clock.millis();
        while (!recent.isEmpty() && now - recent.peekFirst() > HOUR_MS) {
            recent.removeFirst();
        }
        if (recent.size() >= maxPerHour) {
            LOG.error("Stream thread died {} times within an hour; shutting down (errors.thread.replacements.max={})",
                    recent.size() + 1, maxPerHour, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        LOG.error("Stream thread died; replacing it ({} of {} per hour)", recent.size(), maxPerHour, exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
