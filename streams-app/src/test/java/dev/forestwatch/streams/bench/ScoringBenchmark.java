package dev.forestwatch.streams.bench;

import com.amazon.randomcutforest.RandomCutForest;
import dev.forestwatch.local.Flags;
import dev.forestwatch.streams.bench.BenchData.Rec;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.score.Expectation;
import dev.forestwatch.streams.score.ExpectationReader;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.SensorModel;
import dev.forestwatch.streams.topology.ForestwatchTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Scoring throughput of the streams app next to the bare Random Cut Forest loop it wraps, in one process, on the
 * same records: raw RandomCutForest, raw SensorModel (the app's per-record model work), the production topology in
 * a TopologyTestDriver, and the app against a real (in-process) broker; plus heap per warmed sensor and the ratio
 * topology/raw. A command, not a test: run it with {@code ./forestwatch bench [flags]}.
 */
public final class ScoringBenchmark {

    static final String MODE_RCF = "raw RandomCutForest (score+update)";
    static final String MODE_MODEL = "raw SensorModel (TRCF, the app's model)";
    static final String MODE_TTD = "topology, TopologyTestDriver (in-memory)";
    static final String MODE_TTD_KEYED = "  same, input keyed by sensor (one hop less)";
    static final String MODE_BROKER = "topology, real broker (EOS, rocksdb)";
    static final String MODE_MODEL_AROUND = "raw SensorModel, just before and after broker";
    static final String MODE_MODEL_BAND = "  raw SensorModel + forecast band";
    static final String MODE_TTD_BARE = "  TTD, anomaly.confidence.enabled=false";
    static final String MODE_TTD_BAND = "  TTD, anomaly.expected.enabled=true";
    static final double TARGET_RATIO = 0.80;

    /** Keeps results alive so the JIT cannot drop the scoring as dead code. */
    static volatile double sink;

    private ScoringBenchmark() {
    }

    /** A timed run of one mode. */
    record Run(String mode, int records, double seconds) {
        double rate() {
            return records / seconds;
        }
    }

    /** Command-line settings; see {@link #USAGE}. */
    record Options(int records, int brokerRecords, int sensors, int perSecond, int warmup, int rounds,
            int heapSensors, int heapRecords, long seed, boolean skipBroker, int brokerPartitions,
            int brokerTimeoutSeconds, Map<String, String> appSettings, boolean skipRicher, String bootstrap,
            int brokerWarmup, Long brokerPid) {
    }

    static final String USAGE = """
            Usage: ./forestwatch bench [flags]
              --records N            records for the raw loops and TopologyTestDriver (20000)
              --broker-records N     records through the real broker (same as --records)
              --sensors S            sensors taking turns (10)
              --rate R               records per simulated second, i.e. event-time spacing (50)
              --warmup N             records of the untimed warm-up pass of each mode (20000)
              --broker-warmup N      records through a separate app on the broker before the timed run, so
                                     the app's JIT and the broker's transaction coordinator are warm (20000)
              --rounds R             timed rounds of the raw and TTD modes, interleaved; the median is
                                     reported (3)
              --heap-sensors K       sensors warmed for the heap measurement (20)
              --seed N               data seed (42)
              --partitions P         input topic partitions for the broker run (2)
              --broker-timeout S     give up waiting for broker output after S seconds (300)
              --app-settings K=V,..  app or Kafka Streams settings for the broker run, e.g.
                                     num.stream.threads=2,commit.interval.ms=500
              --bootstrap HOST:PORT  an already running broker for the broker run (e.g. ./forestwatch kafka,
                                     its own JVM); default: a broker in this JVM
              --broker-pid PID       that broker's process, to print its CPU per 1,000 records (Linux /proc)
              --skip-broker          no broker run
              --skip-richer          no rows for the richer output (confidence off, forecast band on)
            """;

    public static void main(final String[] args) {
        BenchCommand.main("bench", args, USAGE, ScoringBenchmark::read, ScoringBenchmark::run);
    }

    private static void run(final Options o) throws Exception {
        final long started = System.nanoTime();
        final AppConfig defaults = new AppConfig(Map.of());
        final ModelSettings settings = defaults.modelSettings();
        System.out.printf(Locale.ROOT, "forestwatch scoring benchmark: %d sensors, %d records/s of event time, "
                + "%d trees, sample %d, shingle %d; %d cores, JDK %s, max heap %d MB%n", o.sensors(), o.perSecond(),
                settings.trees(), settings.sampleSize(), settings.shingleSize(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);

        final int total = Math.max(o.records(), o.skipBroker() ? 0 : Math.max(o.brokerRecords(), o.brokerWarmup()));
        // event time ends a minute before now: the broker rejects timestamps far in the future, and retention
        // would delete records more than a week old
        final long startMs = (System.currentTimeMillis() / 1000L - 60L - total / o.perSecond()) * 1000L;
        final List<Rec> data = BenchData.generate(total, o.sensors(), o.perSecond(), o.seed(), startMs);

        final int warm = Math.min(o.warmup(), o.records());
        System.out.printf(Locale.ROOT, "warm-up: %,d records through each mode, untimed (JIT)...%n", warm);
        System.out.printf(Locale.ROOT, "warm-up: %,.0f / %,.0f / %,.0f records/s (raw RCF / SensorModel / TTD)%n",
                rawRcf(data, warm, settings).rate(), rawModel(data, warm, settings).rate(),
                topologyTestDriver(data, warm).rate());

        // interleaved, so that a slow spell of this noisy machine hits every mode alike
        final Map<String, List<Run>> rounds = new LinkedHashMap<>();
        final CpuAttribution.Shares shares;
        try (CpuAttribution profile = new CpuAttribution()) {
            for (int round = 1; round <= o.rounds(); round++) {
                record(rounds, round, rawRcf(data, o.records(), settings));
                record(rounds, round, rawModel(data, o.records(), settings));
                record(rounds, round, topologyTestDriver(data, o.records()));
                record(rounds, round, topologyTestDriver(data, o.records(), true));
                if (!o.skipRicher()) {
                    record(rounds, round, rawModel(data, o.records(), settings, BAND));
                    record(rounds, round, topologyTestDriver(data, o.records(), false, MODE_TTD_BARE,
                            Map.of(AppConfig.CONFIDENCE_ENABLED_CONFIG, false)));
                    record(rounds, round, topologyTestDriver(data, o.records(), false, MODE_TTD_BAND,
                            Map.of(AppConfig.EXPECTED_ENABLED_CONFIG, true)));
                }
            }
            shares = profile.stop();
        }
        final Map<String, Run> results = new LinkedHashMap<>();
        rounds.forEach((mode, runs) -> results.put(mode, median(runs)));

        final double heapPerSensor = heapPerWarmedSensor(settings, o.heapSensors(), o.heapRecords(), o.seed());
        System.out.printf(Locale.ROOT, "heap: %d warmed sensors (%d records each) take %.2f MB each%n",
                o.heapSensors(), o.heapRecords(), heapPerSensor / (1024.0 * 1024.0));

        BrokerBenchmark.Result broker = null;
        double rawCpuMsPer1000 = Double.NaN;
        if (!o.skipBroker()) {
            // the raw loop again right before and after: the broker run is compared with the machine as it was then,
            // not minutes earlier (load from other processes moves both by a factor of two here)
            final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            final long cpuBefore = cpu.getCurrentThreadCpuTime();
            final Run before = rawModel(data, o.records(), settings);
            final long rawCpu = cpu.getCurrentThreadCpuTime() - cpuBefore;
            System.out.printf(Locale.ROOT, "raw SensorModel just before the broker run: %,.0f records/s%n",
                    before.rate());
            broker = new BrokerBenchmark(data, o.brokerRecords(), o.brokerWarmup(), o.brokerPartitions(),
                    Duration.ofSeconds(o.brokerTimeoutSeconds()), o.appSettings(), o.bootstrap(), o.brokerPid()).run();
            final long cpuAfter = cpu.getCurrentThreadCpuTime();
            final Run after = rawModel(data, o.records(), settings);
            rawCpuMsPer1000 = (rawCpu + cpu.getCurrentThreadCpuTime() - cpuAfter) / 1e6 / (2.0 * o.records()) * 1000;
            System.out.printf(Locale.ROOT, "raw SensorModel just after the broker run: %,.0f records/s%n",
                    after.rate());
            results.put(MODE_MODEL_AROUND, new Run(MODE_MODEL_AROUND, o.records(),
                    2 * o.records() / (before.rate() + after.rate())));
            results.put(MODE_BROKER, broker.run());
        }

        printTable(o, results, heapPerSensor, broker, rawCpuMsPer1000, shares, (System.nanoTime() - started) / 1e9);
    }

    /** The options, or null for --help; an IllegalArgumentException for a bad or unknown flag. */
    static Options parse(final String[] args) {
        return Flags.read(args, USAGE, ScoringBenchmark::read);
    }

    /** The options the flags give; {@link Flags#read} rejects the unknown ones afterwards. */
    private static Options read(final Flags flags) {
        final int records = BenchCommand.atLeast(flags, "records", 20_000, 1);
        final Options o = new Options(records,
                BenchCommand.atLeast(flags, "broker-records", records, 1),
                BenchCommand.atLeast(flags, "sensors", 10, 1),
                BenchCommand.atLeast(flags, "rate", 50, 1),
                BenchCommand.atLeast(flags, "warmup", 20_000, 0),
                BenchCommand.atLeast(flags, "rounds", 3, 1),
                BenchCommand.atLeast(flags, "heap-sensors", 20, 1),
                1_000,
                flags.intValue("seed", 42),
                flags.has("skip-broker"),
                BenchCommand.atLeast(flags, "partitions", 2, 1),
                BenchCommand.atLeast(flags, "broker-timeout", 300, 1),
                BenchCommand.appSettings(flags.string("app-settings", null)),
                flags.has("skip-richer"),
                flags.string("bootstrap", null),
                BenchCommand.atLeast(flags, "broker-warmup", 20_000, 0),
                flags.has("broker-pid") ? flags.longValue("broker-pid", 0) : null);
        return o;
    }

    private static void record(final Map<String, List<Run>> rounds, final int round, final Run run) {
        System.out.printf(Locale.ROOT, "round %d: %-42s %,8d records in %6.2f s = %,8.0f records/s%n", round,
                run.mode(), run.records(), run.seconds(), run.rate());
        rounds.computeIfAbsent(run.mode(), m -> new ArrayList<>()).add(run);
    }

    /** The run of median rate (for an even count, the mean rate of the middle two). */
    static Run median(final List<Run> runs) {
        final List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::rate));
        final int mid = sorted.size() / 2;
        if (sorted.size() % 2 == 1) {
            return sorted.get(mid);
        }
        final Run a = sorted.get(mid - 1);
        final double rate = (a.rate() + sorted.get(mid).rate()) / 2;
        return new Run(a.mode(), a.records(), a.records() / rate);
    }

    /** One RandomCutForest per sensor at the app's parameters; per record: score, then learn. */
    static Run rawRcf(final List<Rec> data, final int n, final ModelSettings s) {
        System.gc();
        final Map<String, RandomCutForest> forests = new HashMap<>();
        double sum = 0;
        final long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final Rec r = data.get(i);
            final RandomCutForest forest = forests.computeIfAbsent(r.sensor(), id -> RandomCutForest.builder()
                    .dimensions(s.shingleSize())
                    .shingleSize(s.shingleSize())
                    .numberOfTrees(s.trees())
                    .sampleSize(s.sampleSize())
                    .timeDecay(1.0 / s.timeDecay())
                    .outputAfter(s.outputAfter())
                    .randomSeed(s.seed() ^ id.hashCode())
                    .parallelExecutionEnabled(false)
                    .build());
            final float[] point = {(float) r.value()};
            sum += forest.getAnomalyScore(point);
            forest.update(point);
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        sink = sum;
        return new Run(MODE_RCF, n, seconds);
    }

    /** The band and the confidence, as anomaly.expected.enabled=true reads them around each record. */
    private static final ExpectationReader BAND = new ExpectationReader(true, true);

    /** The app's own per-record model work: {@link SensorModel#process}, one model per sensor. */
    static Run rawModel(final List<Rec> data, final int n, final ModelSettings s) {
        return rawModel(data, n, s, null);
    }

    /** @param band reads the forecast band around each record, or null */
    static Run rawModel(final List<Rec> data, final int n, final ModelSettings s, final ExpectationReader band) {
        System.gc();
        final Map<String, SensorModel> models = new HashMap<>();
        final Map<String, long[]> sequences = new HashMap<>();
        final String[] fields = {"iotValue"};
        double sum = 0;
        final long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final Rec r = data.get(i);
            final SensorModel model = models.computeIfAbsent(r.sensor(), id -> SensorModel.create(s, id, fields));
            final long[] seq = sequences.computeIfAbsent(r.sensor(), id -> new long[1]);
            final double[] values = {r.value()};
            final Expectation.Band forecast = band == null ? null : band.forecast(model, values);
            sum += model.process(values, ++seq[0]).score();
            if (forecast != null) {
                sum += band.read(model, forecast).band().expected()[0];
            }
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        sink = sum;
        return new Run(band == null ? MODE_MODEL : MODE_MODEL_BAND, n, seconds);
    }

    /**
     * The production topology in a TopologyTestDriver with in-memory stores: the driver commits after every record,
     * and with RocksDB each commit flushes a memtable to disk (~30 records/s), which would measure the driver, not
     * the app. Timed from the first record in until every scored record is out (the driver's setup excluded).
     */
    static Run topologyTestDriver(final List<Rec> data, final int n) {
        return topologyTestDriver(data, n, false);
    }

    /** @param keyed input keyed by sensor with input.partitioned.by.sensor=true, as from the Kinesis source */
    static Run topologyTestDriver(final List<Rec> data, final int n, final boolean keyed) {
        return topologyTestDriver(data, n, keyed, keyed ? MODE_TTD_KEYED : MODE_TTD, Map.of());
    }

    /** @param settings app settings on top of the benchmark's */
    static Run topologyTestDriver(final List<Rec> data, final int n, final boolean keyed, final String mode,
            final Map<String, Object> settings) {
        final Path stateDir = tempDir("fw-bench-ttd");
        final Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "forestwatch-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(AppConfig.STORE_TYPE_CONFIG, AppConfig.STORE_TYPE_IN_MEMORY);
        props.put(AppConfig.INPUT_PARTITIONS_CONFIG, 1);
        props.put(AppConfig.INPUT_PARTITIONED_BY_SENSOR_CONFIG, keyed);
        props.putAll(settings);
        final AppConfig config = new AppConfig(props);
        System.gc();
        try (TopologyTestDriver driver = new TopologyTestDriver(ForestwatchTopology.build(config),
                config.streamsProperties(), Instant.now())) {
            final TestInputTopic<byte[], byte[]> input = driver.createInputTopic(config.inputTopic(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            final TestOutputTopic<byte[], byte[]> output = driver.createOutputTopic(config.outputTopic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            final TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(config.deadLetterTopic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            long out = 0;
            final long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                final Rec r = data.get(i);
                input.pipeInput(keyed ? r.sensor().getBytes(java.nio.charset.StandardCharsets.UTF_8) : null,
                        r.json(), r.timestampMs());
                if (i % 1000 == 999) {
                    out += output.readValuesToList().size();
                    // the driver keeps every changelog record it produced until read: drop them, as a broker would
                    // take them off the app's hands, or the heap fills and GC slows everything
                    for (final String topic : driver.producedTopicNames()) {
                        if (topic.endsWith("-changelog")) {
                            driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                                    .readRecordsToList();
                        }
                    }
                }
            }
            // the last seconds wait for the idle flush: wall-clock watermark ticks, one per hop
            for (int tick = 0; tick < 4; tick++) {
                driver.advanceWallClockTime(Duration.ofMillis(2500));
            }
            out += output.readValuesToList().size();
            final double seconds = (System.nanoTime() - t0) / 1e9;
            final long dead = deadLetters.getQueueSize();
            if (out != n || dead != 0) {
                System.out.printf(Locale.ROOT, "WARNING: TopologyTestDriver emitted %,d scored records and %,d dead "
                        + "letters for %,d records%n", out, dead, n);
            }
            return new Run(mode, n, seconds);
        } finally {
            deleteRecursively(stateDir);
        }
    }

    /** Used heap after full GCs, before and after warming {@code k} SensorModels, per model. */
    static double heapPerWarmedSensor(final ModelSettings s, final int k, final int records, final long seed) {
        final String[] fields = {"iotValue"};
        final SplittableRandom random = new SplittableRandom(seed);
        warmModel(SensorModel.create(s, "heap-probe", fields), records, random); // class init, static tables
        final long before = usedHeapAfterGc();
        final SensorModel[] models = new SensorModel[k];
        for (int i = 0; i < k; i++) {
            models[i] = warmModel(SensorModel.create(s, "heap-" + i, fields), records, random);
        }
        final long after = usedHeapAfterGc();
        Reference.reachabilityFence(models);
        return (after - before) / (double) k;
    }

    private static SensorModel warmModel(final SensorModel m, final int records, final SplittableRandom random) {
        for (int i = 1; i <= records; i++) {
            m.process(new double[]{BenchData.nextValue(random)}, i);
        }
        return m;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void printTable(final Options o, final Map<String, Run> results, final double heapPerSensor,
            final BrokerBenchmark.Result broker, final double rawCpuMsPer1000, final CpuAttribution.Shares shares,
            final double totalSeconds) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-42s %8s %12s%n", "mode", "records", "records/s");
        for (final Run run : results.values()) {
            System.out.printf(Locale.ROOT, "%-42s %8d %,12.0f%n", run.mode(), run.records(), run.rate());
        }
        System.out.printf(Locale.ROOT, "heap per warmed sensor: %.2f MB (SensorModel after %d records, %d sensors)%n",
                heapPerSensor / (1024.0 * 1024.0), o.heapRecords(), o.heapSensors());
        if (broker != null) {
            System.out.printf(Locale.ROOT, "real broker: records/s from RUNNING to last output; %,.0f from app start "
                    + "(RUNNING after %.1f s, first output after %.1f s); each stream thread on CPU %.0f%%, runnable "
                    + "without a core %.0f%%; %,d of %,d emitted late; input %d partitions, broker %s%s%n",
                    broker.fromStartRate(), broker.runningSeconds(), broker.firstOutputSeconds(),
                    100 * broker.threadBusy(), 100 * broker.threadWaiting(), broker.late(),
                    broker.run().records(), o.brokerPartitions(),
                    o.bootstrap() == null ? "in this JVM" : "at " + o.bootstrap(),
                    broker.complete() ? "" : "; TIMED OUT");
            System.out.println("real broker output order: " + broker.order());
        }
        final double model = results.get(MODE_MODEL).rate();
        final double ratio = results.get(MODE_TTD).rate() / model;
        System.out.printf(Locale.ROOT, "topology/raw (TTD / SensorModel): %.2f  target >= %.2f  %s%n", ratio,
                TARGET_RATIO, ratio >= TARGET_RATIO ? "OK" : "BELOW TARGET");
        System.out.printf(Locale.ROOT, "topology/raw (TTD, keyed input / SensorModel): %.2f%n",
                results.get(MODE_TTD_KEYED).rate() / model);
        if (results.containsKey(MODE_TTD_BAND)) {
            final double ttd = results.get(MODE_TTD).rate();
            System.out.printf(Locale.ROOT, "richer output, against the default TTD rate: without ANOMALY_CONFIDENCE "
                    + "(on by default) %.2fx; with the forecast band %.2fx (raw SensorModel with the band: %.2fx)%n",
                    results.get(MODE_TTD_BARE).rate() / ttd, results.get(MODE_TTD_BAND).rate() / ttd,
                    results.get(MODE_MODEL_BAND).rate() / model);
        }
        shares.print();
        if (broker != null) {
            final double around = results.get(MODE_MODEL_AROUND).rate();
            final double perThread = broker.run().rate() / around / broker.streamThreads();
            // a stream thread with a core of its own would keep the raw loop's rate times this
            System.out.printf(Locale.ROOT, "CPU per 1,000 records: raw SensorModel loop %.0f ms; real broker: stream "
                    + "thread(s) %.0f ms (raw/stream threads %.2f), app JVM %.0f ms, broker %s%n", rawCpuMsPer1000,
                    broker.streamCpuMsPer1000(), rawCpuMsPer1000 / broker.streamCpuMsPer1000(),
                    broker.appCpuMsPer1000(), Double.isNaN(broker.brokerCpuMsPer1000())
                            ? (o.bootstrap() == null ? "in the app JVM" : "not measured (--broker-pid)")
                            : String.format(Locale.ROOT, "%.0f ms", broker.brokerCpuMsPer1000()));
            System.out.printf(Locale.ROOT, "topology/raw per stream thread (broker from RUNNING to last output / mean "
                    + "SensorModel loop just before and after / %d thread(s)): %.2f  target >= %.2f  %s%n",
                    broker.streamThreads(), perThread, TARGET_RATIO, perThread >= TARGET_RATIO ? "OK" : "BELOW TARGET");
        }
        System.out.printf(Locale.ROOT, "(raw and TTD: median of %d interleaved rounds after a %,d-record warm-up; TTD "
                + "also pays for its own commit per record and topic-name regexes per record and repartition hop; "
                + "whole run %.0f s)%n", o.rounds(), Math.min(o.warmup(), o.records()), totalSeconds);
    }

    /** Under {@code <forestwatch.home>/.work/bench} when run by ./forestwatch (Streams warns about OS temp dirs). */
    static Path tempDir(final String prefix) {
        final String home = System.getProperty("forestwatch.home");
        try {
            if (home != null) {
                return Files.createTempDirectory(Files.createDirectories(Path.of(home, ".work", "bench")), prefix);
            }
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            final List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            for (final Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
