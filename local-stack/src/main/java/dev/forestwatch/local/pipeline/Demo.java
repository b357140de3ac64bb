package dev.forestwatch.local.pipeline;

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
import java.util.List;
import java.util.Locale;

/**
 * The whole pipeline on one machine, no Docker: an in-process Kafka broker, the streams app as a
 * child JVM, the sensor simulator feeding {@code RawStreamData}, and the scored records of
 * {@code DESTINATION_SQL_STREAM} printed as they arrive. Run it with {@code ./forestwatch demo}.
 */
public final class Demo {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration SIMULATOR_STOP = Duration.ofSeconds(15);

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean stopRequested;
    private volatile GeneratorRun simulator;
    private volatile ScoredRecordConsumer display;

    /** What a run did, for the summary line and for tests. */
    public record Summary(long sent, long anomaliesSent, long scored, long flagged, long deadLetters, int exitCode) {
    }

    public Demo(DemoOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        StoppableMain.run("demo", args, DemoOptions.USAGE, DemoOptions::parse,
                options -> options.workDir().resolve("demo.log"), Duration.ofSeconds(60), options -> {
                    Demo demo = new Demo(options, System.out, System.err);
                    return new StoppableMain.Run(() -> demo.run().exitCode(), demo::stop);
                });
    }

    /** Asks {@link #run()} to wind down and return; safe from any thread (the Ctrl+C hook). */
    void stop() {
        stopRequested = true;
        GeneratorRun s = simulator;
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
        StopOrder stopOrder = new StopOrder();
        int exitCode = 0;
        try {
            step("starting Kafka (KRaft, single node) ...");
            long t0 = System.nanoTime();
            EmbeddedKafka kafka = stopOrder.add("Kafka", EmbeddedKafka.start(work.resolve("kafka")));
            step("Kafka ready at %s in %.1f s", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);

            kafka.createInputTopics(3, PipelineNames.INPUT_TOPIC);
            kafka.createTopics(3, PipelineNames.OUTPUT_TOPIC);
            kafka.createTopics(1, PipelineNames.DEAD_LETTER_TOPIC);
            step("created topics %s (3 partitions), %s (3), %s (1)", PipelineNames.INPUT_TOPIC,
                    PipelineNames.OUTPUT_TOPIC, PipelineNames.DEAD_LETTER_TOPIC);
            if (stopRequested) {
                return summary(null, 0);
            }

            display = stopOrder.add("display",
                    new ScoredRecordConsumer(kafka.bootstrapServers(), PipelineNames.OUTPUT_TOPIC,
                            PipelineNames.DEAD_LETTER_TOPIC,
                            new ScoredRecordFormatter(options.scoreThreshold(), nameWidth(), ZoneId.systemDefault(),
                                    useColor()),
                            out));
            StreamsApp streams = stopOrder.add("streams app", StreamsApp.start(jar, options.streamsConfig(),
                    kafka.bootstrapServers(), work, options.repoDir(), List.of()));
            step("started streams app %s (pid %d), log: %s", options.repoDir().relativize(jar), streams.pid(),
                    streams.log());

            simulator = GeneratorRun.start(new SensorSimulator(SensorSimulator.Options.builder(kafka.bootstrapServers())
                    .topic(PipelineNames.INPUT_TOPIC)
                    .sensors(options.sensors())
                    .recordsPerSecond(options.recordsPerSecond())
                    .anomalyRatio(options.anomalyRatio())
                    .seed(options.seed())
                    .progressInterval(Duration.ofSeconds(10))
                    .progressOut(err)
                    .build()), "sensor-simulator", SIMULATOR_STOP);
            stopOrder.add("simulator", simulator);
            if (stopRequested) {
                simulator.stop(); // stop() ran before the simulator existed
            }
            step("scored records from %s (%s):", PipelineNames.OUTPUT_TOPIC,
                    options.runFor() == null ? "Ctrl+C to stop" : "for " + options.runFor().toSeconds() + " s");

            long deadline = options.runFor() == null ? Long.MAX_VALUE : System.nanoTime() + options.runFor().toNanos();
            while (!stopRequested && System.nanoTime() - deadline < 0) {
                if (streams.reportIfExited(err, "demo")) {
                    exitCode = 1;
                    break;
                }
                if (simulator.failure() != null) {
                    err.println("demo: the simulator failed: " + simulator.failure());
                    exitCode = 1;
                    break;
                }
                if (!display.pollAndPrint(POLL)) {
                    break; // woken up by stop()
                }
            }
        } finally {
            // upstream first: no more input, then let the app commit and exit, then stop the broker it needs
            exitCode = Math.max(exitCode, stopOrder.stopAll(m -> step("%s", m), m -> err.println("demo: " + m)));
        }
        GeneratorRun s = simulator;
        return summary(s == null ? null : s.result(), exitCode);
    }

    private Summary summary(SensorSimulator.Result simulated, int exitCode) {
        ScoredRecordConsumer d = display;
        ScoredRecordConsumer.Counts received = d == null ? ScoredRecordConsumer.Counts.NONE : d.counts();
        Summary s = new Summary(
                simulated == null ? 0 : simulated.sent(),
                simulated == null ? 0 : simulated.anomalies(),
                received.scored(),
                received.flagged(),
                received.deadLetters(),
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
