package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.Flags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** What {@link Demo} runs; {@link #parse} reads the command-line flags. */
public record DemoOptions(
        Path repoDir,
        Path workDir,
        Path streamsConfig,
        int sensors,
        double recordsPerSecond,
        double anomalyRatio,
        long seed,
        double scoreThreshold,
        Duration runFor) {

    static final String USAGE = String.join("\n",
            "Usage: ./forestwatch demo [flags]",
            "  --sensors N             simulated sensors DemoSensor-1..N (default 3)",
            "  --rate R                records/s over all sensors (default 50)",
            "  --anomaly-ratio P       share of anomalies, value 100-120 instead of 10-20 (default 0.01)",
            "  --seconds S             stop after S seconds and exit (default: run until Ctrl+C)",
            "  --work-dir DIR          scratch dir, wiped on start (default <repo>/.work/demo)",
            "  --seed N                simulator random seed (default: random, printed)",
            "  --score-threshold X     mark records with ANOMALY_SCORE >= X (default 2.0; isAnomaly=true is always marked)",
            "  --streams-config FILE   streams app properties (default <repo>/config/streams-app.properties)",
            "  --repo-dir DIR          the forestwatch checkout (default: -Dforestwatch.home, else found from the current dir)");

    /** @param runFor null to run until stopped */
    public DemoOptions {
        checkGenerator(sensors, recordsPerSecond, anomalyRatio, runFor);
    }

    /** The flags the demo and {@code ./forestwatch up} share: the generator's and {@code --seconds}. */
    static void checkGenerator(int sensors, double recordsPerSecond, double anomalyRatio, Duration runFor) {
        if (sensors < 1) {
            throw new IllegalArgumentException("--sensors must be >= 1, got " + sensors);
        }
        if (!(recordsPerSecond > 0) || Double.isInfinite(recordsPerSecond)) {
            throw new IllegalArgumentException("--rate must be a number > 0, got " + recordsPerSecond);
        }
        if (!(anomalyRatio >= 0 && anomalyRatio <= 1)) {
            throw new IllegalArgumentException("--anomaly-ratio must be in [0, 1], got " + anomalyRatio);
        }
        if (runFor != null && (runFor.isNegative() || runFor.isZero())) {
            throw new IllegalArgumentException("--seconds must be > 0, got " + runFor.toMillis() / 1000.0);
        }
    }

    static DemoOptions parse(String... args) {
        Flags flags = Flags.parse(args);
        Path repo = flags.has("repo-dir") ? Path.of(flags.string("repo-dir", null)) : findRepoDir();
        repo = repo.toAbsolutePath().normalize();
        DemoOptions options = new DemoOptions(
                repo,
                Path.of(flags.string("work-dir", repo.resolve(".work").resolve("demo").toString())),
                Path.of(flags.string("streams-config",
                        repo.resolve("config").resolve("streams-app.properties").toString())),
                flags.intValue("sensors", 3),
                flags.doubleValue("rate", 50),
                flags.doubleValue("anomaly-ratio", 0.01),
                flags.has("seed") ? flags.longValue("seed", 0) : ThreadLocalRandom.current().nextLong(),
                flags.doubleValue("score-threshold", 2.0),
                flags.has("seconds") ? Duration.ofMillis((long) (flags.doubleValue("seconds", 0) * 1000)) : null);
        flags.rejectUnknown();
        return options;
    }

    /** {@code -Dforestwatch.home} (set by ./forestwatch), else the nearest ancestor of the current dir holding both modules. */
    public static Path findRepoDir() {
        String home = System.getProperty("forestwatch.home");
        if (home != null) {
            return Path.of(home);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("streams-app")) && Files.isDirectory(p.resolve("local-stack"))) {
                return p;
            }
        }
        throw new IllegalArgumentException("Cannot find the forestwatch checkout from " + Path.of("").toAbsolutePath()
                + "; run from inside it or pass --repo-dir");
    }
}
