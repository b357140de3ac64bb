package dev.forestwatch.streams.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used so far by a whole process (all its threads, user plus system), read from {@code /proc/<pid>/stat}, so
 * the benchmark can charge the broker in its own JVM as well as its own. Linux only.
 */
final class ProcessCpu {

    /**
     * The kernel reports these times in USER_HZ ticks, which is 100 on every architecture Linux builds for today
     * (it is part of the user ABI, unlike the kernel's own HZ); reading it would take a native call.
     */
    static final long NANOS_PER_TICK = 10_000_000L;
    /** utime and stime, counted from the state field, the first one after the command name. */
    private static final int UTIME_AFTER_STATE = 11;
    private static final int STIME_AFTER_STATE = 12;

    private final long pid;
    private final Path stat;

    ProcessCpu(final long pid) {
        this.pid = pid;
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    static ProcessCpu self() {
        return new ProcessCpu(ProcessHandle.current().pid());
    }

    long pid() {
        return pid;
    }

    /** User plus system CPU time of the process so far, in nanoseconds (10 ms resolution). */
    long nanos() {
        try {
            return parseNanos(Files.readString(stat));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid + " from " + stat, e);
        }
    }

    /** User plus system time from one line of {@code /proc/<pid>/stat}. */
    static long parseNanos(final String line) {
        // the command name is in parentheses and may itself hold spaces and parentheses: fields start after the last
        final String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(fields[UTIME_AFTER_STATE]) + Long.parseLong(fields[STIME_AFTER_STATE]))
                * NANOS_PER_TICK;
    }
}
