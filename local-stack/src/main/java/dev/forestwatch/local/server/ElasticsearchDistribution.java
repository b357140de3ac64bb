package dev.forestwatch.local.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Elasticsearch distribution and a Java for it are. The build unpacks
 * {@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip} into
 * {@code local-stack/target/elasticsearch/elasticsearch-<version>} and writes the version and that path
 * into {@code elasticsearch.properties} (resource filtering).
 */
final class ElasticsearchDistribution {
    /** Overrides where the unpacked distribution (the directory holding {@code bin/elasticsearch}) is. */
    static final String HOME_PROPERTY = "forestwatch.elasticsearch.home";
    /** Overrides the Java that runs Elasticsearch. */
    static final String JAVA_HOME_PROPERTY = "forestwatch.elasticsearch.java.home";
    static final String BUILD_COMMAND = "mvn -B -q install -DskipTests -pl local-stack";
    /** ES 8.x needs Java 17 and does not start on 25. */
    static final int MIN_JAVA = 17;
    static final int MAX_JAVA = 24;
    private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");
    private static final Pattern SERVER_JAR = Pattern.compile("elasticsearch-(\\d+\\.\\d+\\.\\d+(?:-SNAPSHOT)?)\\.jar");
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private ElasticsearchDistribution() {
    }

    /** The distribution version the build unpacked, e.g. {@code 8.19.21}. */
    static String version() {
        return buildProperties().getProperty("version");
    }

    /**
     * The unpacked distribution: the {@value #HOME_PROPERTY} system property if set; else
     * {@code elasticsearch/elasticsearch-<version>} beside the directory or jar this class was loaded
     * from (both live in {@code local-stack/target}); else the path the build wrote.
     *
     * @throws IllegalStateException naming the build command if none holds {@code bin/elasticsearch}
     */
    static Path locateHome() {
        String explicit = System.getProperty(HOME_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path home = Path.of(explicit).toAbsolutePath().normalize();
            if (!isHome(home)) {
                throw new IllegalStateException(HOME_PROPERTY + "=" + explicit
                        + " holds no bin/elasticsearch. Build it with: " + BUILD_COMMAND);
            }
            return home;
        }
        List<Path> candidates = new ArrayList<>();
        besideCodeSource().ifPresent(candidates::add);
        candidates.add(Path.of(buildProperties().getProperty("home")));
        return candidates.stream()
                .filter(ElasticsearchDistribution::isHome)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("Elasticsearch " + version() + " not found at " + candidates
                                + ". Build it with: " + BUILD_COMMAND + " (or set -D" + HOME_PROPERTY
                                + "=<unpacked distribution>)"));
    }

    /** The version of the distribution in {@code home}, from its {@code lib/elasticsearch-<version>.jar}. */
    static String versionOf(Path home) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("lib"), "elasticsearch-*.jar")) {
            for (Path jar : jars) {
                Matcher m = SERVER_JAR.matcher(jar.getFileName().toString());
                if (m.matches()) {
                    return m.group(1);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "(unknown version)";
    }

    static boolean isHome(Path dir) {
        return Files.isRegularFile(dir.resolve("bin").resolve("elasticsearch"));
    }

    /**
     * The {@value #JAVA_HOME_PROPERTY} property if set; else this JVM's home if its version is one ES 8
     * runs on; else the newest such JDK under {@code /usr/lib/jvm}.
     */
    static Path javaHome() {
        String explicit = System.getProperty(JAVA_HOME_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        int current = Runtime.version().feature();
        if (current >= MIN_JAVA && current <= MAX_JAVA) {
            return Path.of(System.getProperty("java.home"));
        }
        Path best = null;
        int bestVersion = 0;
        if (Files.isDirectory(SYSTEM_JVMS)) {
            try (DirectoryStream<Path> jvms = Files.newDirectoryStream(SYSTEM_JVMS)) {
                for (Path jvm : jvms) {
                    int v = javaVersion(jvm);
                    if (v >= MIN_JAVA && v <= MAX_JAVA && v > bestVersion
                            && Files.isExecutable(jvm.resolve("bin").resolve("java"))) {
                        best = jvm.toRealPath();
                        bestVersion = v;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + SYSTEM_JVMS, e);
            }
        }
        if (best == null) {
            throw new IllegalStateException("Elasticsearch " + version() + " needs Java " + MIN_JAVA + " to " + MAX_JAVA
                    + "; this JVM is " + current + " and none was found in " + SYSTEM_JVMS + ". Set -D"
                    + JAVA_HOME_PROPERTY);
        }
        return best;
    }

    /** The feature version from a JDK's {@code release} file, or 0. */
    static int javaVersion(Path javaHome) {
        try {
            Matcher m = RELEASE_VERSION.matcher(Files.readString(javaHome.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<Path> besideCodeSource() {
        CodeSource source = ElasticsearchDistribution.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path classesOrJar = Path.of(source.getLocation().toURI());
            Path target = classesOrJar.getParent();
            return target == null
                    ? Optional.empty()
                    : Optional.of(target.resolve("elasticsearch").resolve("elasticsearch-" + version()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Properties buildProperties() {
        Properties props = new Properties();
        try (InputStream in = ElasticsearchDistribution.class.getResourceAsStream("elasticsearch.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "elasticsearch.properties missing from the classpath. Build with: " + BUILD_COMMAND);
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read elasticsearch.properties", e);
        }
        return props;
    }
}
