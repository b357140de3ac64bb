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
 * The local stack's packages import one way only (README, "How the code is laid out"): read from the sources, every
 * package's uses of the others' classes, then no package reaches itself again.
 */
class PackageCyclesTest {
    private static final String BASE = "dev.forestwatch.local";
    private static final Path SOURCES = Path.of("src/main/java/dev/forestwatch/local");
    /** A class of ours named in code or in an import: the package part ends before the capitalized class name. */
    private static final Pattern USE = Pattern.compile("\\bdev\\.forestwatch\\.local((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    @Test
    void noPackageImportsItselfThroughOthers() throws IOException {
        Map<String, Set<String>> uses = packageUses();
        assertThat(uses).containsKeys("", "server", "pipeline", "generator", "firehose", "dashboard", "bench", "check");
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            reachableFrom(start, uses).stream().filter(p -> reachableFrom(p, uses).contains(start))
                    .forEach(p -> cycles.add(name(start) + " <-> " + name(p)));
        }
        assertThat(cycles).as("package cycles; uses: %s", uses).isEmpty();
    }

    @Test
    void theRootPackageUsesNoneOfTheOthers() throws IOException {
        assertThat(packageUses().get("")).isEmpty();
    }

    /** Package (relative to dev.forestwatch.local, "" for the root) -> the other packages its code names. */
    private static Map<String, Set<String>> packageUses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue; // a {@link} in a comment is no dependency
                    }
                    Matcher m = USE.matcher(code);
                    while (m.find()) {
                        String other = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                        if (!other.equals(pkg)) {
                            used.add(other);
                        }
                    }
                }
            }
        }
        return uses;
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

    private static String name(String pkg) {
        return pkg.isEmpty() ? BASE : BASE + "." + pkg;
    }
}
