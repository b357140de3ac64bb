package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One npm emulator ({@code node <script> ...}) running as a child process, with its output in a log
 * file in its own temporary work dir. Stopped with SIGKILL to it and every descendant (kinesis-local
 * ignores SIGTERM, and neither keeps anything worth a graceful stop: both hold their data in memory),
 * by {@link #kill()}, by a shutdown hook, and, if this JVM is SIGKILLed, by
 * {@code setpriv --pdeathsig=SIGKILL} where setpriv exists.
 */
final class NodeEmulator {
    private static final Logger log = LoggerFactory.getLogger(NodeEmulator.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    private static final int LOG_TAIL_LINES = 30;
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    /** What to run for a given set of ports; called again with new ports after a bind failure. */
    interface Launch {
        List<String> args();

        Map<String, String> env();

        /** The port that {@link #awaitReady} first waits to accept connections. */
        int port();
    }

    /** True when the emulator answers a real API call; may throw (and is retried) while it is not up yet. */
    interface Probe {
        boolean ready() throws Exception;
    }

    private final String name;
    private final Path workDir;
    private final Path logFile;
    private final Thread shutdownHook;
    private volatile Process process;

    private NodeEmulator(String name, Path workDir) {
        this.name = name;
        this.workDir = workDir;
        this.logFile = workDir.resolve(name + ".log");
        this.shutdownHook = new Thread(this::killOnExit, name + "-shutdown");
    }

    /**
     * Starts {@code node <args>} with the launch that {@code launchForAttempt} builds (picking free ports
     * each time), waits until {@code probe} holds, and retries on new ports if the emulator could not
     * bind (another process took a port between the pick and the bind).
     */
    static NodeEmulator start(String name, Duration timeout, IntFunction<Launch> launchForAttempt, Probe probe) {
        NodeEmulator emulator = new NodeEmulator(name, Directories.createTempDir("embedded-" + name + "-"));
        Runtime.getRuntime().addShutdownHook(emulator.shutdownHook);
        try {
            return PortRetry.start(name, PortRetry.ATTEMPTS, attempt -> {
                Launch launch = launchForAttempt.apply(attempt);
                long started = System.nanoTime();
                emulator.process = emulator.spawn(launch);
                try {
                    emulator.awaitReady(launch.port(), timeout, probe);
                } catch (RuntimeException e) {
                    killTree(emulator.process);
                    emulator.process = null;
                    throw e;
                }
                log.info("{} ready on port {} after {} ms (pid {}, log {})", name, launch.port(),
                        Await.millisSince(started), emulator.process.pid(), emulator.logFile);
                return emulator;
            }, e -> emulator.log().contains("EADDRINUSE"));
        } catch (RuntimeException e) {
            emulator.kill();
            throw e;
        }
    }

    Path logFile() {
        return logFile;
    }

    /** The node process and its descendants while running; empty once killed. */
    List<ProcessHandle> processes() {
        Process p = process;
        if (p == null) {
            return List.of();
        }
        return Stream.concat(Stream.of(p.toHandle()), p.descendants()).collect(Collectors.toList());
    }

    boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILLs the process tree, waits until it is gone, deletes the work dir. Idempotent. */
    synchronized void kill() {
        Process p = process;
        process = null;
        try {
            if (p != null) {
                killTree(p);
            }
        } finally {
            Directories.deleteRecursively(workDir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is exiting; the hook runs anyway and finds nothing to do.
            }
        }
    }

    private Process spawn(Launch launch) {
        List<String> command = new ArrayList<>(deathSignalPrefix());
        command.add(Emulators.node().toString());
        command.addAll(launch.args());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(launch.env());
        return Spawner.start(builder, name);
    }

    /** Polls until the port accepts a connection and then the probe holds; fails at once, with the log, if node exits. */
    private void awaitReady(int port, Duration timeout, Probe probe) {
        Process p = process;
        try {
            Await.until(name + " on port " + port + " to answer", timeout, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            name + " exited with code " + p.exitValue() + " while starting; " + logTail());
                }
                if (!accepts(port)) {
                    return false;
                }
                try {
                    return probe.ready();
                } catch (RuntimeException e) {
                    // Retried until the deadline, then reported as the cause (e.g. an SDK error while it initializes).
                    throw new Exception(name + " did not answer yet: " + e, e);
                }
            });
        } catch (IllegalStateException e) {
            if (e.getMessage().startsWith("Timed out")) {
                throw new IllegalStateException(e.getMessage() + "; " + logTail(), e);
            }
            throw e;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL to the process and every descendant, collected first (a killed parent's children are re-parented). */
    private static void killTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            Await.until("emulator processes to exit", KILL_WAIT, () -> tree.stream().noneMatch(ProcessHandle::isAlive));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("Emulator processes survived SIGKILL: "
                    + tree.stream().filter(ProcessHandle::isAlive).map(h -> Long.toString(h.pid()))
                            .collect(Collectors.joining(", ")),
                    e);
        }
    }

    /** The shutdown hook: kills the emulator if the JVM exits without close. No lock: a start may hold it. */
    private void killOnExit() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            killTree(p);
            Directories.deleteRecursively(workDir);
        } catch (RuntimeException e) {
            System.err.println("Stopping " + name + " (pid " + p.pid() + ") on exit failed: " + e);
        }
    }

    /** {@code setpriv --pdeathsig=SIGKILL}: node dies with the thread that spawned it, even if this JVM is SIGKILLed. */
    private static List<String> deathSignalPrefix() {
        return SETPRIV.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .map(setpriv -> List.of(setpriv.toString(), "--pdeathsig=SIGKILL"))
                .orElse(List.of());
    }

    private String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private String logTail() {
        List<String> lines = log().lines().collect(Collectors.toList());
        return "last lines of " + logFile + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    @Override
    public String toString() {
        return name + "[" + workDir + "]";
    }
}
