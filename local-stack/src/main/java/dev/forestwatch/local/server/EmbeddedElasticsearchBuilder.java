package dev.forestwatch.local.server;

import dev.forestwatch.local.Directories;
import dev.forestwatch.local.LoopbackHttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Options for {@link EmbeddedElasticsearch} beyond {@link EmbeddedElasticsearch#start()}: the distribution, a fixed
 * port, a data dir, the heap, extra settings.
 */
public final class EmbeddedElasticsearchBuilder {
    /** Cold start measured at ~16-24 s on 2 cores; a loaded CI machine can take several times that. */
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    static final String DEFAULT_HEAP = "512m";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearchBuilder.class);
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    // Read by EmbeddedElasticsearch's constructor.
    ElasticsearchDistribution distribution = ElasticsearchDistribution.ELASTICSEARCH;
    int httpPort;
    private Path dataDir;
    String heap = DEFAULT_HEAP;
    Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Path home;
    private Path javaHome;
    final Map<String, String> settings = new LinkedHashMap<>();

    EmbeddedElasticsearchBuilder() {
    }

    /** Elasticsearch (the default) or OpenSearch. */
    public EmbeddedElasticsearchBuilder distribution(ElasticsearchDistribution distribution) {
        this.distribution = Objects.requireNonNull(distribution);
        return this;
    }

    /** A fixed HTTP port (e.g. 9200); 0, the default, picks a free one. */
    public EmbeddedElasticsearchBuilder httpPort(int httpPort) {
        this.httpPort = LoopbackHttpServer.checkPort(httpPort);
        return this;
    }

    /**
     * Keep the data in this directory (created if missing, kept on close) instead of a temporary one.
     * When running as root it is chowned to 65534:65534, and uid 65534 must be able to reach it.
     */
    public EmbeddedElasticsearchBuilder dataDir(Path dataDir) {
        this.dataDir = Objects.requireNonNull(dataDir).toAbsolutePath().normalize();
        return this;
    }

    /** Heap size, both -Xms and -Xmx, e.g. {@code 512m} (the default) or {@code 1g}. */
    public EmbeddedElasticsearchBuilder heap(String heap) {
        if (!HEAP.matcher(heap).matches()) {
            throw new IllegalArgumentException("Bad heap size '" + heap + "', expected e.g. 512m or 1g");
        }
        this.heap = heap;
        return this;
    }

    public EmbeddedElasticsearchBuilder startupTimeout(Duration startupTimeout) {
        this.startupTimeout = Objects.requireNonNull(startupTimeout);
        return this;
    }

    /** Another unpacked distribution instead of the one the build unpacked. */
    public EmbeddedElasticsearchBuilder home(Path home) {
        this.home = Objects.requireNonNull(home).toAbsolutePath().normalize();
        return this;
    }

    /** The Java that runs ES (17 to 24 for ES 8). */
    public EmbeddedElasticsearchBuilder javaHome(Path javaHome) {
        this.javaHome = Objects.requireNonNull(javaHome);
        return this;
    }

    /** An extra {@code -E key=value} setting; may override the defaults (but not the ports and paths). */
    public EmbeddedElasticsearchBuilder setting(String key, String value) {
        settings.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
        return this;
    }

    /** Starts ES and returns once the cluster health is yellow or green. */
    public EmbeddedElasticsearch start() {
        Path installed = home != null ? home : distribution.locateHome();
        if (!distribution.isHome(installed)) {
            throw new IllegalArgumentException(installed + " holds no bin/" + distribution.id);
        }
        boolean root = Unprivileged.runningAsRoot();
        if (root && !Unprivileged.canReach(distribution.launcher(installed))) {
            Path copy = Unprivileged.worldReadableCopy(installed, "forestwatch-" + installed.getFileName());
            log.info("uid {} cannot read {}; using a copy in {}", Unprivileged.UID, installed, copy);
            installed = copy;
        }
        Path java = javaHome != null ? javaHome : ElasticsearchDistribution.javaHome();
        if (root && !Unprivileged.canReach(java.resolve("bin").resolve("java"))) {
            throw new IllegalStateException(
                    "uid " + Unprivileged.UID + " cannot run " + java.resolve("bin").resolve("java")
                            + "; choose a Java it can read with javaHome(...) or -D"
                            + ElasticsearchDistribution.JAVA_HOME_PROPERTY);
        }
        Path work = Directories.createTempDir("embedded-" + distribution.id + "-");
        try {
            Path data = dataDir != null
                    ? Directories.createDirs(dataDir)
                    : Directories.createDirs(work.resolve("data"));
            distribution.copyConfig(installed, work.resolve("config"), work.resolve("logs"));
            Directories.createDirs(work.resolve("logs"));
            Directories.createDirs(work.resolve("tmp"));
            if (root) {
                Unprivileged.chownRecursively(work);
                if (dataDir != null) {
                    Unprivileged.chownRecursively(data);
                    if (!Unprivileged.canReach(data)) {
                        throw new IllegalArgumentException(
                                "uid " + Unprivileged.UID
                                        + " (the server runs as it, as this JVM is root) cannot reach "
                                        + data + ": a parent directory is not searchable by others (chmod o+x) ");
                    }
                }
            }
            return EmbeddedElasticsearch.launch(this, installed, java, root, work, data);
        } catch (RuntimeException e) {
            Directories.deleteRecursively(work);
            throw e;
        }
    }
}
