package dev.forestwatch.local;

import java.time.Duration;
import java.util.Deque;
import java.util.Locale;

/** How a benchmark command ends once its table is printed, so the command exits by itself. */
public final class BenchExit {

    private BenchExit() {
    }

    /**
     * Closes what the run opened, newest first, on a daemon thread given {@code grace}, then exits: a client whose
     * event loop will not stop (the AWS SDK logs "Unable to shutdown event loop") or any other non-daemon thread
     * left behind would otherwise keep the JVM, and the command, running after its output is complete.
     */
    public static void closeAndExit(final Deque<AutoCloseable> open, final int status, final Duration grace) {
        final Thread closer = new Thread(() -> {
            while (!open.isEmpty()) {
                final AutoCloseable c = open.pop();
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + " failed: " + e);
                }
            }
        }, "bench-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.flush();
        if (closer.isAlive()) {
            System.err.printf(Locale.ROOT, "still closing after %d s (%d left, %s); exiting anyway%n",
                    grace.toSeconds(), open.size(), open);
            // shutdown hooks of whatever hangs could hang too
            Runtime.getRuntime().halt(status);
        }
        System.exit(status);
    }
}
