package dev.forestwatch.local;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The seed's Python sensor generator, writing to a Kafka topic instead of Kinesis: JSON values
 * {@code {"iotName":"DemoSensor","iotValue":15}} keyed by sensor name, paced at a total rate.
 *
 * <pre>{@code
 * SensorSimulator.Result r = new SensorSimulator(SensorSimulator.Options.builder(bootstrap)
 *         .sensors(3).recordsPerSecond(20).maxRecords(500).build()).run();
 * }</pre>
 *
 * {@link #run()} blocks until the duration or record count is reached or {@link #stop()} is called.
 */
public final class SensorSimulator {
    public static final String DEFAULT_TOPIC = "RawStreamData";

    private final Options options;
    private volatile boolean stopRequested;
    private volatile Thread runner;

    public SensorSimulator(Options options) {
        this.options = Objects.requireNonNull(options);
    }

    /** What to simulate. Build with {@link #builder(String)}. */
    public record Options(
            String bootstrapServers,
            String topic,
            int sensors,
            double recordsPerSecond,
            double anomalyRatio,
            Duration duration,
            long maxRecords,
            long seed,
            Duration progressInterval,
            PrintStream progressOut) {

        /**
         * @param duration null to run until stopped or {@code maxRecords} is reached
         * @param maxRecords 0 for no limit
         * @param recordsPerSecond total over all sensors; 0 for unpaced
         * @param progressOut where progress lines go, or null for none
         */
        public Options {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
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
            return new Builder(bootstrapServers);
        }
    }

    /** Defaults: topic RawStreamData, 1 sensor, 10 records/s, 1% anomalies, unbounded, random seed, progress every 5 s to stderr. */
    public static final class Builder {
        private final String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private int sensors = 1;
        private double recordsPerSecond = 10;
        private double anomalyRatio = 0.01;
        private Duration duration;
        private long maxRecords;
        private long seed = ThreadLocalRandom.current().nextLong();
        private Duration progressInterval = Duration.ofSeconds(5);
        private PrintStream progressOut = System.err;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Builder topic(String topic) { this.topic = topic; return this; }
        public Builder sensors(int sensors) { this.sensors = sensors; return this; }
        public Builder recordsPerSecond(double recordsPerSecond) { this.recordsPerSecond = recordsPerSecond; return this; }
        public Builder anomalyRatio(double anomalyRatio) { this.anomalyRatio = anomalyRatio; return this; }
        public Builder duration(Duration duration) { this.duration = duration; return this; }
        public Builder maxRecords(long maxRecords) { this.maxRecords = maxRecords; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder progressInterval(Duration progressInterval) { this.progressInterval = progressInterval; return this; }
        public Builder progressOut(PrintStream progressOut) { this.progressOut = progressOut; return this; }

        public Options build() {
            return new Options(bootstrapServers, topic, sensors, recordsPerSecond, anomalyRatio, duration, maxRecords,
                    seed, progressInterval, progressOut);
        }
    }

    /**
     * Counts at the end of {@link #run()}. {@code acknowledged + failed == sent} because run() flushes
     * the producer before returning.
     */
    public record Result(long sent, long anomalies, long acknowledged, long failed, Duration elapsed) {}

    /** Produces until the duration or record count is reached, or {@link #stop()} is called. */
    public Result run() {
        runner = Thread.currentThread();
        try (Producer<String, String> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new StringSerializer())) {
            return produce(producer);
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

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "forestwatch-sensor-simulator",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // A few ms of batching is invisible at demo rates and saves requests at high ones.
                ProducerConfig.LINGER_MS_CONFIG, 5);
    }

    private Result produce(Producer<String, String> producer) {
        SensorReadingGenerator generator = new SensorReadingGenerator(options.sensors(), options.anomalyRatio(), options.seed());
        RatePacer pacer = new RatePacer(options.recordsPerSecond());
        Progress progress = new Progress();
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        long started = System.nanoTime();
        long deadline = options.duration() == null ? Long.MAX_VALUE : started + options.duration().toNanos();
        long sent = 0;
        long anomalies = 0;
        printf("simulator: %d sensor(s) %s -> topic %s at %s, %.2f%% anomalies, seed %d%n",
                options.sensors(), generator.sensors(), options.topic(),
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
            producer.send(new ProducerRecord<>(options.topic(), reading.sensor(), reading.toJson()), (metadata, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, error);
                }
            });
            pacer.recordSent();
            sent++;
            if (reading.anomaly()) {
                anomalies++;
            }
            progress.maybePrint(now, sent, anomalies, failed.get(), firstError.get());
        }
        producer.flush();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Result result = new Result(sent, anomalies, acked.get(), failed.get(), elapsed);
        printf("simulator: done, %d sent in %.1f s (%s records/s), %d anomalies, %d acknowledged, %d failed%n",
                sent, elapsed.toMillis() / 1000.0, fmt(sent / Math.max(1e-9, elapsed.toNanos() / 1e9)),
                anomalies, result.acknowledged(), result.failed());
        if (firstError.get() != null) {
            printf("simulator: first send error: %s%n", firstError.get());
        }
        return result;
    }

    /** Prints a progress line every interval, with the rate over that interval. */
    private final class Progress {
        private long lastAt = System.nanoTime();
        private long lastSent;
        private boolean errorShown;

        void maybePrint(long now, long sent, long anomalies, long failed, Exception firstError) {
            long elapsed = now - lastAt;
            if (elapsed < options.progressInterval().toNanos()) {
                return;
            }
            double rate = (sent - lastSent) / (elapsed / 1e9);
            printf("simulator: %d sent (%s records/s), %d anomalies, %d failed%n", sent, fmt(rate), anomalies, failed);
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

    /** {@code --bootstrap --topic --sensors --rate --anomaly-ratio --seconds --records --seed}. */
    public static void main(String[] args) {
        Logging.useBundledConfig(Logging.CONSOLE_CONFIG);
        Options options;
        try {
            Flags flags = Flags.parse(args);
            if (flags.has("help")) {
                System.out.println(USAGE);
                return;
            }
            options = optionsFrom(flags);
            flags.rejectUnknown();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
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

    static final String USAGE = String.join("\n",
            "Usage: SensorSimulator [flags]",
            "  --bootstrap HOST:PORT   Kafka bootstrap servers (default 127.0.0.1:9092)",
            "  --topic NAME            topic to write (default " + DEFAULT_TOPIC + ")",
            "  --sensors N             sensor count: DemoSensor, or DemoSensor-1..N when N > 1 (default 1)",
            "  --rate R                records/s over all sensors, 0 = unpaced (default 10)",
            "  --anomaly-ratio P       share of anomalies, value 100-120 instead of 10-20 (default 0.01)",
            "  --seconds S             stop after S seconds (default: run until Ctrl+C)",
            "  --records N             stop after N records",
            "  --seed N                random seed (default: random, printed at start)");

    static Options optionsFrom(Flags flags) {
        Builder b = Options.builder(flags.string("bootstrap", "127.0.0.1:9092"))
                .topic(flags.string("topic", DEFAULT_TOPIC))
                .sensors(flags.intValue("sensors", 1))
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

    static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
