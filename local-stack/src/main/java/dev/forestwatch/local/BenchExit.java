package dev.forestwatch.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.Function;

/** How a benchmark command ends once its table is printed, so the command exits by itself. */
public final class BenchExit {

    /** A benchmark's run; what it starts goes on {@code open}, which is closed newest first once it ends. */
    @FunctionalInterface
    public interface Run {
        void run(Deque<AutoCloseable> open) throws Exception;
    }

    /** A command's run, given its parsed options; what it starts goes on {@code open}, as with {@link Run}. */
    @FunctionalInterface
    public interface Command<T> {
        void run(T options, Deque<AutoCloseable> open) throws Exception;
    }

    /** How long closing may take once the output is printed: it is complete, so nothing is lost by not waiting. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(60);

    private BenchExit() {
    }

    /**
     * A benchmark command's main: reads {@code args} with {@link Flags#readOrExit} (a bad flag exits 2, {@code --help}
     * prints {@code usage} and returns), then {@link #runAndExit runs and exits}, closing within 60 s.
     *
     * @param command the command's name, as the failure message gives it
     */
    public static <T> void main(final String command, final String[] args, final String usage,
            final Function<Flags, T> read, final Command<T> run) {
        final T options = Flags.readOrExit(args, usage, read);
        if (options == null) {
            return;
        }
        runAndExit(command, open -> run.run(options, open), CLOSE_GRACE);
    }

    /**
     * Runs, then {@link #closeAndExit closes and exits}: 0 once the output is complete, 1 after the stack trace if
     * the run failed.
     *
     * @param command the command's name, as the failure message gives it
     */
    public static void runAndExit(final String command, final Run run, final Duration grace) {
        final Deque<AutoCloseable> open = new ArrayDeque<>();
        int status = 1;
        try {
            run.run(open);
            status = 0;
        } catch (Throwable e) {
            System.out.flush();
            System.err.println(command + " failed:");
            e.printStackTrace();
        } finally {
            closeAndExit(open, status, grace);
        }
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
