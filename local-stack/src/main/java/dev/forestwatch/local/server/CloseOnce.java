package dev.forestwatch.local.server;

/**
 * The closed state of a server that can stop and start again until it is closed, shared by the embedded servers so
 * each closes once and refuses a restart after. Not thread-safe: the servers call it under their own lock.
 */
final class CloseOnce {
    private boolean closed;

    /** Throws {@link IllegalStateException} naming {@code server} once closed. */
    void checkOpen(Object server) {
        if (closed) {
            throw new IllegalStateException(server + " is closed");
        }
    }

    /** Marks the server closed; false if it already was, so the caller has nothing more to do. */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /**
     * The first time only: runs {@code stop}, then {@code cleanUp} even if stopping failed (a half-stopped server's
     * files still go).
     */
    void close(Runnable stop, Runnable cleanUp) {
        if (!markClosed()) {
            return;
        }
        try {
            stop.run();
        } finally {
            cleanUp.run();
        }
    }
}
