package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.generator.SensorSimulator;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** The sensor simulator on a thread of its own, with what it returned or threw: the generator of a run. */
final class GeneratorRun implements AutoCloseable {
    private final SensorSimulator simulator;
    private final Thread thread;
    private final Duration stopTimeout;
    private final AtomicReference<SensorSimulator.Result> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private GeneratorRun(SensorSimulator simulator, String threadName, Duration stopTimeout) {
        this.simulator = simulator;
        this.stopTimeout = stopTimeout;
        this.thread = new Thread(() -> {
            try {
                result.set(simulator.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, threadName);
    }

    /** Runs the simulator on a new thread; {@link #close()} waits up to {@code stopTimeout} for it to finish. */
    static GeneratorRun start(SensorSimulator simulator, String threadName, Duration stopTimeout) {
        GeneratorRun run = new GeneratorRun(simulator, threadName, stopTimeout);
        run.thread.start();
        return run;
    }

    /** Readings the target accepted so far. */
    long acknowledged() {
        return simulator.acknowledged();
    }

    /** What the simulator threw, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** What the simulator returned, or null while it runs (or if it failed). */
    SensorSimulator.Result result() {
        return result.get();
    }

    /** Asks the simulator to stop; returns at once. */
    void stop() {
        simulator.stop();
    }

    /** Stops the simulator and waits until its last readings are written, or gives up after the stop timeout. */
    @Override
    public void close() throws InterruptedException {
        simulator.stop();
        thread.join(stopTimeout.toMillis());
    }
}
