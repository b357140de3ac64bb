package dev.forestwatch.local.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs a step at a fixed rate (a late step does not shift the ones after it) until stopped or
 * interrupted: the benchmarks' putter and sampler.
 */
final class FixedRateLoop {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final Thread thread;
    private volatile boolean stop;

    private FixedRateLoop(String name, Duration period, Runnable step) {
        thread = new Thread(() -> {
            long next = System.nanoTime();
            while (!stop && !Thread.currentThread().isInterrupted()) {
                step.run();
                next += period.toNanos();
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }, name);
        thread.setDaemon(true);
    }

    static FixedRateLoop start(String name, Duration period, Runnable step) {
        FixedRateLoop loop = new FixedRateLoop(name, period, step);
        loop.thread.start();
        return loop;
    }

    /** Lets the current step finish, then waits for the thread (bounded). */
    void stopAndJoin() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.NANOSECONDS.toMillis(JOIN_TIMEOUT.toNanos()));
    }
}
