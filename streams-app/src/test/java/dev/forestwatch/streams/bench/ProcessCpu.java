package dev.forestwatch.streams.bench;

import java.time.Duration;

/**
 * CPU time used so far by a whole process (all its threads, user plus system), so the benchmark can charge the broker
 * in its own JVM as well as its own. The JDK reads it (on Linux from {@code /proc/<pid>/stat}, in the kernel's
 * clock ticks: 10 ms resolution).
 */
final class ProcessCpu {

    private final long pid;

    ProcessCpu(final long pid) {
        this.pid = pid;
    }

    static ProcessCpu self() {
        return new ProcessCpu(ProcessHandle.current().pid());
    }

    long pid() {
        return pid;
    }

    /** User plus system CPU time of the process so far, in nanoseconds. */
    long nanos() {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("cannot read the CPU time of process " + pid
                        + ": it is gone, or not this user's"));
    }
}
