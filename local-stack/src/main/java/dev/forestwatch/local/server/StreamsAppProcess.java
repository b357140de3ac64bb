package dev.forestwatch.local.server;

import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The streams app fat jar running as a child JVM. A separate process (rather than calling its main
 * in this JVM) is what the app will be in production, keeps its classpath (Jackson, RCF) apart from
 * ours, and lets the demo show it can be killed and restarted on its state dir.
 */
public final class StreamsAppProcess implements AutoCloseable {
    static final String JAR_GLOB = "forestwatch-streams-*-all.jar";
    static final String BUILD_COMMAND = "mvn -B -q install -DskipTests -pl streams-app -am";
    /** Long enough for Streams to commit its last exactly-once transaction and close. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);

    private final Process process;
    private final Path logFile;

    private StreamsAppProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** The newest {@code streams-app/target/forestwatch-streams-*-all.jar}, or an error naming the build command. */
    public static Path locateJar(Path repoDir) {
        Path target = repoDir.resolve("streams-app").resolve("target");
        Optional<Path> newest = Directories.newest(target, JAR_GLOB);
        return newest.orElseThrow(() -> new IllegalStateException(
                "Streams app jar not found: " + target.resolve(JAR_GLOB) + "\n"
                        + "Build it with: " + BUILD_COMMAND
                        + "   (or use ./forestwatch demo, which builds what is missing)"));
    }

    public static List<String> command(Path java, Path jar, Path config, String bootstrapServers, Path stateDir) {
        return List.of(java.toString(), "-jar", jar.toString(),
                "run",
                "--config", config.toString(),
                "--set", "bootstrap.servers=" + bootstrapServers,
                "--set", "state.dir=" + stateDir);
    }

    /** Starts the app with stdout and stderr going to {@code logFile}. */
    public static StreamsAppProcess start(List<String> command, Path workingDir, Path logFile) {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())) // a restart keeps the log
                    .redirectInput(ProcessBuilder.Redirect.PIPE) // not the terminal: Ctrl+C handling is ours
                    .start();
            return new StreamsAppProcess(process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", command), e);
        }
    }

    /** The JVM running this code, so the child uses the same Java. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; only meaningful once {@link #isAlive()} is false. */
    public int exitCode() {
        return process.exitValue();
    }

    Path logFile() {
        return logFile;
    }

    /** The last {@code n} lines of the app's log, for error messages. */
    public List<String> logTail(int n) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read " + logFile + ": " + e.getMessage() + ")");
        }
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM first so the app's shutdown hook closes Streams cleanly; SIGKILL only if it hangs.
     * Returns once the process is gone.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
