package dev.forestwatch.local.server;

import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Running a server that refuses root (Elasticsearch) from a JVM that may be root (CI is): as uid/gid
 * 65534 (nobody/nogroup) through {@code setpriv}, on files chowned to that user. Linux only.
 * ({@code runuser} would need a user name; 65534 has none on some systems.)
 */
final class Unprivileged {
    static final int UID = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private Unprivileged() {
    }

    /** True if this JVM runs with effective uid 0 ({@code /proc/self} belongs to the process's euid). */
    static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * What to put before a command so it runs as uid/gid 65534 without supplementary groups (when
     * {@code dropPrivileges}) and gets SIGTERM if the thread that spawned it dies ({@code --pdeathsig},
     * so a SIGKILLed JVM leaves no server behind; spawn from a thread that lives as long as the JVM).
     * Without setpriv, a non-root command runs as it is.
     */
    static List<String> commandPrefix(boolean dropPrivileges) {
        Path setpriv = Files.isExecutable(SETPRIV) ? SETPRIV : Path.of("/bin/setpriv");
        if (!Files.isExecutable(setpriv)) {
            if (dropPrivileges) {
                throw new IllegalStateException(
                        "Running as root needs setpriv (util-linux) to start Elasticsearch as uid " + UID
                                + ", and " + SETPRIV + " is missing. Install util-linux or run as a non-root user.");
            }
            return List.of();
        }
        List<String> prefix = new ArrayList<>(List.of(setpriv.toString()));
        if (dropPrivileges) {
            prefix.addAll(List.of("--reuid=" + UID, "--regid=" + UID, "--clear-groups"));
        }
        prefix.add("--pdeathsig=SIGTERM");
        return prefix;
    }

    /** {@code chown -R 65534:65534 dir}, not following symlinks. */
    static void chownRecursively(Path dir) {
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        try (Stream<Path> paths = Files.walk(dir)) {
            // Numeric names resolve to that id even when no passwd entry has it.
            UserPrincipal user = lookup.lookupPrincipalByName(Integer.toString(UID));
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(Integer.toString(UID));
            for (Path p : (Iterable<Path>) paths::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot chown " + dir + " to " + UID + ":" + UID, e);
        }
    }

    /**
     * True if uid 65534 can reach and enter (or run) {@code path}: it and every ancestor directory are
     * searchable by others or owned by 65534. Root's home (mode 700) is the usual reason they aren't.
     */
    static boolean canReach(Path path) {
        try {
            if (!Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_EXECUTE)
                    && ((Number) Files.getAttribute(path, "unix:uid")).intValue() != UID) {
                return false;
            }
            for (Path dir = path.toRealPath().getParent(); dir != null; dir = dir.getParent()) {
                if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)
                        && ((Number) Files.getAttribute(dir, "unix:uid")).intValue() != UID) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * A copy of {@code home} readable and executable by everyone, under {@code java.io.tmpdir}, made once
     * and reused by later runs (a marker file tells a finished copy from an interrupted one).
     */
    static Path worldReadableCopy(Path home, String name) {
        Path copy = Path.of(System.getProperty("java.io.tmpdir")).resolve(name);
        Path done = copy.resolve(".forestwatch-copy-complete");
        if (Files.exists(done)) {
            return copy;
        }
        Path staging = Directories.createTempDir(name + "-staging-");
        try (Stream<Path> paths = Files.walk(home)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = staging.resolve(home.relativize(source).toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                makeWorldReadable(target);
            }
            Files.createFile(staging.resolve(done.getFileName()));
            makeWorldReadable(staging);
            try {
                Files.move(staging, copy, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.exists(done)) {
                    throw e;
                }
                Directories.deleteRecursively(staging); // another JVM finished the same copy first; use theirs
            }
            return copy;
        } catch (IOException e) {
            Directories.deleteRecursively(staging);
            throw new UncheckedIOException("Cannot copy " + home + " to " + copy, e);
        }
    }

    /** a+r, and a+x where the owner may execute (directories, scripts): {@code chmod a+rX}. */
    private static void makeWorldReadable(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.GROUP_READ);
        perms.add(PosixFilePermission.OTHERS_READ);
        if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(p, perms);
    }
}
