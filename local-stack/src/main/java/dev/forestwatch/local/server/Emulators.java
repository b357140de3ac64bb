package dev.forestwatch.local.server;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the npm emulators ({@code kinesis-local}, {@code dynalite}) and a {@code node} to run them are.
 * They are pinned in {@code local-stack/emulators/package.json} and {@code package-lock.json}; the
 * build runs {@code npm ci} there when {@code node_modules} is missing and writes that path into
 * {@code emulators.properties} (resource filtering).
 */
final class Emulators {
    /** Overrides the {@code node_modules} directory holding {@code kinesis-local} and {@code dynalite}. */
    static final String MODULES_PROPERTY = "forestwatch.emulators.modules";
    /** Overrides the {@code node} executable (default: the first on the PATH). */
    static final String NODE_PROPERTY = "forestwatch.node";
    static final String INSTALL_COMMAND = "npm ci --prefix local-stack/emulators";

    private Emulators() {
    }

    /**
     * The installed package {@code name} (e.g. {@code kinesis-local}): under the {@value #MODULES_PROPERTY}
     * directory if set; else under {@code emulators/node_modules} beside the {@code target} directory this
     * class was loaded from; else under the path the build wrote.
     *
     * @throws IllegalStateException naming the install command if {@code marker} (e.g. {@code main.js}) is in none
     */
    static Path packageDir(String name, String marker) {
        List<Path> modules = new ArrayList<>();
        String explicit = System.getProperty(MODULES_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            modules.add(Path.of(explicit));
        } else {
            besideCodeSource().ifPresent(modules::add);
            buildModulesDir().ifPresent(modules::add);
        }
        List<Path> candidates = new ArrayList<>();
        for (Path dir : modules) {
            candidates.add(dir.toAbsolutePath().normalize().resolve(name));
        }
        return candidates.stream()
                .filter(dir -> Files.isRegularFile(dir.resolve(marker)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("npm package " + name + " not found at " + candidates
                        + ". Install it with: " + INSTALL_COMMAND + " (or set -D" + MODULES_PROPERTY
                        + "=<node_modules dir>)"));
    }

    /** The {@value #NODE_PROPERTY} property if set, else {@code node} from the PATH. */
    static Path node() {
        String explicit = System.getProperty(NODE_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "node");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException(
                "node (Node.js 20) not found on the PATH; install it or set -D" + NODE_PROPERTY + "=<path to node>");
    }

    private static Optional<Path> besideCodeSource() {
        CodeSource source = Emulators.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            // target/classes or target/forestwatch-local-stack-*.jar -> local-stack/emulators/node_modules
            Path target = Path.of(source.getLocation().toURI()).getParent();
            Path module = target == null ? null : target.getParent();
            return module == null ? Optional.empty() : Optional.of(module.resolve("emulators").resolve("node_modules"));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> buildModulesDir() {
        Properties props = new Properties();
        try (InputStream in = Emulators.class.getResourceAsStream("emulators.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read emulators.properties", e);
        }
        String dir = props.getProperty("modules");
        return dir == null || dir.isBlank() || dir.startsWith("${") ? Optional.empty() : Optional.of(Path.of(dir));
    }
}
