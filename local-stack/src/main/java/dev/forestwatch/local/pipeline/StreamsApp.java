package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.server.StreamsAppProcess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams app of a run, as a child JVM on the run's state dir and log: started, killed and restarted (a crash
 * test), watched for an exit nobody asked for, stopped.
 */
final class StreamsApp implements AutoCloseable {
    private static final int LOG_TAIL_LINES = 25;

    private final List<String> command;
    private final Path workingDir;
    private final Path log;
    private volatile StreamsAppProcess process;
    private volatile boolean restarting;

    private StreamsApp(List<String> command, Path workingDir, Path log) {
        this.command = command;
        this.workingDir = workingDir;
        this.log = log;
        this.process = StreamsAppProcess.start(command, workingDir, log);
    }

    /** Starts the app from {@code jar} with its state in {@code work/state} and its log in {@code work/streams-app.log}. */
    static StreamsApp start(Path jar, Path config, String bootstrapServers, Path work, Path workingDir,
            List<String> extraArgs) {
        List<String> command = new ArrayList<>(StreamsAppProcess.command(StreamsAppProcess.currentJava(), jar, config,
                bootstrapServers, work.resolve("state")));
        command.addAll(extraArgs);
        return new StreamsApp(command, workingDir, work.resolve("streams-app.log"));
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /**
     * True if the app has exited while no restart is under way; then its exit code and the last lines of its log
     * are printed to {@code err}, each line starting with {@code prefix}.
     */
    boolean reportIfExited(PrintStream err, String prefix) {
        StreamsAppProcess app = process;
        if (app.isAlive() || restarting || app != process) {
            return false;
        }
        err.printf("%s: the streams app exited with code %d; last lines of %s:%n", prefix, app.exitCode(), log);
        app.logTail(LOG_TAIL_LINES).forEach(l -> err.println("  | " + l));
        return true;
    }

    /** SIGKILL, as a crash would, then a new app on the same state dir and log. */
    void killAndRestart() {
        restarting = true;
        try {
            process.kill();
            process = StreamsAppProcess.start(command, workingDir, log);
        } finally {
            restarting = false;
        }
    }

    /** SIGTERM, so the app commits and closes; SIGKILL only if it hangs. */
    @Override
    public void close() {
        process.close();
    }
}
