package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.Logging;
import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.generator.SensorReadingGenerator;
import dev.forestwatch.local.generator.SensorSimulator;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.StreamsAppProcess;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The whole pipeline on one machine, no Docker: an in-process Kafka broker, the streams app as a
 * child JVM, the sensor simulator feeding {@code RawStreamData}, and the scored records of
 * {@code DESTINATION_SQL_STREAM} printed as they arrive. Run it with {@code ./forestwatch demo}.
 */
public final class Demo {
    private static final Duration POLL = Duration.ofMillis(250);

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean stopRequested;
    private volatile SensorSimulator simulator;
    private volatile ScoredRecordConsumer display;

    /** What happened, printed at the end and asserted by the smoke test. */
    /** What a run did, for the summary line and for tests. */
    public record Summary(long sent, long anomaliesSent, long scored, long flagged, long deadLetters, int exitCode) {
    }

    public Demo(DemoOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        // Before any logger exists: broker and client logs go to a file in the work dir.
        System.setProperty(Logging.LOG_FILE_PROPERTY, options.workDir().resolve("demo.log").toString());
        Logging.useBundledConfig(Logging.DEMO_CONFIG);

        Demo demo = new Demo(options, System.out, System.err);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.stop();
            try {
                // The main thread does the ordered cleanup; wait for it, bounded.
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown"));
        int exitCode;
        try {
            exitCode = demo.run().exitCode();
        } catch (RuntimeException e) {
            System.err.println("demo: failed: " + e.getMessage());
            exitCode = 1;
        } finally {
            finished.countDown();
        }
        System.exit(exitCode);
    }

    /** Asks {@link #run()} to wind down and return; safe from any thread (the Ctrl+C hook). */
    void stop() {
        stopRequested = true;
        SensorSimulator s = simulator;
        if (s != null) {
            s.stop();
        }
        ScoredRecordConsumer d = display;
        if (d != null) {
            d.wakeup();
        }
    }

    /** Runs until {@link #stop()}, the {@code --seconds} limit, or a failure of the streams app. */
    public Summary run() {
        // Check the inputs before touching anything, so a missing build fails in a second.
        Path jar = StreamsAppProcess.locateJar(options.repoDir());
        if (!Files.isRegularFile(options.streamsConfig())) {
            throw new IllegalStateException("Streams app config not found: " + options.streamsConfig());
        }
        try (DemoWorkDir work = DemoWorkDir.wipeAndLock(options.workDir())) {
            step("work dir %s (wiped)", work.path());
            return runIn(work.path(), jar);
        }
    }

    private Summary runIn(Path work, Path jar) {
        EmbeddedKafka kafka = null;
        StreamsAppProcess streams = null;
        Thread simulatorThread = null;
        AtomicReference<SensorSimulator.Result> simulated = new AtomicReference<>();
        AtomicReference<Throwable> simulatorError = new AtomicReference<>();
        int exitCode = 0;
        try {
            step("starting Kafka (KRaft, single node) ...");
            long t0 = System.nanoTime();
            kafka = EmbeddedKafka.start(work.resolve("kafka"));
            step("Kafka ready at %s in %.1f s", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);

            kafka.createInputTopics(3, PipelineNames.INPUT_TOPIC);
            kafka.createTopics(3, PipelineNames.OUTPUT_TOPIC);
            kafka.createTopics(1, PipelineNames.DEAD_LETTER_TOPIC);
            step("created topics %s (3 partitions), %s (3), %s (1)", PipelineNames.INPUT_TOPIC,
                    PipelineNames.OUTPUT_TOPIC, PipelineNames.DEAD_LETTER_TOPIC);
            if (stopRequested) {
                return summary(null, 0);
            }

            Path log = work.resolve("streams-app.log");
            streams = StreamsAppProcess.start(
                    StreamsAppProcess.command(StreamsAppProcess.currentJava(), jar, options.streamsConfig(),
                            kafka.bootstrapServers(), work.resolve("state")),
                    options.repoDir(), log);
            step("started streams app %s (pid %d), log: %s", options.repoDir().relativize(jar), streams.pid(), log);

            display = new ScoredRecordConsumer(kafka.bootstrapServers(), PipelineNames.OUTPUT_TOPIC,
                    PipelineNames.DEAD_LETTER_TOPIC,
                    new ScoredRecordFormatter(options.scoreThreshold(), nameWidth(), ZoneId.systemDefault(),
                            useColor()),
                    out);

            simulator = new SensorSimulator(SensorSimulator.Options.builder(kafka.bootstrapServers())
                    .topic(PipelineNames.INPUT_TOPIC)
                    .sensors(options.sensors())
                    .recordsPerSecond(options.recordsPerSecond())
                    .anomalyRatio(options.anomalyRatio())
                    .seed(options.seed())
                    .progressInterval(Duration.ofSeconds(10))
                    .progressOut(err)
                    .build());
            SensorSimulator sim = simulator;
            simulatorThread = new Thread(() -> {
                try {
                    simulated.set(sim.run());
                } catch (Throwable t) {
                    simulatorError.set(t);
                }
            }, "sensor-simulator");
            simulatorThread.start();
            if (stopRequested) {
                sim.stop(); // stop() ran before the simulator existed
            }
            step("scored records from %s (%s):", PipelineNames.OUTPUT_TOPIC,
                    options.runFor() == null ? "Ctrl+C to stop" : "for " + options.runFor().toSeconds() + " s");

            long deadline = options.runFor() == null ? Long.MAX_VALUE : System.nanoTime() + options.runFor().toNanos();
            while (!stopRequested && System.nanoTime() - deadline < 0) {
                if (!streams.isAlive()) {
                    err.printf("demo: the streams app exited with code %d; last lines of %s:%n", streams.exitCode(),
                            log);
                    streams.logTail(25).forEach(l -> err.println("  | " + l));
                    exitCode = 1;
                    break;
                }
                if (simulatorError.get() != null) {
                    err.println("demo: the simulator failed: " + simulatorError.get());
                    exitCode = 1;
                    break;
                }
                if (!display.pollAndPrint(POLL)) {
                    break; // woken up by stop()
                }
            }
        } finally {
            exitCode = Math.max(exitCode, shutDown(kafka, streams, simulatorThread));
        }
        return summary(simulated.get(), exitCode);
    }

    /** Upstream first: no more input, then let the app commit and exit, then stop the broker it needs. */
    private int shutDown(EmbeddedKafka kafka, StreamsAppProcess streams, Thread simulatorThread) {
        int exitCode = 0;
        if (simulatorThread != null) {
            step("stopping simulator ...");
            simulator.stop();
            try {
                simulatorThread.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (streams != null) {
            step("stopping streams app (pid %d) ...", streams.pid());
            streams.close();
        }
        if (display != null) {
            display.close();
        }
        if (kafka != null) {
            step("stopping Kafka ...");
            try {
                kafka.close();
            } catch (RuntimeException e) {
                err.println("demo: error stopping Kafka: " + e);
                exitCode = 1;
            }
        }
        return exitCode;
    }

    private Summary summary(SensorSimulator.Result simulated, int exitCode) {
        ScoredRecordConsumer d = display;
        Summary s = new Summary(
                simulated == null ? 0 : simulated.sent(),
                simulated == null ? 0 : simulated.anomalies(),
                d == null ? 0 : d.scored(),
                d == null ? 0 : d.flagged(),
                d == null ? 0 : d.deadLetters(),
                exitCode);
        step("done: sent %d readings (%d anomalies), received %d scored records (%d marked as anomalies), %d dead letters",
                s.sent(), s.anomaliesSent(), s.scored(), s.flagged(), s.deadLetters());
        return s;
    }

    private int nameWidth() {
        return SensorReadingGenerator.sensorNames(options.sensors()).stream().mapToInt(String::length).max().orElse(10)
                + 1;
    }

    /** Colours only on a real terminal, and never when NO_COLOR is set (no-color.org). */
    private boolean useColor() {
        return out == System.out && System.console() != null && System.getenv("NO_COLOR") == null;
    }

    private void step(String format, Object... args) {
        out.println("demo: " + String.format(Locale.ROOT, format, args));
    }
}
