package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A launched server and its console log: stopping the whole process tree (a launcher script's child JVM outlives a
 * launcher killed alone) and reading what the server wrote since a start attempt, for error messages.
 */
final class ProcessTree {
    private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    private ProcessTree() {
    }

    /**
     * Signals the launcher and every descendant, waits up to {@code graceful}, then SIGKILLs what is left and
     * waits for it.
     */
    static void kill(String name, Process launcher, Duration graceful) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(launcher.toHandle());
        launcher.descendants().forEach(tree::add);
        if (!graceful.isZero()) {
            tree.forEach(ProcessHandle::destroy);
            if (awaitGone(name, tree, graceful)) {
                return;
            }
            log.warn("{} did not stop within {}; killing it", name, graceful);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(name, tree, KILL_WAIT)) {
            throw new IllegalStateException(name + " processes survived SIGKILL: " + tree.stream()
                    .filter(ProcessHandle::isAlive).map(h -> Long.toString(h.pid())).collect(Collectors.joining(", ")));
        }
    }

    private static boolean awaitGone(String name, List<ProcessHandle> tree, Duration timeout) {
        try {
            Await.until(name + " processes to exit", timeout, () -> tree.stream().noneMatch(ProcessHandle::isAlive));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The size of a log file, where the next start attempt's output begins. */
    static long size(Path logFile) {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What was written to {@code logFile} since {@code offset}, at most the last 1 MiB of it. */
    static String since(Path logFile, long offset) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(offset, file.length() - (1 << 20));
            byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines written since {@code offset}, introduced by the file's name. */
    static String tail(Path logFile, long offset) {
        List<String> lines = since(logFile, offset).lines().collect(Collectors.toList());
        return "last lines of " + logFile + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }
}
