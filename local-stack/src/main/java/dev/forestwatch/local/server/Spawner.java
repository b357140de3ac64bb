package dev.forestwatch.local.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts child processes from one daemon thread that lives as long as the JVM: {@code setpriv --pdeathsig} fires
 * when the spawning <em>thread</em> exits, so a child spawned from a short-lived thread would be killed with it.
 */
final class Spawner {
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "child-process-spawner");
        t.setDaemon(true);
        return t;
    });

    private Spawner() {
    }

    /** {@code builder.start()} on the spawner thread; {@code what} names the child in errors. */
    static Process start(ProcessBuilder builder, String what) {
        try {
            return THREAD.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw new UncheckedIOException("Cannot start " + what + ": " + String.join(" ", builder.command()),
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting " + what, e);
        }
    }
}
