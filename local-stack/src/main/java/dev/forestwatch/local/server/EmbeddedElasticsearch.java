package dev.forestwatch.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.local.Await;
import dev.forestwatch.local.Files2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch 8 or OpenSearch 2 (the {@code integ-test-zip} distributions that the build
 * unpacks, see {@link ElasticsearchDistribution}) running as a child process on 127.0.0.1, security off, for the
 * integration tests and the one-command run.
 *
 * <pre>{@code
 * try (EmbeddedElasticsearch es = EmbeddedElasticsearch.start(ElasticsearchDistribution.OPENSEARCH)) {
 *     es.bulk("{\"index\":{\"_index\":\"readings\"}}\n{\"value\":1}\n");
 *     es.refresh("readings");
 *     long n = es.count("readings");
 * }
 * }</pre>
 *
 * <p>Both refuse to run as root. When this JVM is root (as CI is), the work and data directories are chowned to
 * uid/gid 65534 and the server runs under {@code setpriv --reuid=65534 --regid=65534 --clear-groups}. Each instance
 * has its own config copy, logs and temp dirs in a temporary work dir, so instances share nothing but the read-only
 * distribution. The server is stopped by {@link #stop()}/{@link #close()}, by a shutdown hook, and, if this JVM is
 * SIGKILLed, by {@code setpriv --pdeathsig=SIGTERM}. It needs Java 17 to 24: this JVM's if it is one, else one from
 * {@code /usr/lib/jvm} ({@value ElasticsearchDistribution#JAVA_HOME_PROPERTY} overrides).
 *
 * <p>The Elasticsearch integ-test zip is minimal: {@code GET /} answers 405, and there is no painless and no
 * whitespace tokenizer; bulk, search, the usual aggregations and data streams work. The OpenSearch one has the full
 * module set but no security plugin.
 */
public final class EmbeddedElasticsearch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearch.class);
    /** Cold start measured at ~16-24 s on 2 cores; a loaded CI machine can take several times that. */
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    static final String DEFAULT_HEAP = "512m";
    /** SIGTERM stops ES in ~1-2 s; it gets this long before SIGKILL. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
    /** Shorter than {@link #GRACEFUL_STOP}: the JVM is exiting. */
    private static final Duration HOOK_GRACEFUL_STOP = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final String READY_PATH = "/_cluster/health?wait_for_status=yellow&timeout=1s";
    private static final int START_ATTEMPTS = 3;
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");
    private static final Pattern BIND_FAILURE = Pattern
            .compile("BindHttpException|BindTransportException|Address already in use");

    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embedded-elasticsearch-spawner");
        t.setDaemon(true);
        return t;
    });

    private final ElasticsearchDistribution distribution;
    private final Path home;
    private final Path javaHome;
    private final boolean dropPrivileges;
    private final Path workDir;
    private final Path configDir;
    private final Path logsDir;
    private final Path tmpDir;
    private final Path dataDir;
    private final Path logFile;
    private final String heap;
    private final Duration startupTimeout;
    private final Map<String, String> settings;
    private final Thread shutdownHook;
    // Set by the starting thread, read by any (REST helpers): volatile.
    private volatile int httpPort;
    private volatile int transportPort;
    private volatile String url;
    private volatile ElasticsearchRestClient rest;
    /** The launcher (bin/elasticsearch, which execs the CLI JVM); the server JVM is its child. */
    private volatile Process process;
    private boolean closed;

    private EmbeddedElasticsearch(Builder b, Path home, Path javaHome, boolean dropPrivileges, Path workDir,
            Path dataDir) {
        this.distribution = b.distribution;
        this.home = home;
        this.javaHome = javaHome;
        this.dropPrivileges = dropPrivileges;
        this.workDir = workDir;
        this.configDir = workDir.resolve("config");
        this.logsDir = workDir.resolve("logs");
        this.tmpDir = workDir.resolve("tmp");
        this.dataDir = dataDir;
        this.logFile = logsDir.resolve("console.log");
        this.heap = b.heap;
        this.startupTimeout = b.startupTimeout;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
        this.httpPort = b.httpPort;
        this.shutdownHook = new Thread(this::killOnExit, "embedded-elasticsearch-shutdown");
    }

    /** Starts ES on a free port with its data in a temporary directory, deleted on {@link #close()}. */
    public static EmbeddedElasticsearch start() {
        return builder().start();
    }

    /** Starts the given distribution as {@link #start()} does. */
    public static EmbeddedElasticsearch start(ElasticsearchDistribution distribution) {
        return builder().distribution(distribution).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return url;
    }

    public int httpPort() {
        return httpPort;
    }

    /** ES's stdout and stderr (its log output, and JVM errors before logging is up), across restarts. */
    public Path logFile() {
        return logFile;
    }

    /** {@code path.data}; kept on {@link #close()} only if it was given to the builder. */
    public Path dataDir() {
        return dataDir;
    }

    /** The distribution this instance runs (read-only; shared by all instances). */
    public Path home() {
        return home;
    }

    /** The version of the distribution, e.g. {@code 8.19.21}. */
    public String version() {
        return distribution.versionOf(home);
    }

    public ElasticsearchDistribution distribution() {
        return distribution;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** GET {@code path} (e.g. {@code /readings/_search}) as JSON. Non-2xx answers throw {@link HttpStatusException}. */
    public JsonNode get(String path) {
        return rest().call("GET", path, null, null);
    }

    /** POST a JSON body ({@code null} for none), e.g. a search. */
    public JsonNode post(String path, String json) {
        return rest().call("POST", path, ElasticsearchRestClient.JSON_TYPE, json);
    }

    /** PUT a JSON body, e.g. an index with its mappings. */
    public JsonNode put(String path, String json) {
        return rest().call("PUT", path, ElasticsearchRestClient.JSON_TYPE, json);
    }

    public JsonNode delete(String path) {
        return rest().call("DELETE", path, null, null);
    }

    /**
     * POST /_bulk with {@code Content-Type: application/x-ndjson}; {@code ndjson} must end with a
     * newline. Returns the answer as is: check {@code errors} (a 200 can hold failed items).
     */
    public JsonNode bulk(String ndjson) {
        return rest().call("POST", "/_bulk", ElasticsearchRestClient.NDJSON_TYPE, ndjson);
    }

    /** Makes everything indexed so far in {@code index} visible to search. */
    public void refresh(String index) {
        post("/" + index + "/_refresh", null);
    }

    /** The number of documents in {@code index} as search sees them (refresh first). */
    public long count(String index) {
        return get("/" + index + "/_count").path("count").asLong();
    }

    /**
     * Starts ES again after {@link #stop()} (or stops and starts it if running) on the same data dir,
     * HTTP and transport ports; returns once the cluster is yellow, i.e. every primary shard is active.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("EmbeddedElasticsearch at " + url + " is closed");
        }
        stop();
        launch(false);
    }

    /**
     * SIGTERM to the launcher and the server JVM, SIGKILL to whatever is left after 30 s; returns once
     * no process of this instance remains. Idempotent.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        long started = System.nanoTime();
        ProcessTree.kill(distribution.displayName, p, GRACEFUL_STOP);
        log.info("Embedded {} at {} stopped in {} ms", distribution.displayName, url,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** {@link #stop()}, then deletes the work dir (config, logs, temp, and the data if temporary); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            Files2.deleteRecursively(workDir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is exiting; the hook runs anyway and finds nothing to do.
            }
        }
    }

    @Override
    public String toString() {
        return "Embedded" + distribution.displayName + "[" + url + ", data " + dataDir + "]";
    }

    /** The launcher and its descendants (the server JVM) while running; empty when stopped. */
    synchronized List<ProcessHandle> processes() {
        Process p = process;
        if (p == null) {
            return List.of();
        }
        return Stream.concat(Stream.of(p.toHandle()), p.descendants()).collect(Collectors.toList());
    }

    /** The config dir given as {@code ES_PATH_CONF}; it appears on both JVMs' command lines. */
    Path configDir() {
        return configDir;
    }

    private ElasticsearchRestClient rest() {
        ElasticsearchRestClient client = rest;
        if (client == null) {
            throw new IllegalStateException("EmbeddedElasticsearch has not started");
        }
        return client;
    }

    /** Options beyond {@link #start()}: the distribution, a fixed port, a data dir, the heap, extra settings. */
    public static final class Builder {
        private ElasticsearchDistribution distribution = ElasticsearchDistribution.ELASTICSEARCH;
        private int httpPort;
        private Path dataDir;
        private String heap = DEFAULT_HEAP;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Path home;
        private Path javaHome;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /** Elasticsearch (the default) or OpenSearch. */
        public Builder distribution(ElasticsearchDistribution distribution) {
            this.distribution = Objects.requireNonNull(distribution);
            return this;
        }

        /** A fixed HTTP port (e.g. 9200); 0, the default, picks a free one. */
        public Builder httpPort(int httpPort) {
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException("Bad port " + httpPort);
            }
            this.httpPort = httpPort;
            return this;
        }

        /**
         * Keep the data in this directory (created if missing, kept on close) instead of a temporary one.
         * When running as root it is chowned to 65534:65534, and uid 65534 must be able to reach it.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir).toAbsolutePath().normalize();
            return this;
        }

        /** Heap size, both -Xms and -Xmx, e.g. {@code 512m} (the default) or {@code 1g}. */
        public Builder heap(String heap) {
            if (!HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("Bad heap size '" + heap + "', expected e.g. 512m or 1g");
            }
            this.heap = heap;
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout);
            return this;
        }

        /** Another unpacked distribution instead of the one the build unpacked. */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home).toAbsolutePath().normalize();
            return this;
        }

        /** The Java that runs ES (17 to 24 for ES 8). */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome);
            return this;
        }

        /** An extra {@code -E key=value} setting; may override the defaults (but not the ports and paths). */
        public Builder setting(String key, String value) {
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
            Path work = Files2.createTempDir("embedded-" + distribution.id + "-");
            try {
                Path data = dataDir != null ? Files2.createDirs(dataDir) : Files2.createDirs(work.resolve("data"));
                copyConfig(installed.resolve("config"), work.resolve("config"), work.resolve("logs"));
                Files2.createDirs(work.resolve("logs"));
                Files2.createDirs(work.resolve("tmp"));
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
                EmbeddedElasticsearch es = new EmbeddedElasticsearch(this, installed, java, root, work, data);
                Runtime.getRuntime().addShutdownHook(es.shutdownHook);
                try {
                    es.launch(httpPort == 0);
                } catch (RuntimeException e) {
                    es.close();
                    throw e;
                }
                return es;
            } catch (RuntimeException e) {
                Files2.deleteRecursively(work);
                throw e;
            }
        }
    }

    /**
     * Starts the process and waits until it serves. With {@code pickPorts}, picks free ports, and
     * retries on new ones if ES could not bind them (another process took one in the meantime).
     */
    private void launch(boolean pickPorts) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= (pickPorts ? START_ATTEMPTS : 1); attempt++) {
            if (pickPorts) {
                httpPort = FreePort.pick();
                transportPort = FreePort.pick();
            } else if (transportPort == 0) {
                transportPort = FreePort.pick(); // a fixed HTTP port given to the builder
            }
            url = "http://127.0.0.1:" + httpPort;
            rest = new ElasticsearchRestClient(url);
            long logOffset = ProcessTree.size(logFile);
            long started = System.nanoTime();
            Process p = spawn();
            process = p;
            try {
                awaitReady(p, logOffset);
                log.info("Embedded {} {} ready at {} after {} ms (pid {}, log {})", distribution.displayName, version(),
                        url,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), p.pid(), logFile);
                return;
            } catch (RuntimeException e) {
                process = null;
                ProcessTree.kill(distribution.displayName, p, Duration.ZERO);
                last = e;
                if (!pickPorts || !BIND_FAILURE.matcher(ProcessTree.since(logFile, logOffset)).find()) {
                    break;
                }
                log.warn("Port taken while starting {} (attempt {}/{}), retrying on new ports",
                        distribution.displayName, attempt, START_ATTEMPTS);
            }
        }
        throw last;
    }

    private Process spawn() {
        List<String> command = command(distribution, Unprivileged.commandPrefix(dropPrivileges), home, httpPort,
                transportPort, dataDir, logsDir, settings);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        String prefix = distribution.envPrefix + "_";
        env.keySet().removeIf(k -> k.startsWith(prefix));
        env.put(prefix + "JAVA_HOME", javaHome.toString());
        env.put(prefix + "JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
        env.put(prefix + "PATH_CONF", configDir.toString());
        env.put(prefix + "TMPDIR", tmpDir.toString());
        try {
            // --pdeathsig fires when the spawning *thread* exits, so spawn from one that lives as long as the JVM.
            return SPAWNER.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", command),
                    e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting " + distribution.displayName, e);
        }
    }

    /** The launcher command line: {@code [setpriv ...] bin/elasticsearch -E...} (or {@code bin/opensearch}). */
    static List<String> command(ElasticsearchDistribution distribution, List<String> prefix, Path home, int httpPort,
            int transportPort, Path dataDir, Path logsDir, Map<String, String> extraSettings) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("discovery.type", "single-node");
        s.putAll(distribution.securityOff);
        s.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        s.putAll(extraSettings);
        s.put("network.host", "127.0.0.1");
        s.put("http.port", Integer.toString(httpPort));
        s.put("transport.port", Integer.toString(transportPort));
        s.put("path.data", dataDir.toString());
        s.put("path.logs", logsDir.toString());
        List<String> command = new ArrayList<>(prefix);
        command.add(distribution.launcher(home).toString());
        s.forEach((k, v) -> command.add("-E" + k + "=" + v));
        return command;
    }

    /** Polls cluster health; fails at once, with the log's tail, if the process exits. */
    private void awaitReady(Process p, long logOffset) {
        try {
            Await.until(distribution.displayName + " at " + url + " to be ready", startupTimeout, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(distribution.displayName + " exited with code " + p.exitValue()
                            + " while starting; " + ProcessTree.tail(logFile, logOffset));
                }
                try {
                    return rest.probe(READY_PATH, PROBE_TIMEOUT).status() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        } catch (IllegalStateException e) {
            if (e.getMessage().startsWith("Timed out")) {
                throw new IllegalStateException(e.getMessage() + "; " + ProcessTree.tail(logFile, logOffset), e);
            }
            throw e;
        }
    }

    /** The shutdown hook: stops ES if the JVM exits without {@link #close()}. No lock: a start may hold it. */
    private void killOnExit() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            ProcessTree.kill(distribution.displayName, p, HOOK_GRACEFUL_STOP);
            Files2.deleteRecursively(workDir);
        } catch (RuntimeException e) {
            System.err.println("Stopping " + distribution.displayName + " (pid " + p.pid() + ") on exit failed: " + e);
        }
    }

    /**
     * Copies the distribution's config. OpenSearch's jvm.options names logs/gc.log relative to the distribution,
     * where the unprivileged user cannot write: those paths are pointed at this instance's logs.
     */
    private static void copyConfig(Path from, Path to, Path logs) {
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
}
