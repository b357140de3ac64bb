package dev.forestwatch.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.local.Await;
import dev.forestwatch.local.Files2;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * A real single-node Elasticsearch 8 (the {@code integ-test-zip} distribution that the build unpacks,
 * see {@link ElasticsearchDistribution}) running as a child process on 127.0.0.1, security off, for the
 * integration tests and the one-command run.
 *
 * <pre>{@code
 * try (EmbeddedElasticsearch es = EmbeddedElasticsearch.start()) {
 *     es.bulk("{\"index\":{\"_index\":\"readings\"}}\n{\"value\":1}\n");
 *     es.refresh("readings");
 *     long n = es.count("readings");
 * }
 * }</pre>
 *
 * <p>Elasticsearch refuses to run as root. When this JVM is root (as CI is), the work and data
 * directories are chowned to uid/gid 65534 and ES runs under {@code setpriv --reuid=65534
 * --regid=65534 --clear-groups}; otherwise it runs as the current user. Each instance has its own
 * config copy ({@code ES_PATH_CONF}), logs and temp dirs in a temporary work dir, so instances don't
 * share anything but the read-only distribution. ES is stopped by {@link #stop()}/{@link #close()}, by a
 * shutdown hook, and, if this JVM is SIGKILLed, by {@code setpriv --pdeathsig=SIGTERM}. ES needs Java 17 to 24: this JVM's if it is one,
 * else one from {@code /usr/lib/jvm} ({@value ElasticsearchDistribution#JAVA_HOME_PROPERTY} overrides).
 *
 * <p>The integ-test zip is minimal: {@code GET /} answers 405, and there is no painless and no
 * whitespace tokenizer; bulk, search, the usual aggregations and data streams work.
 */
public final class EmbeddedElasticsearch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearch.class);
    /** Cold start measured at ~16-24 s on 2 cores; a loaded CI machine can take several times that. */
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    static final String DEFAULT_HEAP = "512m";
    /** SIGTERM stops ES in ~1-2 s; it gets this long before SIGKILL. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** Shorter than {@link #GRACEFUL_STOP}: the JVM is exiting. */
    private static final Duration HOOK_GRACEFUL_STOP = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final String READY_PATH = "/_cluster/health?wait_for_status=yellow&timeout=1s";
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");
    private static final Pattern BIND_FAILURE = Pattern
            .compile("BindHttpException|BindTransportException|Address already in use");

    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embedded-elasticsearch-spawner");
        t.setDaemon(true);
        return t;
    });

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
        return ElasticsearchDistribution.versionOf(home);
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
        killTree(p, GRACEFUL_STOP);
        log.info("Embedded Elasticsearch at {} stopped in {} ms", url,
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
        return "EmbeddedElasticsearch[" + url + ", data " + dataDir + "]";
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

    /** Options beyond {@link #start()}: a fixed port, a data dir, the heap, extra settings. */
    public static final class Builder {
        private int httpPort;
        private Path dataDir;
        private String heap = DEFAULT_HEAP;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Path home;
        private Path javaHome;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
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
            Path distribution = home != null ? home : ElasticsearchDistribution.locateHome();
            if (!ElasticsearchDistribution.isHome(distribution)) {
                throw new IllegalArgumentException(distribution + " holds no bin/elasticsearch");
            }
            boolean root = Unprivileged.runningAsRoot();
            if (root && !Unprivileged.canReach(distribution.resolve("bin").resolve("elasticsearch"))) {
                Path copy = Unprivileged.worldReadableCopy(distribution, "forestwatch-" + distribution.getFileName());
                log.info("uid {} cannot read {}; using a copy in {}", Unprivileged.UID, distribution, copy);
                distribution = copy;
            }
            Path java = javaHome != null ? javaHome : ElasticsearchDistribution.javaHome();
            if (root && !Unprivileged.canReach(java.resolve("bin").resolve("java"))) {
                throw new IllegalStateException(
                        "uid " + Unprivileged.UID + " cannot run " + java.resolve("bin").resolve("java")
                                + "; choose a Java it can read with javaHome(...) or -D"
                                + ElasticsearchDistribution.JAVA_HOME_PROPERTY);
            }
            Path work = Files2.createTempDir("embedded-elasticsearch-");
            try {
                Path data = dataDir != null ? Files2.createDirs(dataDir) : Files2.createDirs(work.resolve("data"));
                copyConfig(distribution.resolve("config"), work.resolve("config"));
                Files2.createDirs(work.resolve("logs"));
                Files2.createDirs(work.resolve("tmp"));
                if (root) {
                    Unprivileged.chownRecursively(work);
                    if (dataDir != null) {
                        Unprivileged.chownRecursively(data);
                        if (!Unprivileged.canReach(data)) {
                            throw new IllegalArgumentException(
                                    "uid " + Unprivileged.UID + " (ES runs as it, since this JVM is root) cannot reach "
                                            + data + ": a parent directory is not searchable by others (chmod o+x) ");
                        }
                    }
                }
                EmbeddedElasticsearch es = new EmbeddedElasticsearch(this, distribution, java, root, work, data);
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
            long logOffset = logSize();
            long started = System.nanoTime();
            Process p = spawn();
            process = p;
            try {
                awaitReady(p, logOffset);
                log.info("Embedded Elasticsearch {} ready at {} after {} ms (pid {}, log {})", version(), url,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), p.pid(), logFile);
                return;
            } catch (RuntimeException e) {
                process = null;
                killTree(p, Duration.ZERO);
                last = e;
                if (!pickPorts || !BIND_FAILURE.matcher(logSince(logOffset)).find()) {
                    break;
                }
                log.warn("Port taken while starting Elasticsearch (attempt {}/{}), retrying on new ports", attempt,
                        START_ATTEMPTS);
            }
        }
        throw last;
    }

    private Process spawn() {
        List<String> command = command(Unprivileged.commandPrefix(dropPrivileges),
                home, httpPort, transportPort, dataDir, logsDir, settings);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("ES_"));
        env.put("ES_JAVA_HOME", javaHome.toString());
        env.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
        env.put("ES_PATH_CONF", configDir.toString());
        env.put("ES_TMPDIR", tmpDir.toString());
        try {
            // --pdeathsig fires when the spawning *thread* exits, so spawn from one that lives as long as the JVM.
            return SPAWNER.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", command),
                    e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Elasticsearch", e);
        }
    }

    /** The launcher command line: {@code [setpriv ...] bin/elasticsearch -E...}. */
    static List<String> command(List<String> prefix, Path home, int httpPort, int transportPort, Path dataDir,
            Path logsDir,
            Map<String, String> extraSettings) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("discovery.type", "single-node");
        s.put("xpack.security.enabled", "false");
        s.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        s.putAll(extraSettings);
        s.put("network.host", "127.0.0.1");
        s.put("http.port", Integer.toString(httpPort));
        s.put("transport.port", Integer.toString(transportPort));
        s.put("path.data", dataDir.toString());
        s.put("path.logs", logsDir.toString());
        List<String> command = new ArrayList<>(prefix);
        command.add(home.resolve("bin").resolve("elasticsearch").toString());
        s.forEach((k, v) -> command.add("-E" + k + "=" + v));
        return command;
    }

    /** Polls cluster health; fails at once, with the log's tail, if the process exits. */
    private void awaitReady(Process p, long logOffset) {
        try {
            Await.until("Elasticsearch at " + url + " to be ready", startupTimeout, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            "Elasticsearch exited with code " + p.exitValue() + " while starting; "
                                    + logTail(logOffset));
                }
                try {
                    return rest.probe(READY_PATH, PROBE_TIMEOUT).status() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        } catch (IllegalStateException e) {
            if (e.getMessage().startsWith("Timed out")) {
                throw new IllegalStateException(e.getMessage() + "; " + logTail(logOffset), e);
            }
            throw e;
        }
    }

    /**
     * Signals the launcher and every descendant (the server JVM, which outlives a launcher killed
     * alone), waits up to {@code graceful}, then SIGKILLs what is left and waits for it.
     */
    private static void killTree(Process launcher, Duration graceful) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(launcher.toHandle());
        launcher.descendants().forEach(tree::add);
        if (!graceful.isZero()) {
            tree.forEach(ProcessHandle::destroy);
            if (awaitGone(tree, graceful)) {
                return;
            }
            log.warn("Elasticsearch did not stop within {}; killing it", graceful);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(tree, KILL_WAIT)) {
            throw new IllegalStateException("Elasticsearch processes survived SIGKILL: "
                    + tree.stream().filter(ProcessHandle::isAlive).map(h -> Long.toString(h.pid()))
                            .collect(Collectors.joining(", ")));
        }
    }

    private static boolean awaitGone(List<ProcessHandle> tree, Duration timeout) {
        try {
            Await.until("Elasticsearch processes to exit", timeout,
                    () -> tree.stream().noneMatch(ProcessHandle::isAlive));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The shutdown hook: stops ES if the JVM exits without {@link #close()}. No lock: a start may hold it. */
    private void killOnExit() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            killTree(p, HOOK_GRACEFUL_STOP);
            Files2.deleteRecursively(workDir);
        } catch (RuntimeException e) {
            System.err.println("Stopping Elasticsearch (pid " + p.pid() + ") on exit failed: " + e);
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What ES wrote since {@code offset} (this start attempt), at most the last 1 MiB of it. */
    private String logSince(long offset) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(offset, file.length() - (1 << 20));
            byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String logTail(long offset) {
        List<String> lines = logSince(offset).lines().collect(Collectors.toList());
        return "last lines of " + logFile + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static void copyConfig(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
        }
    }
}
