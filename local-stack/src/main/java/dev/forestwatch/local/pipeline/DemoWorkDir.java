package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The demo's scratch directory, wiped on every start. Because {@code --work-dir} is user input, only
 * an empty directory or one the demo created (it holds a marker file) is ever wiped, and a lock
 * file beside it keeps a second demo from wiping the data of a running one.
 */
final class DemoWorkDir implements AutoCloseable {
    static final String MARKER = ".forestwatch-demo";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DemoWorkDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DemoWorkDir wipeAndLock(Path dir) {
        return lock(dir, true);
    }

    /**
     * Locks the directory against a second run and, if {@code wipe}, empties it first; without wipe the data of
     * the previous run stays (the pipeline's Kafka and Elasticsearch data).
     */
    static DemoWorkDir lock(Path dir, boolean wipe) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (absolute.getParent() == null) {
            throw new IllegalArgumentException("Refusing to use the file system root as the work dir");
        }
        Directories.createDirs(absolute.getParent());
        Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException(
                        "Another forestwatch run is using work dir " + absolute + " (lock " + lockFile + ")");
            }
            if (Files.exists(absolute)) {
                if (!isEmpty(absolute) && !Files.exists(absolute.resolve(MARKER))) {
                    throw new IllegalStateException("Refusing to use " + absolute
                            + ": it is not empty and was not created by forestwatch (no " + MARKER
                            + " file). Choose another --work-dir.");
                }
                if (wipe) {
                    Directories.deleteRecursively(absolute);
                }
            }
            Files.createDirectories(absolute);
            if (!Files.exists(absolute.resolve(MARKER))) {
                Files.createFile(absolute.resolve(MARKER));
            }
            return new DemoWorkDir(absolute, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot prepare work dir " + absolute, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    Path path() {
        return dir;
    }

    /** Releases the lock; the directory stays for inspection (logs) until the next start. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel close below releases it anyway
        }
        closeQuietly(lockChannel);
    }

    /** null if another process holds the lock, or (OverlappingFileLockException) this JVM does. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing useful to do
            }
        }
    }
}
