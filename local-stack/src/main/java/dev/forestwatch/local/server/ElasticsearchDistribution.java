package dev.forestwatch.local.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which server {@link EmbeddedElasticsearch} runs, where its distribution is, and a Java for it. The build unpacks
 * {@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip} into
 * {@code local-stack/target/elasticsearch/elasticsearch-<version>} and
 * {@code org.opensearch.distribution.integ-test-zip:opensearch:<version>:zip} into
 * {@code local-stack/target/opensearch/opensearch-<version>}, and writes versions and paths into
 * {@code elasticsearch.properties} (resource filtering). OpenSearch is Elasticsearch 7.10's fork: the same
 * launcher layout and settings under other names ({@code bin/opensearch}, {@code OPENSEARCH_*} variables), and no
 * x-pack setting (its integ-test zip has no security plugin).
 */
public enum ElasticsearchDistribution {
    ELASTICSEARCH("elasticsearch", "Elasticsearch", "ES",
            Map.of("xpack.security.enabled", "false")), OPENSEARCH("opensearch", "OpenSearch", "OPENSEARCH", Map.of());

    /** Overrides the Java that runs either server. */
    static final String JAVA_HOME_PROPERTY = "forestwatch.elasticsearch.java.home";
    static final String BUILD_COMMAND = "mvn -B -q install -DskipTests -pl local-stack";
    /** ES 8.x and OpenSearch 2.x need Java 17; ES 8 does not start on 25. */
    static final int MIN_JAVA = 17;
    static final int MAX_JAVA = 24;
    private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    /** The launcher's and server jar's name, and the prefix of the build's properties. */
    final String id;
    final String displayName;
    /** The launcher reads {@code <prefix>_JAVA_HOME}, {@code _JAVA_OPTS}, {@code _PATH_CONF}, {@code _TMPDIR}. */
    final String envPrefix;
    /** Settings that turn security off, where the distribution has it. */
    final Map<String, String> securityOff;
    private final Pattern serverJar;

    ElasticsearchDistribution(String id, String displayName, String envPrefix, Map<String, String> securityOff) {
        this.id = id;
        this.displayName = displayName;
        this.envPrefix = envPrefix;
        this.securityOff = securityOff;
        this.serverJar = Pattern.compile(id + "-(\\d+\\.\\d+\\.\\d+(?:-SNAPSHOT)?)\\.jar");
    }

    /** Overrides where the unpacked distribution (the directory holding {@code bin/<id>}) is. */
    String homeProperty() {
        return "forestwatch." + id + ".home";
    }

    /** The distribution version the build unpacked, e.g. {@code 8.19.21}. */
    public String version() {
        return buildProperties().getProperty(id + ".version");
    }

    /**
     * The unpacked distribution: the {@link #homeProperty()} system property if set; else {@code <id>/<id>-<version>}
     * beside the directory or jar this class was loaded from (both live in {@code local-stack/target}); else the path
     * the build wrote.
     *
     * @throws IllegalStateException naming the build command if none holds {@code bin/<id>}
     */
    Path locateHome() {
        String explicit = System.getProperty(homeProperty());
        if (explicit != null && !explicit.isBlank()) {
            Path home = Path.of(explicit).toAbsolutePath().normalize();
            if (!isHome(home)) {
                throw new IllegalStateException(homeProperty() + "=" + explicit + " holds no bin/" + id
                        + ". Build it with: " + BUILD_COMMAND);
            }
            return home;
        }
        List<Path> candidates = new ArrayList<>();
        besideCodeSource().ifPresent(candidates::add);
        candidates.add(Path.of(buildProperties().getProperty(id + ".home")));
        return candidates.stream().filter(this::isHome).findFirst()
                .orElseThrow(() -> new IllegalStateException(displayName + " " + version() + " not found at "
                        + candidates + ". Build it with: " + BUILD_COMMAND + " (or set -D" + homeProperty()
                        + "=<unpacked distribution>)"));
    }

    /** The version of the distribution in {@code home}, from its {@code lib/<id>-<version>.jar}. */
    String versionOf(Path home) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("lib"), id + "-*.jar")) {
            for (Path jar : jars) {
                Matcher m = serverJar.matcher(jar.getFileName().toString());
                if (m.matches()) {
                    return m.group(1);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "(unknown version)";
    }

    Path launcher(Path home) {
        return home.resolve("bin").resolve(id);
    }

    boolean isHome(Path dir) {
        return Files.isRegularFile(launcher(dir));
    }

    /** The launcher command line: {@code [setpriv ...] bin/elasticsearch -E...} (or {@code bin/opensearch}). */
    List<String> command(List<String> prefix, Path home, int httpPort,
            int transportPort, Path dataDir, Path logsDir, Map<String, String> extraSettings) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("discovery.type", "single-node");
        s.putAll(securityOff);
        s.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        s.putAll(extraSettings);
        s.put("network.host", "127.0.0.1");
        s.put("http.port", Integer.toString(httpPort));
        s.put("transport.port", Integer.toString(transportPort));
        s.put("path.data", dataDir.toString());
        s.put("path.logs", logsDir.toString());
        List<String> command = new ArrayList<>(prefix);
        command.add(launcher(home).toString());
        s.forEach((k, v) -> command.add("-E" + k + "=" + v));
        return command;
    }

    /** The launcher's environment: this distribution's variables only, set for this instance. */
    void environment(Map<String, String> env, Path javaHome, String heap, Path configDir, Path tmpDir) {
        String prefix = envPrefix + "_";
        env.keySet().removeIf(k -> k.startsWith(prefix));
        env.put(prefix + "JAVA_HOME", javaHome.toString());
        env.put(prefix + "JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
        env.put(prefix + "PATH_CONF", configDir.toString());
        env.put(prefix + "TMPDIR", tmpDir.toString());
    }

    /**
     * Copies the distribution's config. OpenSearch's jvm.options names logs/gc.log relative to the distribution,
     * where the unprivileged user cannot write: those paths are pointed at this instance's logs.
     */
    void copyConfig(Path home, Path to, Path logs) {
        Path from = home.resolve("config");
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Path jvmOptions = to.resolve("jvm.options");
            Files.writeString(jvmOptions,
                    Files.readString(jvmOptions).replace("HeapDumpPath=data", "HeapDumpPath=" + logs)
                            .replace("logs/", logs + "/"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
        }
    }

    /**
     * The {@value #JAVA_HOME_PROPERTY} property if set; else this JVM's home if its version is one both servers run
     * on; else the newest such JDK under {@code /usr/lib/jvm}.
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
            throw new IllegalStateException("Elasticsearch and OpenSearch need Java " + MIN_JAVA + " to " + MAX_JAVA
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

    private Optional<Path> besideCodeSource() {
        CodeSource source = ElasticsearchDistribution.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path target = Path.of(source.getLocation().toURI()).getParent();
            return target == null ? Optional.empty() : Optional.of(target.resolve(id).resolve(id + "-" + version()));
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
