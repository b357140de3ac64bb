package dev.forestwatch.local.generator;

import dev.forestwatch.local.Flags;
import dev.forestwatch.local.Logging;
import dev.forestwatch.local.PipelineNames;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.regions.Region;

/**
 * The seed's Python sensor generator, writing to a Kafka topic or, like the seed, a Kinesis stream: JSON
 * values {@code {"iotName":"DemoSensor","iotValue":15}} keyed by sensor name, paced at a total rate.
 *
 * <pre>{@code
 * SensorSimulator.Result r = new SensorSimulator(SensorSimulator.Options.builder(bootstrap)
 *         .sensors(3).recordsPerSecond(20).maxRecords(500).build()).run();
 * SensorSimulator.Result k = new SensorSimulator(SensorSimulator.Options.builder(KinesisTarget.of("RawStreamData"))
 *         .maxRecords(500).build()).run();
 * }</pre>
 *
 * {@link #run()} blocks until the duration or record count is reached or {@link #stop()} is called.
 */
public final class SensorSimulator {
    public static final String DEFAULT_TOPIC = PipelineNames.INPUT_TOPIC;

    private final Options options;
    private volatile boolean stopRequested;
    private volatile Thread runner;
    private volatile WriteCounts liveCounts;
    private volatile long anomaliesSent;

    public SensorSimulator(Options options) {
        this.options = Objects.requireNonNull(options);
    }

    /** What to simulate. Build with {@link #builder(String)}. */
    public record Options(
            String bootstrapServers,
            String topic,
            KinesisTarget kinesis,
            int sensors,
            double recordsPerSecond,
            double anomalyRatio,
            Duration duration,
            long maxRecords,
            long seed,
            Duration progressInterval,
            PrintStream progressOut) {

        /**
         * @param bootstrapServers the Kafka cluster to write {@code topic} of, or null to write {@code kinesis}
         * @param kinesis the Kinesis stream to write instead of Kafka, or null
         * @param duration null to run until stopped or {@code maxRecords} is reached
         * @param maxRecords 0 for no limit
         * @param recordsPerSecond total over all sensors; 0 for unpaced
         * @param progressOut where progress lines go, or null for none
         */
        public Options {
            if ((bootstrapServers == null) == (kinesis == null)) {
                throw new IllegalArgumentException("Give either Kafka bootstrap servers or a Kinesis stream, not "
                        + (kinesis == null ? "neither" : "both"));
            }
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(progressInterval, "progressInterval");
            if (sensors < 1) {
                throw new IllegalArgumentException("sensors must be >= 1, got " + sensors);
            }
            if (!(recordsPerSecond >= 0) || Double.isInfinite(recordsPerSecond)) {
                throw new IllegalArgumentException("records/s must be a finite number >= 0, got " + recordsPerSecond);
            }
            if (!(anomalyRatio >= 0 && anomalyRatio <= 1)) {
                throw new IllegalArgumentException("anomaly ratio must be in [0, 1], got " + anomalyRatio);
            }
            if (duration != null && duration.isNegative()) {
                throw new IllegalArgumentException("duration must not be negative, got " + duration);
            }
            if (maxRecords < 0) {
                throw new IllegalArgumentException("max records must be >= 0, got " + maxRecords);
            }
        }

        public static Builder builder(String bootstrapServers) {
            return new Builder(Objects.requireNonNull(bootstrapServers, "bootstrapServers"), null);
        }

        public static Builder builder(KinesisTarget kinesis) {
            return new Builder(null, Objects.requireNonNull(kinesis, "kinesis"));
        }
    }

    /** Defaults: topic RawStreamData (Kafka only), 1 sensor, 10 records/s, 1% anomalies, unbounded, random seed, progress every 5 s to stderr. */
    public static final class Builder {
        private final String bootstrapServers;
        private final KinesisTarget kinesis;
        private String topic = DEFAULT_TOPIC;
        private int sensors = 1;
        private double recordsPerSecond = 10;
        private double anomalyRatio = 0.01;
        private Duration duration;
        private long maxRecords;
        private long seed = ThreadLocalRandom.current().nextLong();
        private Duration progressInterval = Duration.ofSeconds(5);
        private PrintStream progressOut = System.err;

        private Builder(String bootstrapServers, KinesisTarget kinesis) {
            this.bootstrapServers = bootstrapServers;
            this.kinesis = kinesis;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }
        public Builder sensors(int sensors) {
            this.sensors = sensors;
            return this;
        }
        public Builder recordsPerSecond(double recordsPerSecond) {
            this.recordsPerSecond = recordsPerSecond;
            return this;
        }
        public Builder anomalyRatio(double anomalyRatio) {
            this.anomalyRatio = anomalyRatio;
            return this;
        }
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }
        public Builder maxRecords(long maxRecords) {
            this.maxRecords = maxRecords;
            return this;
        }
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }
        public Builder progressInterval(Duration progressInterval) {
            this.progressInterval = progressInterval;
            return this;
        }
        public Builder progressOut(PrintStream progressOut) {
            this.progressOut = progressOut;
            return this;
        }

        public Options build() {
            return new Options(bootstrapServers, topic, kinesis, sensors, recordsPerSecond, anomalyRatio, duration,
                    maxRecords,
                    seed, progressInterval, progressOut);
        }
    }

    /**
     * Counts at the end of {@link #run()}. {@code acknowledged + failed == sent} because run() flushes
     * the writer before returning. {@code retried} counts Kinesis entries sent again (0 for Kafka, whose
     * producer retries out of sight).
     */
    public record Result(long sent, long anomalies, long acknowledged, long failed, long retried, Duration elapsed) {
    }

    /** Produces until the duration or record count is reached, or {@link #stop()} is called. */
    public Result run() {
        runner = Thread.currentThread();
        try (ReadingWriter writer = options.kinesis() != null
                ? KinesisReadingWriter.open(options.kinesis())
                : new KafkaReadingWriter(options.bootstrapServers(), options.topic())) {
            return produce(writer);
        } finally {
            runner = null;
        }
    }

    /** Makes {@link #run()} return promptly (after flushing what was sent). Safe from any thread. */
    public void stop() {
        stopRequested = true;
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Readings the destination has acknowledged so far (Kinesis: PutRecords accepted them); for status lines. */
    public long acknowledged() {
        WriteCounts c = liveCounts;
        return c == null ? 0 : c.acknowledged();
    }

    /** Anomalous readings generated so far. */
    public long anomaliesSent() {
        return anomaliesSent;
    }

    private Result produce(ReadingWriter writer) {
        liveCounts = writer.counts();
        SensorReadingGenerator generator = new SensorReadingGenerator(options.sensors(), options.anomalyRatio(),
                options.seed());
        RatePacer pacer = new RatePacer(options.recordsPerSecond());
        Progress progress = new Progress();
        WriteCounts counts = writer.counts();
        long started = System.nanoTime();
        long deadline = options.duration() == null ? Long.MAX_VALUE : started + options.duration().toNanos();
        long sent = 0;
        long anomalies = 0;
        printf("simulator: %d sensor(s) %s -> %s at %s, %.2f%% anomalies, seed %d%n",
                options.sensors(), generator.sensors(), writer.describe(),
                options.recordsPerSecond() == 0 ? "max rate" : fmt(options.recordsPerSecond()) + " records/s",
                options.anomalyRatio() * 100, options.seed());

        while (!stopRequested && (options.maxRecords() == 0 || sent < options.maxRecords())) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            long wait = Math.min(pacer.nanosUntilNext(now), deadline - now);
            if (wait > 0) {
                LockSupport.parkNanos(this, wait); // stop() unparks; the loop re-checks everything
                continue;
            }
            SensorReading reading = generator.next();
            writer.write(reading);
            pacer.recordSent();
            sent++;
            if (reading.anomaly()) {
                anomalies++;
                anomaliesSent = anomalies;
            }
            progress.maybePrint(now, sent, anomalies, counts);
        }
        writer.flush();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Result result = new Result(sent, anomalies, counts.acknowledged(), counts.failed(), counts.retried(), elapsed);
        printf("simulator: done, %d sent in %.1f s (%s records/s), %d anomalies, %d acknowledged, %d failed%s%n",
                sent, elapsed.toMillis() / 1000.0, fmt(sent / Math.max(1e-9, elapsed.toNanos() / 1e9)),
                anomalies, result.acknowledged(), result.failed(), retried(counts));
        if (counts.firstError() != null) {
            printf("simulator: first send error: %s%n", counts.firstError());
        }
        return result;
    }

    /** ", N retried" for Kinesis; nothing for Kafka, which does not tell. */
    private String retried(WriteCounts counts) {
        return options.kinesis() == null ? "" : ", " + counts.retried() + " retried";
    }

    /** Prints a progress line every interval, with the rate over that interval. */
    private final class Progress {
        private long lastAt = System.nanoTime();
        private long lastSent;
        private boolean errorShown;

        void maybePrint(long now, long sent, long anomalies, WriteCounts counts) {
            long elapsed = now - lastAt;
            if (elapsed < options.progressInterval().toNanos()) {
                return;
            }
            double rate = (sent - lastSent) / (elapsed / 1e9);
            printf("simulator: %d sent (%s records/s), %d anomalies, %d failed%s%n",
                    sent, fmt(rate), anomalies, counts.failed(), retried(counts));
            String firstError = counts.firstError();
            if (firstError != null && !errorShown) {
                printf("simulator: send error: %s%n", firstError);
                errorShown = true;
            }
            lastAt = now;
            lastSent = sent;
        }
    }

    private void printf(String format, Object... args) {
        if (options.progressOut() != null) {
            options.progressOut().printf(Locale.ROOT, format, args);
        }
    }

    private static String fmt(double rate) {
        return String.format(Locale.ROOT, "%.1f", rate);
    }

    /** See {@link #USAGE}. */
    public static void main(String[] args) {
        Logging.useBundledConfig(Logging.CONSOLE_CONFIG);
        Options options = Flags.readOrExit(args, USAGE, SensorSimulator::optionsFrom);
        if (options == null) {
            return;
        }
        SensorSimulator simulator = new SensorSimulator(options);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.stop();
            awaitQuietly(finished, Duration.ofSeconds(15)); // let run() flush before the JVM goes
        }, "simulator-shutdown"));
        Result result;
        try {
            result = simulator.run();
        } finally {
            finished.countDown();
        }
        System.exit(result.failed() == 0 ? 0 : 1);
    }

    public static final String USAGE = String.join("\n",
            "Usage: SensorSimulator [flags]",
            "Kafka (the default):",
            "  --bootstrap HOST:PORT      Kafka bootstrap servers (default 127.0.0.1:9092)",
            "  --topic NAME               topic to write (default " + DEFAULT_TOPIC + ")",
            "Kinesis instead (credentials from the AWS SDK default chain, e.g. AWS_ACCESS_KEY_ID and",
            "AWS_SECRET_ACCESS_KEY; an emulator takes any):",
            "  --kinesis-stream NAME      Kinesis data stream to write, e.g. " + DEFAULT_TOPIC,
            "  --kinesis-endpoint URL     endpoint override, e.g. an emulator's http://127.0.0.1:4567",
            "  --region R                 AWS region (default: the SDK default chain, else us-east-1)",
            "  --kinesis-retry-seconds S  count a batch's records as failed after retrying them S seconds (default "
                    + KinesisTarget.DEFAULT_RETRY_TIMEOUT.toSeconds() + ")",
            "Both:",
            "  --sensors N                sensor count: DemoSensor, or DemoSensor-1..N when N > 1 (default 1)",
            "  --rate R                   records/s over all sensors, 0 = unpaced (default 10)",
            "  --anomaly-ratio P          share of anomalies, value 100-120 instead of 10-20 (default 0.01)",
            "  --seconds S                stop after S seconds (default: run until Ctrl+C)",
            "  --records N                stop after N records",
            "  --seed N                   random seed (default: random, printed at start)");

    public static Options optionsFrom(Flags flags) {
        Builder b;
        if (flags.has("kinesis-stream")) {
            if (flags.has("bootstrap") || flags.has("topic")) {
                throw new IllegalArgumentException(
                        "--bootstrap and --topic are for Kafka; --kinesis-stream writes Kinesis instead");
            }
            b = Options.builder(kinesisTargetFrom(flags));
        } else {
            if (flags.has("kinesis-endpoint") || flags.has("region") || flags.has("kinesis-retry-seconds")) {
                throw new IllegalArgumentException(
                        "--kinesis-endpoint, --region and --kinesis-retry-seconds need --kinesis-stream");
            }
            b = Options.builder(flags.string("bootstrap", "127.0.0.1:9092"))
                    .topic(flags.string("topic", DEFAULT_TOPIC));
        }
        b.sensors(flags.intValue("sensors", 1))
                .recordsPerSecond(flags.doubleValue("rate", 10))
                .anomalyRatio(flags.doubleValue("anomaly-ratio", 0.01))
                .maxRecords(flags.longValue("records", 0));
        if (flags.has("seconds")) {
            b.duration(Duration.ofMillis((long) (flags.doubleValue("seconds", 0) * 1000)));
        }
        if (flags.has("seed")) {
            b.seed(flags.longValue("seed", 0));
        }
        return b.build();
    }

    private static KinesisTarget kinesisTargetFrom(Flags flags) {
        KinesisTarget target = KinesisTarget.of(flags.string("kinesis-stream", null));
        if (flags.has("kinesis-endpoint")) {
            target = target.withEndpoint(endpointFrom(flags.string("kinesis-endpoint", null)));
        }
        if (flags.has("region")) {
            target = target.withRegion(Region.of(flags.string("region", null)));
        }
        double retrySeconds = flags.doubleValue("kinesis-retry-seconds",
                KinesisTarget.DEFAULT_RETRY_TIMEOUT.toSeconds());
        if (!(retrySeconds >= 0) || Double.isInfinite(retrySeconds)) {
            throw new IllegalArgumentException(
                    "--kinesis-retry-seconds must be a finite number >= 0, got " + retrySeconds);
        }
        return target.withRetryTimeout(Duration.ofMillis((long) (retrySeconds * 1000)));
    }

    private static URI endpointFrom(String url) {
        try {
            URI endpoint = new URI(url);
            if (endpoint.getScheme() != null && endpoint.getHost() != null) {
                return endpoint;
            }
        } catch (URISyntaxException e) {
            // the message below says what a URL looks like; the parser's index would not help more
        }
        throw new IllegalArgumentException(
                "--kinesis-endpoint expects a URL such as http://127.0.0.1:4567, got '" + url + "'");
    }

    static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
