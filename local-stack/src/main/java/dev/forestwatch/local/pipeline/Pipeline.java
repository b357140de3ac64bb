package dev.forestwatch.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.Files2;
import dev.forestwatch.local.Logging;
import dev.forestwatch.local.dashboard.Dashboard;
import dev.forestwatch.local.firehose.LocalFirehose;
import dev.forestwatch.local.generator.KinesisTarget;
import dev.forestwatch.local.generator.SensorSimulator;
import dev.forestwatch.local.server.ConnectCluster;
import dev.forestwatch.local.server.ConnectWorkerProcess;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedDynamo;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.EmbeddedKinesis;
import dev.forestwatch.local.server.FreePort;
import dev.forestwatch.local.server.JmxExporterAgent;
import dev.forestwatch.local.server.StreamsAppProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The seed's whole pipeline on one machine, no Docker, no AWS account ({@code ./forestwatch up}): the sensor
 * generator puts readings into the Kinesis stream {@code RawStreamData} (kinesis-local), the Kinesis source
 * connector brings them into Kafka (leases in dynalite), the streams app scores them, and the Elasticsearch sink
 * indexes them into {@code anomalydata}. Connectors are registered from the JSON files in {@code config/}, with
 * only the endpoints pointed at the local servers. Prints progress while starting, then a status line; on
 * Ctrl+C stops everything it started, upstream first.
 */
public final class Pipeline {
    public static final String STREAM = "RawStreamData";
    public static final String INPUT_TOPIC = "RawStreamData";
    public static final String OUTPUT_TOPIC = "DESTINATION_SQL_STREAM";
    static final String DEAD_LETTER_TOPIC = "forestwatch-dlq";
    static final String SINK_DEAD_LETTER_TOPIC = "elasticsearch-sink-dlq";
    static final String FIREHOSE_DEAD_LETTER_TOPIC = "firehose-sink-dlq";
    public static final String INDEX = "anomalydata";
    public static final List<String> PLUGINS = List.of("kinesis-source", "elasticsearch-sink", "firehose-sink");
    static final String BUILD_COMMAND = "mvn -B -q install -DskipTests";
    private static final Duration CONNECTOR_START = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile SensorSimulator generator;
    private volatile Thread generatorThread;
    private volatile PipelineStatus status;
    private volatile EmbeddedElasticsearch es;
    private volatile Dashboard dashboard;
    private volatile java.net.URI kinesisEndpoint;
    private volatile String bootstrapServers;
    private volatile ConnectWorkerProcess connect;
    private volatile StreamsAppProcess streams;
    private volatile List<String> streamsCommand;
    private volatile Path streamsLog;
    private volatile String streamsMetricsUrl;
    private volatile String connectMetricsUrl;
    private volatile int sourceTasks;
    private volatile int sinkTasks;
    private volatile int firehoseTasks;
    private volatile boolean restartingStreams;
    private volatile EmbeddedKafka kafka;
    private volatile LocalFirehose firehose;
    private volatile java.util.function.UnaryOperator<java.net.URI> sourceKinesisEndpoint = e -> e;
    private final Map<String, Map<String, String>> connectorOverrides = new java.util.concurrent.ConcurrentHashMap<>();

    /** What a run did: the last status figures and the exit code. */
    public record Summary(long generated, long anomaliesGenerated, PipelineStatus.Sample last, int exitCode) {
    }

    public Pipeline(PipelineOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(PipelineOptions.USAGE);
            return;
        }
        PipelineOptions options;
        try {
            options = PipelineOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + PipelineOptions.USAGE);
            System.exit(2);
            return;
        }
        Files2.createDirs(options.workDir());
        System.setProperty(Logging.LOG_FILE_PROPERTY, options.workDir().resolve("pipeline.log").toString());
        Logging.useBundledConfig(Logging.DEMO_CONFIG);
        Pipeline pipeline = new Pipeline(options, System.out, System.err);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.stop();
            try {
                finished.await(90, TimeUnit.SECONDS); // the main thread stops everything, in order
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pipeline-shutdown"));
        int exitCode;
        try {
            exitCode = pipeline.run().exitCode();
        } catch (RuntimeException e) {
            System.err.println("forestwatch: failed: " + e.getMessage());
            exitCode = 1;
        } finally {
            finished.countDown();
        }
        System.exit(exitCode);
    }

    /** Makes {@link #run()} stop everything and return; safe from any thread (the Ctrl+C hook). */
    public void stop() {
        stopRequested.countDown();
        SensorSimulator g = generator;
        if (g != null) {
            g.stop();
        }
    }

    /** The latest status figures, for the dashboard. */
    public Map<String, Object> health() {
        PipelineStatus s = status;
        return s == null ? Map.of("state", "starting") : s.last().asMap();
    }

    /** Starts everything, prints status lines until {@link #stop()} or {@code --seconds}, then stops everything. */
    public Summary run() {
        Path jar = StreamsAppProcess.locateJar(options.repoDir());
        Map<String, Path> zips = locatePluginZips(options.repoDir());
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        connectors.put("kinesis-source", connectorConfig("kinesis-source.json"));
        connectors.put("elasticsearch-sink", connectorConfig("elasticsearch-sink.json"));
        connectors.put("firehose-sink", connectorConfig("firehose-sink.json"));
        Path streamsConfig = options.repoDir().resolve("config").resolve("streams-app.properties");
        try (DemoWorkDir work = DemoWorkDir.lock(options.workDir(), options.clean())) {
            step("work dir %s%s", work.path(), options.clean() ? " (wiped)" : "");
            // after the wipe (the log file lives in the work dir), before the servers start on several threads,
            // so logging initializes once, quietly
            org.slf4j.LoggerFactory.getLogger(Pipeline.class);
            return runIn(work.path(), jar, zips, connectors, streamsConfig);
        } catch (RuntimeException e) {
            failure.set(e);
            throw e;
        }
    }

    private Summary runIn(Path work, Path jar, Map<String, Path> zips, Map<String, Map<String, String>> connectors,
            Path streamsConfig) {
        AtomicReference<SensorSimulator.Result> generated = new AtomicReference<>();
        AtomicReference<Throwable> generatorError = new AtomicReference<>();
        int exitCode = 0;
        try {
            step("starting the Kinesis and DynamoDB emulators, Kafka and Elasticsearch ...");
            long t0 = System.nanoTime();
            CompletableFuture<EmbeddedKinesis> kinesisF = startAsync("Kinesis (kinesis-local)", EmbeddedKinesis::start);
            CompletableFuture<EmbeddedDynamo> dynamoF = startAsync("DynamoDB (dynalite)", EmbeddedDynamo::start);
            CompletableFuture<EmbeddedKafka> kafkaF = startAsync("Kafka (KRaft)",
                    () -> EmbeddedKafka.start(work.resolve("kafka")));
            CompletableFuture<EmbeddedElasticsearch> esF = startAsync("Elasticsearch",
                    () -> EmbeddedElasticsearch.builder().dataDir(work.resolve("elasticsearch")).start());
            EmbeddedKinesis kinesis = join(kinesisF);
            EmbeddedDynamo dynamo = join(dynamoF);
            EmbeddedKafka kafka = join(kafkaF);
            EmbeddedElasticsearch es = join(esF);
            this.es = es;
            this.kafka = kafka;
            this.kinesisEndpoint = kinesis.endpoint();
            this.bootstrapServers = kafka.bootstrapServers();
            step("servers up in %.1f s: Kinesis %s, DynamoDB %s, Kafka %s, Elasticsearch %s",
                    (System.nanoTime() - t0) / 1e9, kinesis.endpoint(), dynamo.endpoint(), kafka.bootstrapServers(),
                    es.url());
            if (stopping()) {
                return summary(null, 0);
            }

            kafka.createInputTopics(3, INPUT_TOPIC);
            kafka.createTopics(3, OUTPUT_TOPIC);
            kafka.createTopics(1, DEAD_LETTER_TOPIC, SINK_DEAD_LETTER_TOPIC, FIREHOSE_DEAD_LETTER_TOPIC);
            kinesis.createStream(STREAM, options.shards());
            String leaseTable = connectors.get("kinesis-source").getOrDefault("kcl.lease.table",
                    "forestwatch-kinesis-source");
            // dynalite ignores the UpdateTable that adds KCL 3's index: the table is made with it up front
            dynamo.createKclLeaseTable(leaseTable);
            step("created topics %s, %s (3 partitions), %s, %s, %s; Kinesis stream %s (%d shards); lease table %s",
                    INPUT_TOPIC, OUTPUT_TOPIC, DEAD_LETTER_TOPIC, SINK_DEAD_LETTER_TOPIC, FIREHOSE_DEAD_LETTER_TOPIC,
                    STREAM, options.shards(), leaseTable);
            String deliveryStream = connectors.get("firehose-sink").get("delivery.stream");
            LocalFirehose firehose = track(LocalFirehose.builder().deliveryStreams(deliveryStream)
                    .deliveryDir(work.resolve("firehose")).retainInMemory(false).start());
            this.firehose = firehose;
            step("local Firehose at %s: delivery stream %s writes to %s", firehose.url(), deliveryStream,
                    work.resolve("firehose"));

            Path plugins = work.resolve("plugins");
            Files2.deleteRecursively(plugins); // always the plugins of the current build
            zips.values().forEach(zip -> EmbeddedConnect.installPluginFromZip(zip, plugins));
            Map<String, String> workerProps = new LinkedHashMap<>(workerConfig());
            workerProps.put("bootstrap.servers", kafka.bootstrapServers());
            workerProps.put("plugin.path", plugins.toString());
            // a one-worker cluster: a worker that comes back after a crash gets its tasks again at once (same id),
            // and a departed one's tasks wait 5 s, not Connect's 5 minutes, for it to return
            workerProps.put("scheduled.rebalance.max.delay.ms", "5000");
            int connectMetricsPort = FreePort.pick();
            ConnectWorkerProcess connect = track(ConnectWorkerProcess.start(workerProps, work.resolve("connect"),
                    CONNECTOR_START, List.of(JmxExporterAgent.jvmOption(options.repoDir(), connectMetricsPort))));
            connectMetricsUrl = "http://127.0.0.1:" + connectMetricsPort + "/metrics";
            this.connect = connect;
            step("Connect worker (pid %d) at %s with plugins %s, log %s", connect.pid(), connect.url(), zips.keySet(),
                    work.resolve("connect").resolve("connect-worker.log"));

            Path log = work.resolve("streams-app.log");
            streamsLog = log;
            int streamsMetricsPort = FreePort.pick();
            List<String> command = new ArrayList<>(StreamsAppProcess.command(StreamsAppProcess.currentJava(), jar,
                    streamsConfig, kafka.bootstrapServers(), work.resolve("state")));
            command.addAll(List.of("--set", "metrics.prometheus.port=" + streamsMetricsPort));
            streamsCommand = command;
            streamsMetricsUrl = "http://127.0.0.1:" + streamsMetricsPort + "/metrics";
            streams = StreamsAppProcess.start(streamsCommand, options.repoDir(), log);
            // stopped through the field: a restart replaces the process
            started.push(new Named("streams app", () -> streams.close()));
            step("streams app started (pid %d), log %s", streams.pid(), log);

            Map<String, String> source = new LinkedHashMap<>(connectors.get("kinesis-source"));
            source.putAll(Map.of(
                    "aws.region", EmbeddedKinesis.REGION.id(),
                    "aws.kinesis.endpoint", sourceKinesisEndpoint.apply(kinesis.endpoint()).toString(),
                    "aws.dynamodb.endpoint", dynamo.endpoint().toString(),
                    // the emulators check no credentials, but the SDK insists on some
                    "aws.access.key.id", "forestwatch",
                    "aws.secret.access.key", "forestwatch",
                    // seconds, not a minute, to notice a reshard made while it runs
                    "kcl.shard.sync.interval.ms", "10000",
                    // leases move 20 s after a worker crash, not the KCL's 2 minutes
                    "kcl.leader.lease.duration.ms", "20000"));
            Map<String, String> sink = new LinkedHashMap<>(connectors.get("elasticsearch-sink"));
            sink.put("connection.urls", es.url());
            Map<String, String> firehoseSink = new LinkedHashMap<>(connectors.get("firehose-sink"));
            firehoseSink.putAll(Map.of(
                    "aws.region", EmbeddedKinesis.REGION.id(),
                    "aws.firehose.endpoint", firehose.url(),
                    "aws.access.key.id", "forestwatch",
                    "aws.secret.access.key", "forestwatch"));
            source.putAll(connectorOverrides.getOrDefault("kinesis-source", Map.of()));
            sink.putAll(connectorOverrides.getOrDefault("elasticsearch-sink", Map.of()));
            firehoseSink.putAll(connectorOverrides.getOrDefault("firehose-sink", Map.of()));
            connect.createOrUpdateConnector("kinesis-source", source);
            connect.createOrUpdateConnector("elasticsearch-sink", sink);
            connect.createOrUpdateConnector("firehose-sink", firehoseSink);
            sourceTasks = Integer.parseInt(source.getOrDefault("tasks.max", "1"));
            sinkTasks = Integer.parseInt(sink.getOrDefault("tasks.max", "1"));
            firehoseTasks = Integer.parseInt(firehoseSink.getOrDefault("tasks.max", "1"));
            awaitConnectors();
            step("connectors kinesis-source, elasticsearch-sink and firehose-sink running (from config/*.json)");
            step("Prometheus metrics: streams app %s, Connect worker %s", streamsMetricsUrl, connectMetricsUrl);

            LongSupplier inKinesis = () -> 0;
            if (options.generate()) {
                generator = new SensorSimulator(SensorSimulator.Options.builder(KinesisTarget.of(STREAM)
                        .withEndpoint(kinesis.endpoint())
                        .withRegion(EmbeddedKinesis.REGION)
                        .withCredentials(EmbeddedKinesis.credentials()))
                        .sensors(options.sensors())
                        .recordsPerSecond(options.recordsPerSecond())
                        .anomalyRatio(options.anomalyRatio())
                        .seed(options.seed())
                        .progressOut(null)
                        .build());
                SensorSimulator gen = generator;
                Thread genThread = new Thread(() -> {
                    try {
                        generated.set(gen.run());
                    } catch (Throwable t) {
                        generatorError.set(t);
                    }
                }, "sensor-generator");
                genThread.start();
                generatorThread = genThread;
                started.push(new Named("generator", this::stopGenerator));
                if (stopping()) {
                    gen.stop();
                }
                step("generator: %d sensor(s) at %s records/s into Kinesis stream %s, %.1f%% anomalies, seed %d",
                        options.sensors(), fmt(options.recordsPerSecond()), STREAM, options.anomalyRatio() * 100,
                        options.seed());
                inKinesis = gen::acknowledged;
            }
            status = track(new PipelineStatus(inKinesis, kafka.bootstrapServers(), kafka.admin(), INPUT_TOPIC,
                    OUTPUT_TOPIC, es, INDEX, options.scoreThreshold(), () -> firehose.deliveredCount(deliveryStream)));
            dashboard = track(Dashboard.builder(es.url()).index(INDEX).port(options.dashboardPort())
                    .scoreThreshold(options.scoreThreshold()).health(this::health).start());
            step("dashboard at %s", dashboard.url());
            step("running (%s); logs in %s", options.runFor() == null
                    ? "Ctrl+C to stop"
                    : "for " + options.runFor().toSeconds() + " s", work);
            running.countDown();

            long deadline = options.runFor() == null ? Long.MAX_VALUE : System.nanoTime() + options.runFor().toNanos();
            while (!stopping() && System.nanoTime() - deadline < 0) {
                StreamsAppProcess app = streams;
                if (!app.isAlive() && !restartingStreams && app == streams) {
                    err.printf("forestwatch: the streams app exited with code %d; last lines of %s:%n",
                            app.exitCode(), log);
                    app.logTail(25).forEach(l -> err.println("  | " + l));
                    exitCode = 1;
                    break;
                }
                if (generatorError.get() != null) {
                    err.println("forestwatch: the generator failed: " + generatorError.get());
                    exitCode = 1;
                    break;
                }
                try {
                    out.println(status.sample().line());
                } catch (RuntimeException e) {
                    err.println("forestwatch: status unavailable this time: " + e); // never a reason to stop
                }
                long wait = Math.min(options.statusInterval().toNanos(), Math.max(0, deadline - System.nanoTime()));
                awaitStop(wait);
            }
        } finally {
            exitCode = Math.max(exitCode, shutDown());
        }
        return summary(generated.get(), exitCode);
    }

    /** Blocks until everything runs and the generator writes, or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.await(200, TimeUnit.MILLISECONDS)) {
            if (failure.get() != null) {
                throw new IllegalStateException("the pipeline failed to start: " + failure.get().getMessage(),
                        failure.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the pipeline did not start within " + timeout);
            }
        }
    }

    /**
     * Before {@link #run()}: what the Kinesis source connects to instead of the emulator's endpoint, e.g. a fault
     * proxy in front of it (the generator still writes to the emulator itself).
     */
    public Pipeline sourceKinesisEndpoint(java.util.function.UnaryOperator<java.net.URI> endpointFor) {
        this.sourceKinesisEndpoint = endpointFor;
        return this;
    }

    /** Before {@link #run()}: settings that override a connector's config from {@code config/<name>.json}. */
    public Pipeline overrideConnectorConfig(String connector, Map<String, String> settings) {
        connectorOverrides.put(connector, Map.copyOf(settings));
        return this;
    }

    /** The running Elasticsearch, for fault tests that stop and start it. */
    public EmbeddedElasticsearch elasticsearch() {
        return es;
    }

    /** The running broker, for fault tests that crash and restart it. */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** The local Firehose, for its fault injection and counts. */
    public LocalFirehose firehose() {
        return firehose;
    }

    /** The Connect worker's REST API, for connector and task states. */
    public ConnectCluster connect() {
        return connect;
    }

    /** Elasticsearch's base URL, once running. */
    public String elasticsearchUrl() {
        return es.url();
    }

    /** The Kinesis emulator's endpoint, once running. */
    public java.net.URI kinesisEndpoint() {
        return kinesisEndpoint;
    }

    /** The Kafka broker's bootstrap servers, once running. */
    /** The streams app's Prometheus endpoint, once started. */
    public String streamsMetricsUrl() {
        return streamsMetricsUrl;
    }

    /** The Connect worker's Prometheus endpoint (the JMX exporter agent), once started. */
    public String connectMetricsUrl() {
        return connectMetricsUrl;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The dashboard's URL, once running. */
    public String dashboardUrl() {
        return dashboard.url();
    }

    /** Readings Kinesis accepted so far. */
    public long generated() {
        SensorSimulator g = generator;
        return g == null ? 0 : g.acknowledged();
    }

    /** Stops the generator and waits until its last readings are in Kinesis (or given up). */
    public void stopGenerator() throws InterruptedException {
        SensorSimulator g = generator;
        Thread t = generatorThread;
        if (g != null) {
            g.stop();
        }
        if (t != null) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
    }

    /** Kills the Connect worker with SIGKILL, as a crash would, and starts it again (same id, group, topics). */
    public void killAndRestartConnectWorker() {
        step("killing the Connect worker (pid %d) ...", connect.pid());
        connect.kill();
        connect.start(CONNECTOR_START);
        awaitConnectors();
        step("Connect worker back (pid %d), connectors running", connect.pid());
    }

    /** Kills the streams app with SIGKILL, as a crash would, and starts a new one on the same state dir. */
    public void killAndRestartStreamsApp() {
        restartingStreams = true;
        try {
            StreamsAppProcess old = streams;
            step("killing the streams app (pid %d) ...", old.pid());
            old.kill();
            streams = StreamsAppProcess.start(streamsCommand, options.repoDir(), streamsLog);
            step("streams app restarted (pid %d)", streams.pid());
        } finally {
            restartingStreams = false;
        }
    }

    private void awaitConnectors() {
        connect.awaitConnectorRunning("kinesis-source", sourceTasks, CONNECTOR_START);
        connect.awaitConnectorRunning("elasticsearch-sink", sinkTasks, CONNECTOR_START);
        connect.awaitConnectorRunning("firehose-sink", firehoseTasks, CONNECTOR_START);
    }

    /** A component to stop, named for the messages. */
    private record Named(String name, AutoCloseable stop) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            stop.close();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Upstream first: no more readings, then the worker and the app commit what they have, then the servers. */
    private int shutDown() {
        int exitCode = 0;
        step("stopping %d components ...", started.size());
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                err.println("forestwatch: error stopping " + c + ": " + e);
                exitCode = 1;
            }
        }
        step("stopped");
        return exitCode;
    }

    private Summary summary(SensorSimulator.Result generated, int exitCode) {
        PipelineStatus s = status;
        PipelineStatus.Sample last = s == null ? null : s.last();
        Summary summary = new Summary(generated == null ? 0 : generated.acknowledged(),
                generated == null ? 0 : generated.anomalies(), last, exitCode);
        if (last != null) {
            step("done: %s", last.line().substring("status: ".length()));
        }
        return summary;
    }

    /** Starts a server on its own thread, so the four start together; each is stopped at the end. */
    private <T extends AutoCloseable> CompletableFuture<T> startAsync(String name, Supplier<T> start) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            T server = start.get();
            step("  %s ready in %.1f s", name, (System.nanoTime() - t0) / 1e9);
            return server;
        }).whenComplete((server, error) -> {
            if (server != null) {
                track(server);
            }
        });
    }

    private <T extends AutoCloseable> T track(T component) {
        synchronized (started) {
            started.push(component);
        }
        return component;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    private boolean stopping() {
        return stopRequested.getCount() == 0;
    }

    private void awaitStop(long nanos) {
        try {
            stopRequested.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.countDown();
        }
    }

    /** The three plugin zips of the current build, or an error naming the command that builds them. */
    static Map<String, Path> locatePluginZips(Path repo) {
        Map<String, Path> zips = new LinkedHashMap<>();
        for (String plugin : PLUGINS) {
            Path target = repo.resolve("connectors").resolve(plugin).resolve("target");
            Path newest = Files2.newest(target, "forestwatch-" + plugin + "-*.zip").orElse(null);
            if (newest == null) {
                throw new IllegalStateException("The " + plugin + " plugin zip is missing under " + target
                        + ". Build it with: " + BUILD_COMMAND + "   (./forestwatch up builds what is missing)");
            }
            zips.put(plugin, newest);
        }
        return zips;
    }

    /** Keys of config/connect-distributed.properties that are this run's own: addresses and paths. */
    static final java.util.Set<String> LOCAL_WORKER_KEYS = java.util.Set.of("bootstrap.servers", "listeners",
            "rest.advertised.host.name", "rest.advertised.port", "plugin.path");

    /** The worker settings docker compose uses too, without its addresses and paths. */
    private Map<String, String> workerConfig() {
        Path path = options.repoDir().resolve("config").resolve("connect-distributed.properties");
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Connect worker config " + path, e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> !LOCAL_WORKER_KEYS.contains(k)).sorted()
                .forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** The {@code config} object of a connector JSON in {@code config/}, as strings. */
    private Map<String, String> connectorConfig(String file) {
        Path path = options.repoDir().resolve("config").resolve(file);
        try {
            JsonNode config = JSON.readTree(path.toFile()).path("config");
            if (!config.isObject()) {
                throw new IllegalStateException(path + " has no \"config\" object");
            }
            Map<String, String> m = new LinkedHashMap<>();
            config.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read connector config " + path, e);
        }
    }

    private void step(String format, Object... args) {
        out.println("forestwatch: " + String.format(Locale.ROOT, format, args));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
