package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.Flags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** What {@link Pipeline} runs; {@link #parse} reads the command-line flags of {@code ./forestwatch up}. */
public record PipelineOptions(
        Path repoDir,
        Path workDir,
        boolean clean,
        int sensors,
        double recordsPerSecond,
        double anomalyRatio,
        long seed,
        int shards,
        double scoreThreshold,
        int dashboardPort,
        Duration statusInterval,
        Duration runFor,
        boolean generate) {

    static final String USAGE = String.join("\n",
            "Usage: ./forestwatch up [flags]",
            "Starts the seed's whole pipeline on loopback, no Docker, no AWS account: the Kinesis and DynamoDB",
            "emulators, Kafka, Elasticsearch, a Connect worker with the three plugins, the streams app, the",
            "sensor generator writing into Kinesis and the dashboard; Ctrl+C stops all of it.",
            "  --sensors N             simulated sensors DemoSensor-1..N (default 3)",
            "  --rate R                records/s into Kinesis over all sensors (default 20)",
            "  --anomaly-ratio P       share of anomalies, value 100-120 instead of 10-20 (default 0.01)",
            "  --shards N              shards of the Kinesis stream RawStreamData (default 2)",
            "  --seconds S             stop after S seconds (default: run until Ctrl+C)",
            "  --work-dir DIR          servers' data and logs (default <repo>/.work/pipeline; kept between runs)",
            "  --clean                 wipe the work dir first",
            "  --dashboard-port N      the dashboard's port on 127.0.0.1 (default 8088; 0 = any free port)",
            "  --status-seconds S      seconds between status lines (default 5)",
            "  --score-threshold X     ANOMALY_SCORE counted as an anomaly in the status line (default 2.0)",
            "  --seed N                generator random seed (default: random, printed)",
            "  --no-generator          start everything but the generator (put your own readings into RawStreamData)",
            "  --repo-dir DIR          the forestwatch checkout (default: -Dforestwatch.home, else found from the current dir)");

    /** @param runFor null to run until stopped */
    public PipelineOptions {
        DemoOptions.checkGenerator(sensors, recordsPerSecond, anomalyRatio, runFor);
        if (shards < 1 || shards > 16) {
            throw new IllegalArgumentException("--shards must be in [1, 16], got " + shards);
        }
        if (dashboardPort < 0 || dashboardPort > 65535) {
            throw new IllegalArgumentException("--dashboard-port must be a port number, got " + dashboardPort);
        }
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("--status-seconds must be > 0");
        }
    }

    static PipelineOptions parse(String... args) {
        Flags flags = Flags.parse(args);
        Path repo = flags.has("repo-dir") ? Path.of(flags.string("repo-dir", null)) : DemoOptions.findRepoDir();
        repo = repo.toAbsolutePath().normalize();
        PipelineOptions options = new PipelineOptions(
                repo,
                Path.of(flags.string("work-dir", repo.resolve(".work").resolve("pipeline").toString())),
                flags.has("clean"),
                flags.intValue("sensors", 3),
                flags.doubleValue("rate", 20),
                flags.doubleValue("anomaly-ratio", 0.01),
                flags.has("seed") ? flags.longValue("seed", 0) : ThreadLocalRandom.current().nextLong(),
                flags.intValue("shards", 2),
                flags.doubleValue("score-threshold", 2.0),
                flags.intValue("dashboard-port", 8088),
                Duration.ofMillis((long) (flags.doubleValue("status-seconds", 5) * 1000)),
                flags.has("seconds") ? Duration.ofMillis((long) (flags.doubleValue("seconds", 0) * 1000)) : null,
                !flags.has("no-generator"));
        flags.rejectUnknown();
        return options;
    }
}
