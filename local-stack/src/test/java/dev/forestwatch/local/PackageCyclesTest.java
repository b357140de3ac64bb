package dev.forestwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every module's packages import one way only (README, "How the code is laid out"): read from the sources, every
 * package's uses of the others' classes, then no package reaches itself again. The test runs in local-stack and reads
 * the other modules' sources too (it needs none of their classes).
 */
class PackageCyclesTest {
    private static final Path REPO = Path.of("..");
    private static final Path LOCAL = REPO.resolve("local-stack/src/main/java/dev/forestwatch/local");
    private static final Path STREAMS = REPO.resolve("streams-app/src/main/java/dev/forestwatch/streams");

    @Test
    void noPackageImportsItselfThroughOthers() throws IOException {
        Map<String, Set<String>> uses = packageUses("dev.forestwatch.local", List.of(LOCAL));
        assertThat(uses).containsKeys("", "server", "pipeline", "generator", "firehose", "dashboard", "bench", "check");
        assertThat(cycles("dev.forestwatch.local", uses)).as("package cycles; uses: %s", uses).isEmpty();
    }

    @Test
    void theRootPackageUsesNoneOfTheOthers() throws IOException {
        assertThat(packageUses("dev.forestwatch.local", List.of(LOCAL)).get("")).isEmpty();
    }

    @Test
    void theStreamsAppsPackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> uses = packageUses("dev.forestwatch.streams", List.of(STREAMS));
        assertThat(uses).containsKeys("config", "score", "output", "processor", "order", "topology");
        assertThat(cycles("dev.forestwatch.streams", uses)).as("package cycles; uses: %s", uses).isEmpty();
    }

    @Test
    void theConnectorsPackagesHaveNoCycle() throws IOException {
        List<Path> roots;
        try (Stream<Path> modules = Files.list(REPO.resolve("connectors"))) {
            roots = modules.map(m -> m.resolve("src/main/java/dev/forestwatch/connect")).filter(Files::isDirectory)
                    .toList();
        }
        Map<String, Set<String>> uses = packageUses("dev.forestwatch.connect", roots);
        assertThat(uses).containsKeys("common", "kinesis", "kinesis.kcl", "elasticsearch", "firehose");
        assertThat(cycles("dev.forestwatch.connect", uses)).as("package cycles; uses: %s", uses).isEmpty();
    }

    private static List<String> cycles(String base, Map<String, Set<String>> uses) {
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            reachableFrom(start, uses).stream().filter(p -> reachableFrom(p, uses).contains(start))
                    .forEach(p -> cycles.add(name(base, start) + " <-> " + name(base, p)));
        }
        return cycles;
    }

    /** Package (relative to {@code base}, "" for the root) -> the other packages its code names. */
    private static Map<String, Set<String>> packageUses(String base, List<Path> sourceRoots) throws IOException {
        // a class of ours named in code or in an import: the package part ends before the capitalized class name
        Pattern use = Pattern.compile("\\b" + Pattern.quote(base) + "((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path root : sourceRoots) {
            addUses(root, use, uses);
        }
        return uses;
    }

    private static void addUses(Path sources, Pattern use, Map<String, Set<String>> uses) throws IOException {
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = sources.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue; // a {@link} in a comment is no dependency
                    }
                    Matcher m = use.matcher(code);
                    while (m.find()) {
                        String other = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                        if (!other.equals(pkg)) {
                            used.add(other);
                        }
                    }
                }
            }
        }
    }

    private static Set<String> reachableFrom(String start, Map<String, Set<String>> uses) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(uses.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (seen.add(next)) {
                todo.addAll(uses.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    private static String name(String base, String pkg) {
        return pkg.isEmpty() ? base : base + "." + pkg;
    }
}
