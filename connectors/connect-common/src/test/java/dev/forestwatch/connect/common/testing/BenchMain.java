package dev.forestwatch.connect.common.testing;

import dev.forestwatch.local.BenchExit;
import dev.forestwatch.local.Flags;
import java.util.Deque;
import java.util.function.Function;

/** The connector benchmarks' main: the flags (local-stack's {@link Flags}), the run, and how the command exits. */
public final class BenchMain {

    /** A benchmark's run; what it starts goes on {@code open}, which is closed newest first once it ends. */
    @FunctionalInterface
    public interface Run {
        void run(Deque<AutoCloseable> open) throws Exception;
    }

    private BenchMain() {
    }

    /**
     * Reads the flags with {@code read} and runs what it returns. Exits 0 once the table is printed, 1 if the run
     * failed, 2 for a bad flag; returns after printing {@code usage} for {@code --help}. It never waits on lingering
     * threads ({@link BenchExit}).
     *
     * @param command the command's name, as the failure message gives it
     */
    public static void run(final String command, final String[] args, final String usage,
            final Function<Flags, Run> read) {
        BenchExit.main(command, args, usage, read, (run, open) -> run.run(open));
    }
}
