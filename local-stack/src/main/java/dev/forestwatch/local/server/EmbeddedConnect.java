package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import dev.forestwatch.local.Directories;
import dev.forestwatch.local.LoopbackHttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect distributed worker running inside this JVM, its REST API on 127.0.0.1, for the
 * integration tests and the one-command run. It creates its three storage topics (replication 1,
 * compacted) before starting, discovers plugins with {@code plugin.discovery=service_load} (so a plugin
 * without {@code META-INF/services} manifests is not found: STYLE §2), and converts with
 * {@code ByteArrayConverter} unless told otherwise.
 *
 * <pre>{@code
 * Path plugins = Files.createTempDirectory("plugins");
 * EmbeddedConnect.installPluginFromZip(Path.of("target/forestwatch-es-sink-0.1.0.zip"), plugins);
 * try (EmbeddedConnect connect = EmbeddedConnect.start(kafka.bootstrapServers(), plugins)) {
 *     connect.createOrUpdateConnector("es", Map.of("connector.class", "...", "tasks.max", "1"));
 *     connect.awaitConnectorRunning("es", 1, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Plugins are discovered once, at start: install them before {@link #start} (or before
 * {@link #restart()}). REST errors throw {@link HttpStatusException} with the status and body; only
 * 409 (the worker is rebalancing) is retried, for up to 30 s. A worker whose herder thread dies exits the JVM ({@code Exit.exit(1)}, as the
 * real worker does); this only happens on broken storage-topic settings, which this class gets right.
 */
public final class EmbeddedConnect extends ConnectCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedConnect.class);
    /**
     * Ready (REST answering, group joined) measured at ~2 s for the first worker of a JVM on 2 cores and
     * ~0.3 s for later ones (restarts); the default hybrid_warn discovery adds 4-5 s. Leave room for loaded CI.
     */
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    static final String DEFAULT_CONVERTER = ConnectWorkerSettings.DEFAULT_CONVERTER;

    private final Map<String, String> workerProps;
    private final Path pluginPath;
    private final Path tempWorkDir;
    private final Duration startupTimeout;
    private Connect<?> worker;
    private final CloseOnce closing = new CloseOnce();

    private EmbeddedConnect(Map<String, String> workerProps, String url, Path pluginPath, Path tempWorkDir,
            Duration startupTimeout) {
        super(url);
        this.workerProps = Map.copyOf(workerProps);
        this.pluginPath = pluginPath;
        this.tempWorkDir = tempWorkDir;
        this.startupTimeout = startupTimeout;
    }

    /**
     * Starts a worker against the brokers at {@code bootstrapServers}, with a new group and storage
     * topics, a free REST port, and {@code pluginPath} as its {@code plugin.path}; returns once the REST
     * API answers and the worker has joined its group.
     */
    public static EmbeddedConnect start(String bootstrapServers, Path pluginPath) {
        return builder(bootstrapServers).pluginPath(pluginPath).start();
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /**
     * Unpacks a Connect plugin archive, a zip whose only top-level entry is the plugin directory
     * (holding {@code lib/*.jar}, {@code manifest.json}, ...), into {@code pluginPath}, keeping its
     * structure, and returns the plugin directory. A plugin directory of the same name is replaced.
     *
     * @throws IllegalArgumentException if the zip has several top-level entries, entries escaping the
     *         plugin directory, or no jar at all
     */
    public static Path installPluginFromZip(Path zip, Path pluginPath) {
        return PluginArchive.install(zip, pluginPath);
    }

    /** The system property naming the plugin zip a connector module's build made (its failsafe config sets it). */
    public static final String PLUGIN_ZIP_PROPERTY = "forestwatch.plugin.zip";

    /**
     * Installs the zip named by {@value #PLUGIN_ZIP_PROPERTY} into a new temporary plugin path and returns that
     * path, for {@link Builder#pluginPath}: the connector under test, installed as users install it.
     */
    public static Path installBuiltPlugin() {
        String zip = System.getProperty(PLUGIN_ZIP_PROPERTY);
        if (zip == null || !java.nio.file.Files.isRegularFile(Path.of(zip))) {
            throw new IllegalStateException("The plugin zip " + zip + " (-D" + PLUGIN_ZIP_PROPERTY + ") is missing: "
                    + "`mvn package` in the connector's module builds it");
        }
        Path plugins = Directories.createTempDir("fw-plugins-");
        installPluginFromZip(Path.of(zip), plugins);
        return plugins;
    }

    /** The directory given to the worker as {@code plugin.path}. */
    public Path pluginPath() {
        return pluginPath;
    }

    /** The worker's {@code group.id}; its storage topics are named after it unless overridden. */
    public String groupId() {
        return workerProps.get("group.id");
    }

    /** The properties the worker was started with, defaults and overrides merged. */
    public Map<String, String> workerProperties() {
        return workerProps;
    }

    /**
     * Stops the worker and starts a new one in its place: same group, storage topics and REST port (so
     * the same worker id), same plugins (discovered again, so newly installed ones appear). Connectors
     * resume from the config topic and source tasks from their committed offsets.
     */
    public synchronized void restart() {
        closing.checkOpen("EmbeddedConnect at " + url);
        stop();
        worker = startWorker(workerProps, url, rest, startupTimeout);
    }

    /** Stops the worker gracefully (tasks stopped, offsets committed) and waits for it; idempotent. */
    public synchronized void stop() {
        if (worker == null) {
            return;
        }
        Connect<?> stopping = worker;
        worker = null;
        long started = System.nanoTime();
        stopping.stop();
        stopping.awaitStop();
        log.info("Embedded Connect worker at {} stopped in {} ms", url, Await.millisSince(started));
    }

    /** {@link #stop()}, then deletes the work dir if this instance created it; idempotent. */
    @Override
    public synchronized void close() {
        closing.close(this::stop, () -> {
            if (tempWorkDir != null) {
                Directories.deleteRecursively(tempWorkDir);
            }
        });
    }

    @Override
    public String toString() {
        return "EmbeddedConnect[" + url + ", group " + groupId() + ", plugins " + pluginPath + "]";
    }

    /** Options beyond {@link #start(String, Path)}: worker properties, a work dir, a fixed port or group. */
    public static final class Builder {
        private final String bootstrapServers;
        private Path pluginPath;
        private Path workDir;
        private int port;
        private String groupId;
        private final Map<String, String> workerProperties = new HashMap<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers);
        }

        /** The worker's {@code plugin.path}; defaults to {@code <workDir>/plugins}. */
        public Builder pluginPath(Path pluginPath) {
            this.pluginPath = Objects.requireNonNull(pluginPath);
            return this;
        }

        /**
         * A directory for the worker's files, created if missing and kept on close. A distributed worker
         * keeps its state in Kafka, so this only holds the default {@code plugin.path},
         * {@code <workDir>/plugins}. Without one (and without a plugin path) a temporary directory is
         * used and deleted on close.
         */
        public Builder workDir(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir);
            return this;
        }

        /** A fixed REST port; 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = LoopbackHttpServer.checkPort(port);
            return this;
        }

        /**
         * The worker's {@code group.id}, which also names the storage topics; defaults to a new unique
         * one. Reuse a group id (with the same broker data) to find the connectors of an earlier run.
         */
        public Builder groupId(String groupId) {
            this.groupId = Objects.requireNonNull(groupId);
            return this;
        }

        /** A worker property that overrides the defaults (e.g. {@code value.converter}). */
        public Builder workerProperty(String key, String value) {
            workerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder workerProperties(Map<String, String> properties) {
            properties.forEach(this::workerProperty);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout);
            return this;
        }

        public EmbeddedConnect start() {
            Path tempWorkDir = null;
            Path plugins = pluginPath;
            if (plugins == null) {
                Path dir = workDir;
                if (dir == null) {
                    tempWorkDir = Directories.createTempDir("embedded-connect-");
                    dir = tempWorkDir;
                }
                plugins = dir.resolve("plugins");
            } else if (workDir != null) {
                Directories.createDirs(workDir);
            }
            plugins = Directories.createDirs(plugins.toAbsolutePath());
            String group = groupId != null
                    ? groupId
                    : "embedded-connect-" + UUID.randomUUID().toString().substring(0, 8);
            try {
                return startOnFreePort(plugins, group, tempWorkDir);
            } catch (RuntimeException e) {
                if (tempWorkDir != null) {
                    Directories.deleteRecursively(tempWorkDir);
                }
                throw e;
            }
        }

        private EmbeddedConnect startOnFreePort(Path plugins, String group, Path tempWorkDir) {
            return PortRetry.start("Connect", PortRetry.ATTEMPTS, attempt -> {
                int restPort = port != 0 ? port : FreePort.pick();
                Map<String, String> props = ConnectWorkerSettings.loopback(bootstrapServers, group, restPort, plugins);
                props.putAll(workerProperties);
                if (attempt == 1) {
                    ConnectWorkerSettings.createStorageTopics(props, ADMIN_TIMEOUT);
                }
                String url = "http://127.0.0.1:" + restPort;
                EmbeddedConnect connect = new EmbeddedConnect(props, url, plugins, tempWorkDir, startupTimeout);
                connect.worker = startWorker(props, url, connect.rest, startupTimeout);
                return connect;
            }, e -> port == 0 && FreePort.causedByBindFailure(e));
        }

    }

    private static Connect<?> startWorker(Map<String, String> props, String url, ConnectRestClient rest,
            Duration timeout) {
        long started = System.nanoTime();
        Thread thread = Thread.currentThread();
        ClassLoader callerLoader = thread.getContextClassLoader();
        Connect<?> worker;
        try {
            worker = new ConnectDistributed().startConnect(props);
        } finally {
            // startConnect leaves the plugins' DelegatingClassLoader as this thread's context loader.
            thread.setContextClassLoader(callerLoader);
        }
        try {
            awaitReady(worker, url, rest, timeout);
        } catch (RuntimeException e) {
            worker.stop();
            worker.awaitStop();
            throw e;
        }
        log.info("Embedded Connect worker (group {}) ready at {} after {} ms",
                props.get("group.id"), url, Await.millisSince(started));
        return worker;
    }

    /**
     * GET / answers as soon as Jetty is up; /health only once the herder has joined the group and read
     * the config topic, after which writes no longer meet "worker is starting" conflicts.
     */
    private static void awaitReady(Connect<?> worker, String url, ConnectRestClient rest, Duration timeout) {
        Await.until("Connect worker at " + url + " to be ready", timeout, () -> {
            if (worker.herderTask() != null && worker.herderTask().isDone()) {
                throw new IllegalStateException("Connect worker at " + url + " stopped while starting");
            }
            try {
                return rest.probe("/", PROBE_TIMEOUT).ok()
                        && rest.probe("/health", PROBE_TIMEOUT).ok()
                        && rest.probe("/connector-plugins", PROBE_TIMEOUT).ok();
            } catch (IOException e) {
                return false;
            }
        });
    }
}
