package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.Directories;
import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.dashboard.Dashboard;
import dev.forestwatch.local.firehose.LocalFirehose;
import dev.forestwatch.local.generator.KinesisTarget;
import dev.forestwatch.local.generator.SensorSimulator;
import dev.forestwatch.local.server.AwsEmulator;
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
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The seed's whole pipeline on one machine, no Docker, no AWS account ({@code ./forestwatch up}): the sensor
 * generator puts readings into the Kinesis stream {@code RawStreamData} (kinesis-local), the Kinesis source
 * connector brings them into Kafka (leases in dynalite), the streams app scores them, and the Elasticsearch sink
 * indexes them into {@code anomalydata}. Connectors are registered from the JSON files in {@code config/}, with
 * only the endpoints pointed at the local servers. Prints progress while starting, then a status line; on
 * Ctrl+C stops everything it started, upstream first.
 *
 * <p>{@link #runIn} reads as the start plan: one stage a component, each kept in one field (its handle) that the
 * status loop, the fault tests' accessors and {@link StopOrder} read.
 *
 * <p>Over 400 lines because the stages and the dozen accessors and crash hooks the fault tests use read better
 * together, beside the handles they read; config files, connectors, the streams app and the generator are apart.
 */
public final class Pipeline {
    public static final List<String> PLUGINS = List.of(LocalConnectors.SOURCE, LocalConnectors.ELASTICSEARCH_SINK,
            LocalConnectors.FIREHOSE_SINK);
    private static final Duration CONNECTOR_START = Duration.ofSeconds(90);
    private static final Duration GENERATOR_STOP = Duration.ofSeconds(90);

    private final PipelineOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final StopOrder stopOrder = new StopOrder();
    // set before run(): what the fault benchmark changes
    private volatile UnaryOperator<URI> sourceKinesisEndpoint = e -> e;
    private final Map<String, Map<String, String>> connectorOverrides = new ConcurrentHashMap<>();
    // one handle per component, each set once by its stage of runIn
    private volatile Servers servers;
    private volatile LocalFirehose firehose;
    private volatile ConnectWorkerProcess connect;
    private volatile LocalConnectors connectors;
    private volatile StreamsApp streams;
    private volatile GeneratorRun generator;
    private volatile PipelineStatus status;
    private volatile Dashboard dashboard;
    private volatile String streamsMetricsUrl;
    private volatile String connectMetricsUrl;

    /** What a run did: the last status figures and the exit code. */
    public record Summary(long generated, long anomaliesGenerated, PipelineStatus.Sample last, int exitCode) {
    }

    /** The four servers, started together. */
    private record Servers(EmbeddedKinesis kinesis, EmbeddedDynamo dynamo, EmbeddedKafka kafka,
            EmbeddedElasticsearch es) {
    }

    public Pipeline(PipelineOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        StoppableMain.run("forestwatch", args, PipelineOptions.USAGE, PipelineOptions::parse, options -> {
            Directories.createDirs(options.workDir());
            return options.workDir().resolve("pipeline.log");
        }, Duration.ofSeconds(90), options -> {
            Pipeline pipeline = new Pipeline(options, System.out, System.err);
            return new StoppableMain.Run(() -> pipeline.run().exitCode(), pipeline::stop);
        });
    }

    /** Makes {@link #run()} stop everything and return; safe from any thread (the Ctrl+C hook). */
    public void stop() {
        stopRequested.countDown();
        GeneratorRun g = generator;
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
        Map<String, Path> zips = RepoConfig.locatePluginZips(options.repoDir());
        connectors = new LocalConnectors(options.repoDir());
        try (DemoWorkDir work = DemoWorkDir.lock(options.workDir(), options.clean())) {
            step("work dir %s%s", work.path(), options.clean() ? " (wiped)" : "");
            // after the wipe (the log file lives in the work dir), before the servers start on several threads,
            // so logging initializes once, quietly
            org.slf4j.LoggerFactory.getLogger(Pipeline.class);
            return runIn(work.path(), jar, zips);
        } catch (RuntimeException e) {
            failure.set(e);
            throw e;
        }
    }

    /** The start plan, top-down; whatever has started is stopped in reverse order, however this ends. */
    private Summary runIn(Path work, Path jar, Map<String, Path> zips) {
        int exitCode = 0;
        try {
            servers = startServers(work);
            if (stopping()) {
                return summary(0);
            }
            createTopicsStreamAndLeaseTable();
            firehose = stopOrder.add("local Firehose", startFirehose(work));
            connect = stopOrder.add("Connect worker", startConnectWorker(work, zips));
            streams = stopOrder.add("streams app", startStreamsApp(work, jar));
            registerConnectors();
            if (options.generate()) {
                generator = stopOrder.add("generator", startGenerator());
            }
            status = stopOrder.add("status", startStatus());
            dashboard = stopOrder.add("dashboard", startDashboard());
            step("running (%s); logs in %s", options.runFor() == null
                    ? "Ctrl+C to stop"
                    : "for " + options.runFor().toSeconds() + " s", work);
            running.countDown();
            exitCode = printStatusUntilStopped();
        } finally {
            exitCode = Math.max(exitCode, stopOrder.stopAll(m -> step("%s", m), m -> err.println("forestwatch: " + m)));
        }
        return summary(exitCode);
    }

    // ---------------------------------------------------------------- stages, in start order

    private Servers startServers(Path work) {
        step("starting the Kinesis and DynamoDB emulators, Kafka and Elasticsearch ...");
        long t0 = System.nanoTime();
        CompletableFuture<EmbeddedKinesis> kinesis = startAsync("Kinesis (kinesis-local)", EmbeddedKinesis::start);
        CompletableFuture<EmbeddedDynamo> dynamo = startAsync("DynamoDB (dynalite)", EmbeddedDynamo::start);
        CompletableFuture<EmbeddedKafka> kafka = startAsync("Kafka (KRaft)",
                () -> EmbeddedKafka.start(work.resolve("kafka")));
        CompletableFuture<EmbeddedElasticsearch> es = startAsync("Elasticsearch",
                () -> EmbeddedElasticsearch.builder().dataDir(work.resolve("elasticsearch")).start());
        Servers s = new Servers(join(kinesis), join(dynamo), join(kafka), join(es));
        step("servers up in %.1f s: Kinesis %s, DynamoDB %s, Kafka %s, Elasticsearch %s",
                (System.nanoTime() - t0) / 1e9, s.kinesis().endpoint(), s.dynamo().endpoint(),
                s.kafka().bootstrapServers(), s.es().url());
        return s;
    }

    private void createTopicsStreamAndLeaseTable() {
        servers.kafka().createInputTopics(3, PipelineNames.INPUT_TOPIC);
        servers.kafka().createTopics(3, PipelineNames.OUTPUT_TOPIC);
        servers.kafka().createTopics(1, PipelineNames.DEAD_LETTER_TOPIC, PipelineNames.SINK_DEAD_LETTER_TOPIC,
                PipelineNames.FIREHOSE_DEAD_LETTER_TOPIC);
        servers.kinesis().createStream(PipelineNames.STREAM, options.shards());
        servers.dynamo().createKclLeaseTable(connectors.leaseTable());
        step("created topics %s, %s (3 partitions), %s, %s, %s; Kinesis stream %s (%d shards); lease table %s",
                PipelineNames.INPUT_TOPIC, PipelineNames.OUTPUT_TOPIC, PipelineNames.DEAD_LETTER_TOPIC,
                PipelineNames.SINK_DEAD_LETTER_TOPIC, PipelineNames.FIREHOSE_DEAD_LETTER_TOPIC, PipelineNames.STREAM,
                options.shards(), connectors.leaseTable());
    }

    private LocalFirehose startFirehose(Path work) {
        LocalFirehose f = LocalFirehose.builder().deliveryStreams(connectors.deliveryStream())
                .deliveryDir(work.resolve("firehose")).retainInMemory(false).start();
        step("local Firehose at %s: delivery stream %s writes to %s", f.url(), connectors.deliveryStream(),
                work.resolve("firehose"));
        return f;
    }

    private ConnectWorkerProcess startConnectWorker(Path work, Map<String, Path> zips) {
        Path plugins = work.resolve("plugins");
        Directories.deleteRecursively(plugins); // always the plugins of the current build
        zips.values().forEach(zip -> EmbeddedConnect.installPluginFromZip(zip, plugins));
        Map<String, String> props = new LinkedHashMap<>(RepoConfig.workerConfig(options.repoDir()));
        props.put("bootstrap.servers", servers.kafka().bootstrapServers());
        props.put("plugin.path", plugins.toString());
        // a one-worker cluster: a worker that comes back after a crash gets its tasks again at once (same id),
        // and a departed one's tasks wait 5 s, not Connect's 5 minutes, for it to return
        props.put("scheduled.rebalance.max.delay.ms", "5000");
        int metricsPort = FreePort.pick();
        ConnectWorkerProcess worker = ConnectWorkerProcess.start(props, work.resolve("connect"), CONNECTOR_START,
                List.of(JmxExporterAgent.jvmOption(options.repoDir(), metricsPort)));
        connectMetricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
        step("Connect worker (pid %d) at %s with plugins %s, log %s", worker.pid(), worker.url(), zips.keySet(),
                work.resolve("connect").resolve("connect-worker.log"));
        return worker;
    }

    private StreamsApp startStreamsApp(Path work, Path jar) {
        int metricsPort = FreePort.pick();
        StreamsApp app = StreamsApp.start(jar, RepoConfig.streamsConfig(options.repoDir()),
                servers.kafka().bootstrapServers(), work, options.repoDir(),
                List.of("--set", "metrics.prometheus.port=" + metricsPort));
        streamsMetricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
        step("streams app started (pid %d), log %s", app.pid(), app.log());
        return app;
    }

    private void registerConnectors() {
        connectors.register(connect, new LocalConnectors.Endpoints(
                sourceKinesisEndpoint.apply(servers.kinesis().endpoint()), servers.dynamo().endpoint(),
                servers.es().url(), firehose.url()), connectorOverrides);
        connectors.awaitRunning(connect, CONNECTOR_START);
        step("connectors %s running (from config/*.json)", String.join(", ", PLUGINS));
        step("Prometheus metrics: streams app %s, Connect worker %s", streamsMetricsUrl, connectMetricsUrl);
    }

    private GeneratorRun startGenerator() {
        GeneratorRun g = GeneratorRun.start(new SensorSimulator(SensorSimulator.Options.builder(
                KinesisTarget.of(PipelineNames.STREAM)
                        .withEndpoint(servers.kinesis().endpoint())
                        .withRegion(AwsEmulator.REGION)
                        .withCredentials(AwsEmulator.credentials()))
                .sensors(options.sensors())
                .recordsPerSecond(options.recordsPerSecond())
                .anomalyRatio(options.anomalyRatio())
                .seed(options.seed())
                .progressOut(null)
                .build()), "sensor-generator", GENERATOR_STOP);
        if (stopping()) {
            g.stop(); // stop() ran before the generator existed
        }
        step("generator: %d sensor(s) at %s records/s into Kinesis stream %s, %.1f%% anomalies, seed %d",
                options.sensors(), fmt(options.recordsPerSecond()), PipelineNames.STREAM, options.anomalyRatio() * 100,
                options.seed());
        return g;
    }

    private PipelineStatus startStatus() {
        GeneratorRun g = generator;
        String deliveryStream = connectors.deliveryStream();
        PipelineStatus.Sources sources = new PipelineStatus.Sources(g == null ? () -> 0 : g::acknowledged,
                servers.kafka(), servers.es(), () -> firehose.deliveredCount(deliveryStream));
        return new PipelineStatus(sources, options.scoreThreshold());
    }

    private Dashboard startDashboard() {
        Dashboard d = Dashboard.builder(servers.es().url()).index(PipelineNames.INDEX).port(options.dashboardPort())
                .scoreThreshold(options.scoreThreshold()).health(this::health).start();
        step("dashboard at %s", d.url());
        return d;
    }

    /** A status line every interval until stopped, the deadline, or a component failing; returns the exit code. */
    private int printStatusUntilStopped() {
        long deadline = options.runFor() == null ? Long.MAX_VALUE : System.nanoTime() + options.runFor().toNanos();
        while (!stopping() && System.nanoTime() - deadline < 0) {
            if (streams.reportIfExited(err, "forestwatch")) {
                return 1;
            }
            GeneratorRun g = generator;
            if (g != null && g.failure() != null) {
                err.println("forestwatch: the generator failed: " + g.failure());
                return 1;
            }
            try {
                out.println(status.sample().line());
            } catch (RuntimeException e) {
                err.println("forestwatch: status unavailable this time: " + e); // never a reason to stop
            }
            awaitStop(Math.min(options.statusInterval().toNanos(), Math.max(0, deadline - System.nanoTime())));
        }
        return 0;
    }

    // ---------------------------------------------------------------- for tests and benchmarks

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
    public Pipeline sourceKinesisEndpoint(UnaryOperator<URI> endpointFor) {
        this.sourceKinesisEndpoint = endpointFor;
        return this;
    }

    /** Before {@link #run()}: settings that override a connector's config from {@code config/<name>.json}. */
    public Pipeline overrideConnectorConfig(String connector, Map<String, String> settings) {
        connectorOverrides.put(connector, Map.copyOf(settings));
        return this;
    }

    /** The running Elasticsearch: its URL, and for fault tests that stop and start it. */
    public EmbeddedElasticsearch elasticsearch() {
        return servers.es();
    }

    /** The running broker: its bootstrap servers, and for fault tests that crash and restart it. */
    public EmbeddedKafka kafka() {
        return servers.kafka();
    }

    /** The local Firehose, for its fault injection and counts. */
    public LocalFirehose firehose() {
        return firehose;
    }

    /** The Connect worker's REST API, for connector and task states. */
    public ConnectCluster connect() {
        return connect;
    }

    /** The Kinesis emulator's endpoint, once running. */
    public URI kinesisEndpoint() {
        return servers.kinesis().endpoint();
    }

    /** The streams app's Prometheus endpoint, once started. */
    public String streamsMetricsUrl() {
        return streamsMetricsUrl;
    }

    /** The Connect worker's Prometheus endpoint (the JMX exporter agent), once started. */
    public String connectMetricsUrl() {
        return connectMetricsUrl;
    }

    /** The dashboard's URL, once running. */
    public String dashboardUrl() {
        return dashboard.url();
    }

    /** Readings Kinesis accepted so far. */
    public long generated() {
        GeneratorRun g = generator;
        return g == null ? 0 : g.acknowledged();
    }

    /** Stops the generator and waits until its last readings are in Kinesis (or given up). */
    public void stopGenerator() throws InterruptedException {
        GeneratorRun g = generator;
        if (g != null) {
            g.close();
        }
    }

    /** Kills the Connect worker with SIGKILL, as a crash would, and starts it again (same id, group, topics). */
    public void killAndRestartConnectWorker() {
        step("killing the Connect worker (pid %d) ...", connect.pid());
        connect.kill();
        connect.start(CONNECTOR_START);
        connectors.awaitRunning(connect, CONNECTOR_START);
        step("Connect worker back (pid %d), connectors running", connect.pid());
    }

    /** Kills the streams app with SIGKILL, as a crash would, and starts a new one on the same state dir. */
    public void killAndRestartStreamsApp() {
        step("killing the streams app (pid %d) ...", streams.pid());
        streams.killAndRestart();
        step("streams app restarted (pid %d)", streams.pid());
    }

    // ---------------------------------------------------------------- plumbing

    private Summary summary(int exitCode) {
        GeneratorRun g = generator;
        SensorSimulator.Result generated = g == null ? null : g.result();
        PipelineStatus s = status;
        PipelineStatus.Sample last = s == null ? null : s.last();
        if (last != null) {
            step("done: %s", last.line().substring("status: ".length()));
        }
        return new Summary(generated == null ? 0 : generated.acknowledged(),
                generated == null ? 0 : generated.anomalies(), last, exitCode);
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
                stopOrder.add(name, server);
            }
        });
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

    private void step(String format, Object... args) {
        out.println("forestwatch: " + String.format(Locale.ROOT, format, args));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
