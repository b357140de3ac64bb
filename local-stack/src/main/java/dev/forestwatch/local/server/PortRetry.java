package dev.forestwatch.local.server;

import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a server on ports picked just before, and again on new ones when another process took a port between the
 * pick and the bind: {@link FreePort} cannot hold a port for the server, and a busy CI machine does reuse them.
 */
final class PortRetry {
    /** Attempts when the ports are picked; a fixed port given by the caller gets one. */
    static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(PortRetry.class);

    private PortRetry() {
    }

    /**
     * {@code attempt.apply(n)} for n = 1, 2, ... up to {@code attempts} times, until it returns; it cleans up after
     * itself when it throws. Another attempt follows only a failure that {@code portTaken} blames on a taken port;
     * otherwise, or after the last attempt, the failure is thrown.
     */
    static <T> T start(String what, int attempts, IntFunction<T> attempt, Predicate<RuntimeException> portTaken) {
        RuntimeException last = null;
        for (int n = 1; n <= attempts; n++) {
            try {
                return attempt.apply(n);
            } catch (RuntimeException e) {
                last = e;
                if (n == attempts || !portTaken.test(e)) {
                    break;
                }
                log.warn("Port taken while starting {} (attempt {}/{}), retrying on new ports", what, n, attempts);
            }
        }
        throw last;
    }
}
