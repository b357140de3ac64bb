package dev.forestwatch.local.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a currently free TCP port on 127.0.0.1. */
public final class FreePort {
    private FreePort() {
    }

    /**
     * Another process may grab the port between this call and the broker binding it; the window is
     * tiny, and {@link EmbeddedKafka} retries with new ports if binding fails.
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    /** Whether {@code e} or a cause is a failed bind: the port was taken after the pick, and a new pick may work. */
    static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** A free port other than {@code taken}: two picks in a row can get the same port back once it is closed. */
    public static int pickOtherThan(int taken) {
        int port = pick();
        while (port == taken) {
            port = pick();
        }
        return port;
    }
}
