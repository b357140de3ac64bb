package dev.forestwatch.local;

import java.time.Duration;

/** Polls a condition until it holds or a deadline passes; the alternative to blind sleeps. */
public final class Await {
    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    public interface Condition {
        boolean holds() throws Exception;
    }

    public static void until(String what, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what, lastError);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} reading), for "ready after N ms" logs. */
    public static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
