package dev.forestwatch.local;

import java.nio.file.Path;

/**
 * The old name of {@link Directories}, kept only because {@code server.EmbeddedElasticsearch} and
 * {@code server.ConnectWorkerProcess} (changed on other branches at the same time) still call it: delete this class
 * once those files say {@code Directories}.
 */
@Deprecated
public final class Files2 {
    private Files2() {
    }

    public static Path createTempDir(String prefix) {
        return Directories.createTempDir(prefix);
    }

    public static Path createDirs(Path dir) {
        return Directories.createDirs(dir);
    }

    public static void deleteRecursively(Path dir) {
        Directories.deleteRecursively(dir);
    }
}
