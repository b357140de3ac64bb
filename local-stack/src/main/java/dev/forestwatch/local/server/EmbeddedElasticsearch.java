package dev.forestwatch.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.local.Await;
import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** SIGTERM stops ES in ~1-2 s; it gets this long before SIGKILL. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
    /** Shorter than {@link #GRACEFUL_STOP}: the JVM is exiting. */
    private static final Duration HOOK_GRACEFUL_STOP = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final String READY_PATH = "/_cluster/health?wait_for_status=yellow&timeout=1s";
    private static final Pattern BIND_FAILURE = Pattern
            .compile("BindHttpException|BindTransportException|Address already in use");

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
    /** Where the current start attempt's output begins in the log, to tell a bind failure from other ones. */
    private long attemptLogOffset;
    private final CloseOnce closing = new CloseOnce();

    private EmbeddedElasticsearch(EmbeddedElasticsearchBuilder b, Path home, Path javaHome, boolean dropPrivileges,
            Path workDir,
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

    public static EmbeddedElasticsearchBuilder builder() {
        return new EmbeddedElasticsearchBuilder();
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
        closing.checkOpen("EmbeddedElasticsearch at " + url);
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
                Await.millisSince(started));
    }

    /** {@link #stop()}, then deletes the work dir (config, logs, temp, and the data if temporary); idempotent. */
    @Override
    public synchronized void close() {
        closing.close(this::stop, () -> {
            Directories.deleteRecursively(workDir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is exiting; the hook runs anyway and finds nothing to do.
            }
        });
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

    /**
     * A new instance on a prepared work dir, launched; closed again if it does not start. Called by the builder,
     * which locates the distribution and prepares the directories.
     */
    static EmbeddedElasticsearch launch(EmbeddedElasticsearchBuilder b, Path home, Path javaHome,
            boolean dropPrivileges, Path workDir, Path dataDir) {
        EmbeddedElasticsearch es = new EmbeddedElasticsearch(b, home, javaHome, dropPrivileges, workDir, dataDir);
        Runtime.getRuntime().addShutdownHook(es.shutdownHook);
        try {
            es.launch(b.httpPort == 0);
        } catch (RuntimeException e) {
            es.close();
            throw e;
        }
        return es;
    }

    /**
     * Starts the process and waits until it serves. With {@code pickPorts}, picks free ports, and
     * retries on new ones if ES could not bind them (another process took one in the meantime).
     */
    private void launch(boolean pickPorts) {
        PortRetry.start(distribution.displayName, pickPorts ? PortRetry.ATTEMPTS : 1, attempt -> {
            if (pickPorts) {
                httpPort = FreePort.pick();
                transportPort = FreePort.pick();
            } else if (transportPort == 0) {
                transportPort = FreePort.pick(); // a fixed HTTP port given to the builder
            }
            url = "http://127.0.0.1:" + httpPort;
            rest = new ElasticsearchRestClient(url);
            attemptLogOffset = ProcessTree.size(logFile);
            long started = System.nanoTime();
            Process p = spawn();
            process = p;
            try {
                awaitReady(p, attemptLogOffset);
            } catch (RuntimeException e) {
                process = null;
                ProcessTree.kill(distribution.displayName, p, Duration.ZERO);
                throw e;
            }
            log.info("Embedded {} {} ready at {} after {} ms (pid {}, log {})", distribution.displayName, version(),
                    url, Await.millisSince(started), p.pid(), logFile);
            return p;
        }, e -> BIND_FAILURE.matcher(ProcessTree.since(logFile, attemptLogOffset)).find());
    }

    private Process spawn() {
        List<String> command = distribution.command(Unprivileged.commandPrefix(dropPrivileges), home, httpPort,
                transportPort, dataDir, logsDir, settings);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        distribution.environment(builder.environment(), javaHome, heap, configDir, tmpDir);
        return Spawner.start(builder, distribution.displayName);
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
            Directories.deleteRecursively(workDir);
        } catch (RuntimeException e) {
            System.err.println("Stopping " + distribution.displayName + " (pid " + p.pid() + ") on exit failed: " + e);
        }
    }
}
