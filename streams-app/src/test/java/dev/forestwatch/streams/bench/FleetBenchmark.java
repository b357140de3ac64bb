package dev.forestwatch.streams.bench;

import dev.forestwatch.local.Flags;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.TopicCreation;
import dev.forestwatch.streams.App;
import dev.forestwatch.streams.config.AppConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A fleet through the real topology on a real broker: N sensors are warmed (each sensor's first records sent in a
 * burst, as a backfill would, until its forest scores), then report at a fixed interval of wall time for a while,
 * evenly or skewed (10% of the sensors send 90% of the records). Prints warm-up time and rate, heap used and per
 * warmed sensor, then for the paced phase records/s, restores/s, p50/p99 latency from broker append to scored output
 * (read_committed, so it includes the per-second ordering and the commit), and late records. A command, not a test:
 * {@code ./forestwatch bench-fleet [flags]}; it exits by itself.
 */
public final class FleetBenchmark {

    static final String USAGE = """
            Usage: ./forestwatch bench-fleet [flags]
              --sensors N            sensors in the fleet (1000)
              --interval-ms I        each sensor reports every I ms of wall time in the paced phase (5000);
                                     with --skewed the fleet's total rate is the same, N per I ms
              --seconds S            length of the paced phase (30)
              --warm-records W       records per sensor in the warm-up (the preset's forest.output.after + 1)
              --skewed               paced phase: 10% of the sensors send 90% of the records
              --cache K              forest.cache.max.sensors (1000, the app's default)
              --preset P             default | compact (forest.trees=40, forest.sample.size=128,
                                     forest.bounding.box.cache.fraction=0.1)
              --partitions P         input topic partitions (2)
              --bootstrap HOST:PORT  an already running broker (e.g. ./forestwatch kafka, its own JVM);
                                     default: a broker in this JVM
              --app-settings K=V,..  more app or Kafka Streams settings
              --timeout S            give up on a phase after S seconds (1800)
            """;

    /** The compact preset: about 1/6 of the default forest's heap (README "Fleet scale"). */
    static final Map<String, String> COMPACT = Map.of(AppConfig.FOREST_TREES_CONFIG, "40",
            AppConfig.FOREST_SAMPLE_SIZE_CONFIG, "128", AppConfig.FOREST_BOUNDING_BOX_CACHE_FRACTION_CONFIG, "0.1");

    private static final String HEADER_LATE = "forestwatch.late";
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    /** Command-line settings; see {@link #USAGE}. */
    record Options(int sensors, long intervalMs, int seconds, int warmRecords, boolean skewed, int cache,
            String preset, int partitions, String bootstrap, Map<String, String> appSettings, int timeoutSeconds) {
    }

    private FleetBenchmark() {
    }

    public static void main(final String[] args) {
        BenchCommand.main("bench-fleet", args, USAGE, FleetBenchmark::read, FleetBenchmark::run);
    }

    /** The options, or null for --help; an IllegalArgumentException for a bad or unknown flag. */
    static Options parse(final String[] args) {
        return Flags.read(args, USAGE, FleetBenchmark::read);
    }

    /** The options the flags give; {@link Flags#read} rejects the unknown ones afterwards. */
    private static Options read(final Flags flags) {
        final Options o = new Options(BenchCommand.atLeast(flags, "sensors", 1000, 1),
                BenchCommand.atLeast(flags, "interval-ms", 5000, 1),
                BenchCommand.atLeast(flags, "seconds", 30, 1),
                // -1: the preset's forest.output.after + 1, which run() reads from the preset's config
                flags.has("warm-records") ? BenchCommand.atLeast(flags, "warm-records", 1, 1) : -1,
                flags.has("skewed"),
                BenchCommand.atLeast(flags, "cache", 1000, 1),
                flags.string("preset", "default"),
                BenchCommand.atLeast(flags, "partitions", 2, 1),
                flags.string("bootstrap", null),
                BenchCommand.appSettings(flags.string("app-settings", null)),
                BenchCommand.atLeast(flags, "timeout", 1800, 1));
        if (!o.preset().equals("default") && !o.preset().equals("compact")) {
            throw new IllegalArgumentException("--preset is default or compact, not " + o.preset());
        }
        return o;
    }

    private static void run(final Options o) throws Exception {
        final Map<String, String> settings = new HashMap<>();
        if (o.preset().equals("compact")) {
            settings.putAll(COMPACT);
        }
        settings.put(AppConfig.CACHE_MAX_SENSORS_CONFIG, Integer.toString(o.cache()));
        settings.putAll(o.appSettings());
        System.out.printf(Locale.ROOT, "bench-fleet: %,d sensors, preset %s, cache %,d, %s paced phase of %d s at "
                + "one record per sensor per %,d ms (%,.0f records/s), %d cores, max heap %,d MB%n", o.sensors(),
                o.preset(), o.cache(), o.skewed() ? "skewed (10% of sensors send 90%)" : "even", o.seconds(),
                o.intervalMs(), o.sensors() * 1000.0 / o.intervalMs(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        EmbeddedKafka embedded = null;
        try {
            String bootstrap = o.bootstrap();
            if (bootstrap == null) {
                System.out.println("bench-fleet: starting a Kafka broker in this JVM (--bootstrap for one in its own)");
                embedded = EmbeddedKafka.start();
                bootstrap = embedded.bootstrapServers();
            }
            new Fleet(o, bootstrap, settings).run();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** One run: topics, the app, the two phases. */
    private static final class Fleet {
        private final Options o;
        private final String bootstrap;
        private final AppConfig config;
        private final String input;
        private final String output;
        private final String appId;
        private final Path stateDir;
        private final List<Long> latenciesMs = new ArrayList<>();
        private long outputs;
        private long late;

        Fleet(final Options o, final String bootstrap, final Map<String, String> settings) {
            this.o = o;
            this.bootstrap = bootstrap;
            final String run = Long.toString(System.currentTimeMillis());
            this.input = "fleet-input-" + run;
            this.output = "fleet-output-" + run;
            this.appId = "forestwatch-fleet-" + run;
            this.stateDir = ScoringBenchmark.tempDir("fw-bench-fleet");
            final Map<String, Object> all = new HashMap<>(settings);
            all.putAll(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    StreamsConfig.APPLICATION_ID_CONFIG, appId, StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                    AppConfig.INPUT_TOPIC_CONFIG, input, AppConfig.OUTPUT_TOPIC_CONFIG, output,
                    AppConfig.DEAD_LETTER_TOPIC_CONFIG, "fleet-dead-letters-" + run));
            this.config = new AppConfig(all);
        }

        void run() throws Exception {
            createTopics();
            final int warm = o.warmRecords() > 0 ? o.warmRecords() : config.modelSettings().outputAfter() + 1;
            try (KafkaProducer<byte[], byte[]> producer = producer();
                    KafkaConsumer<byte[], byte[]> consumer = consumer();
                    App app = new App(config).start()) {
                final long deadline = System.nanoTime() + o.timeoutSeconds() * 1_000_000_000L;
                while (app.streams().state() != KafkaStreams.State.RUNNING) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the app did not reach RUNNING: " + app.streams().state());
                    }
                    consumer.poll(Duration.ofMillis(100));
                }
                final long baseHeap = usedHeapAfterGc();

                final long warmStart = System.nanoTime();
                final SplittableRandom random = new SplittableRandom(42);
                long sent = 0;
                for (int s = 0; s < o.sensors(); s++) {
                    for (int r = 0; r < warm; r++) {
                        send(producer, s, random, (int) (sent++ % o.partitions()));
                    }
                }
                producer.flush();
                drain(consumer, app, sent, "warm-up", false, o.timeoutSeconds());
                final double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
                final long warmedHeap = usedHeapAfterGc();
                final int live = Math.min(o.sensors(), o.cache());
                System.out.printf(Locale.ROOT, "warm-up: %,d records (%d per sensor) in %.1f s, %,.0f records/s; heap "
                        + "used %,d MB (%,d MB before), %,.0f KB per live warmed sensor (%,d live)%n", sent, warm,
                        warmSeconds, sent / warmSeconds, warmedHeap >> 20, baseHeap >> 20,
                        (warmedHeap - baseHeap) / 1024.0 / live, live);

                latenciesMs.clear();
                late = 0;
                final double restoresBefore = metric(app, "forest-restores-total");
                final long pacedStart = System.nanoTime();
                final long pacedSent = paced(producer, consumer, app, random);
                drain(consumer, app, sent + pacedSent, "paced", true, o.timeoutSeconds());
                final double pacedSeconds = (System.nanoTime() - pacedStart) / 1e9;
                final double restores = metric(app, "forest-restores-total") - restoresBefore;
                final long[] lat = latenciesMs.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "paced: %,d records in %.1f s, %,.0f records/s (offered %,.0f); "
                        + "restores %,.0f (%,.1f/s); latency append->scored output p50 %,d ms, p99 %,d ms; "
                        + "%,d late; heap used %,d MB%n", pacedSent, pacedSeconds, pacedSent / pacedSeconds,
                        o.sensors() * 1000.0 / o.intervalMs(), restores, restores / pacedSeconds,
                        percentile(lat, 0.50), percentile(lat, 0.99), late, usedHeapAfterGc() >> 20);
                System.out.printf(Locale.ROOT, "| %,d | %s | %,d | %s | %.0f | %,.0f | %,.0f | %,.1f | %,d / %,d "
                        + "| %,d |%n", o.sensors(), o.preset(), o.cache(), o.skewed() ? "skewed" : "even",
                        warmSeconds, sent / warmSeconds, (warmedHeap - baseHeap) / 1024.0 / live,
                        restores / pacedSeconds, percentile(lat, 0.50), percentile(lat, 0.99), late);
            } finally {
                ScoringBenchmark.deleteRecursively(stateDir);
            }
        }

        /** One record per sensor per interval, spread evenly over the interval; returns how many were sent. */
        private long paced(final KafkaProducer<byte[], byte[]> producer, final KafkaConsumer<byte[], byte[]> consumer,
                final App app, final SplittableRandom random) {
            final double perSecond = o.sensors() * 1000.0 / o.intervalMs();
            final long start = System.nanoTime();
            final long end = start + o.seconds() * 1_000_000_000L;
            final int hot = Math.max(1, o.sensors() / 10);
            long sent = 0;
            long nextProgress = start + PROGRESS_NANOS;
            long i = 0;
            while (System.nanoTime() < end) {
                final long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
                while (i < due) {
                    final int sensor;
                    if (!o.skewed()) {
                        sensor = (int) (i % o.sensors());
                    } else if (random.nextDouble() < 0.9 || hot == o.sensors()) {
                        sensor = random.nextInt(hot);
                    } else {
                        sensor = hot + random.nextInt(o.sensors() - hot);
                    }
                    send(producer, sensor, random, (int) (i % o.partitions()));
                    i++;
                    sent++;
                }
                poll(consumer, true);
                if (System.nanoTime() >= nextProgress) {
                    System.out.printf(Locale.ROOT, "paced: %,d sent, %,d scored out, %.0f s, restores so far %,.0f%n",
                            sent, outputs, (System.nanoTime() - start) / 1e9, metric(app, "forest-restores-total"));
                    nextProgress += PROGRESS_NANOS;
                }
            }
            producer.flush();
            return sent;
        }

        private void send(final KafkaProducer<byte[], byte[]> producer, final int sensor,
                final SplittableRandom random, final int partition) {
            final String name = "fleet-" + sensor;
            producer.send(new ProducerRecord<>(input, partition, null, null,
                    BenchData.json(name, BenchData.nextValue(random))));
        }

        /** Reads output until {@code expected} records are out in all, printing progress. */
        private void drain(final KafkaConsumer<byte[], byte[]> consumer, final App app, final long expected,
                final String phase, final boolean timed, final int timeoutSeconds) {
            final long start = System.nanoTime();
            final long deadline = start + timeoutSeconds * 1_000_000_000L;
            long nextProgress = start + PROGRESS_NANOS;
            while (outputs < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(phase + ": only " + outputs + " of " + expected
                            + " records out after " + timeoutSeconds + " s (--timeout)");
                }
                poll(consumer, timed);
                if (System.nanoTime() >= nextProgress) {
                    System.out.printf(Locale.ROOT, "%s: %,d/%,d scored records out, app %s, restores %,.0f%n", phase,
                            outputs, expected, app.streams().state(), metric(app, "forest-restores-total"));
                    nextProgress += PROGRESS_NANOS;
                }
            }
        }

        private void poll(final KafkaConsumer<byte[], byte[]> consumer, final boolean timed) {
            final long now = System.currentTimeMillis();
            for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                outputs++;
                if (r.headers().lastHeader(HEADER_LATE) != null) {
                    late++;
                }
                if (timed) {
                    // the output keeps the input's ROWTIME: its broker append time (LogAppendTime input topic)
                    latenciesMs.add(Math.max(0, now - r.timestamp()));
                }
            }
        }

        private void createTopics() throws Exception {
            final Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(p)) {
                // led before the warm-up's burst: a first send to an unled partition waits out a retry backoff
                TopicCreation.createIfMissing(admin, List.of(
                        new NewTopic(input, o.partitions(), (short) 1).configs(TopicCreation.INPUT_TOPIC_CONFIGS),
                        new NewTopic(output, o.partitions(), (short) 1),
                        new NewTopic(config.deadLetterTopic(), 1, (short) 1)), Duration.ofSeconds(60));
            }
        }

        private KafkaProducer<byte[], byte[]> producer() {
            final Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }

        private KafkaConsumer<byte[], byte[]> consumer() {
            final Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            final KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            final List<TopicPartition> tps = c.partitionsFor(output).stream()
                    .map(i -> new TopicPartition(output, i.partition())).collect(Collectors.toList());
            c.assign(tps);
            c.seekToBeginning(tps);
            return c;
        }
    }

    static double metric(final App app, final String name) {
        return app.streams().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("stream-forestwatch-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Nearest rank: the value that a share {@code p} of the sorted values does not exceed; -1 for none. */
    static long percentile(final long[] sorted, final double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
    }
}
