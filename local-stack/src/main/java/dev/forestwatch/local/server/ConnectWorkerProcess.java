package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import dev.forestwatch.local.Directories;
import dev.forestwatch.local.Logging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect distributed worker as a child JVM ({@code ConnectDistributed}, as production runs it), so it can
 * be killed like a crashed worker: with SIGKILL its tasks stop without committing anything, and what they had not
 * committed is read again by the next worker. Used by {@code ./forestwatch up}; the storage topics must exist or
 * be creatable by the worker.
 *
 * <pre>{@code
 * ConnectWorkerProcess connect = ConnectWorkerProcess.start(props, workDir, Duration.ofSeconds(90));
 * connect.createOrUpdateConnector("es", config);
 * connect.kill();              // as a crash would
 * connect.start(timeout);      // a new worker, same id, same group
 * }</pre>
 */
public final class ConnectWorkerProcess extends ConnectCluster implements AutoCloseable {
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);

    private final Path propertiesFile;
    private final Path workDir;
    private final List<String> jvmOptions;
    private Process process;
    private int starts;

    private ConnectWorkerProcess(String url, Path propertiesFile, Path workDir, List<String> jvmOptions) {
        super(url);
        this.propertiesFile = propertiesFile;
        this.workDir = workDir;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Writes {@code workerProps} to {@code <workDir>/worker.properties} with {@code listeners} and the advertised
     * address set to a free port on 127.0.0.1, starts the worker and returns once its REST API answers.
     */
    public static ConnectWorkerProcess start(Map<String, String> workerProps, Path workDir, Duration timeout) {
        return start(workerProps, workDir, timeout, List.of());
    }

    /** As above, with extra options for the worker's JVM (e.g. {@link JmxExporterAgent#jvmOption}). */
    public static ConnectWorkerProcess start(Map<String, String> workerProps, Path workDir, Duration timeout,
            List<String> jvmOptions) {
        Directories.createDirs(workDir);
        int port = FreePort.pick();
        Map<String, String> props = new LinkedHashMap<>(workerProps);
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("rest.advertised.port", Integer.toString(port));
        Path file = workDir.resolve("worker.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "written by forestwatch: config/connect-distributed.properties with this run's addresses");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        ConnectWorkerProcess worker = new ConnectWorkerProcess("http://127.0.0.1:" + port, file, workDir,
                jvmOptions);
        worker.start(timeout);
        return worker;
    }

    /** Starts the worker (again, after {@link #kill()}) and returns once its REST API lists the plugins. */
    public synchronized void start(Duration timeout) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the worker at " + url + " is running");
        }
        // one log per start: the logging configuration truncates its file, and a crashed worker's log is evidence
        starts++;
        Path logFile = workDir.resolve(starts == 1 ? "connect-worker.log" : "connect-worker-" + starts + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                // the worker's logs to its own file, through the bundled configuration this JVM uses too
                "-Dlogback.configurationFile=" + Logging.DEMO_CONFIG,
                "-D" + Logging.LOG_FILE_PROPERTY + "=" + logFile,
                "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectDistributed", propertiesFile.toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("connect-worker.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Connect worker", e);
        }
        Process started = process;
        Await.until("the Connect worker at " + url + " to answer", timeout, () -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("the Connect worker exited with " + started.exitValue() + "; see "
                        + logFile + " and connect-worker.out beside it");
            }
            try {
                return !connectorPlugins().isEmpty();
            } catch (RuntimeException e) {
                return false; // not listening yet
            }
        });
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, so the worker stops its tasks and commits; SIGKILL if it hangs. Idempotent. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(GRACEFUL_STOP)) {
            kill();
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    @Override
    public String toString() {
        return "Connect worker process at " + url;
    }
}
