package dev.forestwatch.local.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a run started, stopped in the reverse order: each component started after what it needs, so the last one
 * started (the generator, upstream) stops first and the servers last. One that fails to stop does not keep the rest
 * running. Components may be added from several threads (servers start in parallel).
 */
final class StopOrder {
    private final Deque<Named> started = new ArrayDeque<>();

    /** A component to stop, named for the messages. */
    private record Named(String name, AutoCloseable stop) {
    }

    synchronized <T extends AutoCloseable> T add(String name, T component) {
        started.push(new Named(name, component));
        return component;
    }

    /** Stops everything, last started first; returns 1 if anything failed to stop (reported to {@code error}). */
    int stopAll(Consumer<String> step, Consumer<String> error) {
        int exitCode = 0;
        Named next;
        while ((next = pop()) != null) {
            step.accept("stopping " + next.name() + " ...");
            try {
                next.stop().close();
            } catch (Exception e) {
                error.accept("error stopping " + next.name() + ": " + e);
                exitCode = 1;
            }
        }
        step.accept("stopped");
        return exitCode;
    }

    private synchronized Named pop() {
        return started.poll();
    }
}
