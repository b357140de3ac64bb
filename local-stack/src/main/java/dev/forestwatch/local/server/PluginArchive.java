package dev.forestwatch.local.server;

import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks a Connect plugin archive (STYLE §2: {@code <name>.zip} holding one directory
 * {@code <name>/} with {@code lib/*.jar}, {@code manifest.json}, ...) into a {@code plugin.path}
 * directory. Backs {@link EmbeddedConnect#installPluginFromZip(Path, Path)}.
 */
final class PluginArchive {
    private static final Logger log = LoggerFactory.getLogger(PluginArchive.class);
    private static final String MANIFEST_PREFIX = "META-INF/services/org.apache.kafka.";

    private PluginArchive() {
    }

    static Path install(Path zip, Path pluginPath) {
        Path root = Directories.createDirs(pluginPath.toAbsolutePath().normalize());
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(archive.entries());
            String top = singleTopLevelDirectory(zip, entries);
            Path pluginDir = root.resolve(top).normalize();
            if (!pluginDir.getParent().equals(root)) {
                throw new IllegalArgumentException(zip + ": top-level directory '" + top + "' is not a plain name");
            }
            for (ZipEntry entry : entries) {
                if (!root.resolve(entry.getName()).normalize().startsWith(pluginDir)) {
                    throw new IllegalArgumentException(
                            zip + ": entry '" + entry.getName() + "' points outside the plugin directory");
                }
            }
            // Reinstalling replaces the old version instead of mixing two versions' jars.
            Directories.deleteRecursively(pluginDir);
            try {
                extract(archive, entries, root);
                requireJars(zip, pluginDir);
                warnWithoutServiceManifests(zip, pluginDir);
            } catch (IOException | RuntimeException e) {
                Directories.deleteRecursively(pluginDir);
                throw e;
            }
            return pluginDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack plugin archive " + zip + " into " + root, e);
        }
    }

    private static void extract(ZipFile archive, List<? extends ZipEntry> entries, Path root) throws IOException {
        for (ZipEntry entry : entries) {
            Path target = root.resolve(entry.getName()).normalize();
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else {
                Files.createDirectories(target.getParent());
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String singleTopLevelDirectory(Path zip, List<? extends ZipEntry> entries) {
        Set<String> tops = new TreeSet<>();
        for (ZipEntry entry : entries) {
            String name = entry.getName();
            int slash = name.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException(zip + ": file '" + name + "' sits at the top level;"
                        + " a plugin archive holds exactly one directory, the plugin directory");
            }
            tops.add(name.substring(0, slash));
        }
        if (tops.size() != 1) {
            throw new IllegalArgumentException(
                    zip + ": expected exactly one top-level directory (the plugin directory), found " + tops);
        }
        return tops.iterator().next();
    }

    /**
     * A worker with {@code plugin.discovery=service_load} skips such a plugin without a word; creating
     * its connector then fails with HTTP 400 "Failed to find any class that implements Connector".
     */
    private static void warnWithoutServiceManifests(Path zip, Path pluginDir) throws IOException {
        List<Path> jars;
        try (Stream<Path> files = Files.walk(pluginDir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).collect(Collectors.toList());
        }
        for (Path jar : jars) {
            try (ZipFile jarFile = new ZipFile(jar.toFile())) {
                if (jarFile.stream().anyMatch(e -> e.getName().startsWith(MANIFEST_PREFIX))) {
                    return;
                }
            } catch (ZipException e) {
                log.warn("{}: {} is not a readable jar ({})", zip, pluginDir.relativize(jar), e.getMessage());
            }
        }
        log.warn("{}: no jar has META-INF/services manifests for Connect plugins; a worker with"
                + " plugin.discovery=service_load will not find its connectors", zip);
    }

    private static void requireJars(Path zip, Path pluginDir) throws IOException {
        try (Stream<Path> files = Files.walk(pluginDir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".jar"))) {
                throw new IllegalArgumentException(
                        zip + ": no .jar in the plugin directory; not a Connect plugin archive");
            }
        }
    }
}
