package dev.forestwatch.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.Directories;
import dev.forestwatch.local.Flags;
import dev.forestwatch.local.Logging;
import dev.forestwatch.local.firehose.LocalFirehose;
import dev.forestwatch.local.pipeline.DemoOptions;
import dev.forestwatch.local.pipeline.Pipeline;
import dev.forestwatch.local.pipeline.PipelineOptions;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.EmbeddedKinesis;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Faults injected into the whole one-command pipeline on real servers ({@code ./forestwatch bench-faults}): for
 * each fault a fresh pipeline, readings put into Kinesis at a fixed rate, the fault injected once records flow and
 * cleared after its window, then every reading id compared with what Elasticsearch and the Firehose files hold.
 * Each reading carries its own number in a string field, so a reading indexed under two document ids is caught
 * too, not only a count that is off.
 */
public final class FaultBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_RECORD = Duration.ofMinutes(4);
    private static final Duration STEADY = Duration.ofMinutes(2);
    private static final Duration DRAIN = Duration.ofMinutes(4);
    private static final Pattern LOG_LEVEL = Pattern.compile("\\b(WARN|ERROR)\\s+(\\S+)");

    /** One line of the table. */
    record Row(Fault fault, String seen, long generated, long lost, long duplicatedInEs, long extraInEs,
            long firehoseLost, long firehoseDuplicates, double esStallSeconds, double firehoseStallSeconds,
            double faultSeconds, String notes) {
        String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %,d | %.0f s | %.0f s | %s |",
                    fault.flag, seen, generated, lost, duplicatedInEs + extraInEs, firehoseDuplicates, esStallSeconds,
                    firehoseStallSeconds, notes);
        }
    }

    private final Path repo;
    private final Path workRoot;
    private final double rate;
    private final Duration window;

    private FaultBenchmark(Path repo, Path workRoot, double rate, Duration window) {
        this.repo = repo;
        this.workRoot = workRoot;
        this.rate = rate;
        this.window = window;
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        if (flags.help(String.join("\n",
                "Usage: ./forestwatch bench-faults [--fault NAME|all (all)] [--rate R (20)] [--seconds S (60)]",
                "                                  [--work-dir DIR]",
                "For each fault, starts ./forestwatch up on its own work dir, puts R readings/s into Kinesis",
                "(3 sensors, 2 shards), injects the fault once records flow and lifts it after S seconds, waits",
                "for delivery, and prints: readings lost, duplicated in Elasticsearch, duplicated in Firehose,",
                "and the longest stall of the indexed (and the delivered-to-Firehose) count.",
                "Faults: " + Fault.names()))) {
            return;
        }
        String which = flags.string("fault", "all");
        double rate = flags.doubleValue("rate", 20);
        Duration window = Duration.ofMillis((long) (flags.doubleValue("seconds", 60) * 1000));
        Path repo = DemoOptions.findRepoDir().toAbsolutePath().normalize();
        Path work = Path.of(flags.string("work-dir", repo.resolve(".work").resolve("bench-faults").toString()));
        flags.rejectUnknown();
        List<Fault> faults = which.equals("all") ? List.of(Fault.values()) : List.of(Fault.of(which));
        if (rate <= 0 || rate > 500 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("--rate must be in (0, 500] and --seconds > 0");
        }
        Directories.createDirs(work);
        System.setProperty(Logging.LOG_FILE_PROPERTY, work.resolve("bench-faults.log").toString());
        Logging.useBundledConfig(Logging.DEMO_CONFIG);
        FaultBenchmark bench = new FaultBenchmark(repo, work, rate, window);
        List<Row> rows = new ArrayList<>();
        boolean clean = true;
        for (Fault fault : faults) {
            Row row;
            try {
                row = bench.run(fault);
            } catch (Exception e) {
                System.out.println("bench-faults: " + fault.flag + " failed: " + e);
                row = new Row(fault, "run failed: " + e.getMessage(), 0, -1, -1, 0, -1, -1, -1, -1, 0, "");
            }
            rows.add(row);
            clean &= row.lost() == 0 && row.duplicatedInEs() == 0 && row.extraInEs() == 0 && row.firehoseLost() == 0;
            System.out.println("bench-faults: " + row.markdown());
        }
        System.out.printf(Locale.ROOT, "%n./forestwatch bench-faults --fault %s --rate %s --seconds %d%n%n", which,
                fmt(rate), window.toSeconds());
        System.out.println("| fault | what the user sees | generated | lost | duplicated in Elasticsearch "
                + "| duplicates delivered to Firehose | stall (indexed) | stall (Firehose) | notes |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(r -> System.out.println(r.markdown()));
        System.exit(clean ? 0 : 1);
    }

    private Row run(Fault fault) throws Exception {
        Path work = workRoot.resolve(fault.flag);
        System.out.printf(Locale.ROOT, "%nbench-faults: === %s: %s (%d s) ===%n", fault.flag, fault.what,
                window.toSeconds());
        Pipeline pipeline = new Pipeline(new PipelineOptions(repo, work, true, 3, rate, 0, 1, 2, 2.0, 0,
                Duration.ofSeconds(5), null, false), System.out, System.err);
        AtomicReference<KinesisFaultProxy> proxy = new AtomicReference<>();
        if (fault.kinesis()) {
            // the proxy is HTTP/1.1 only; the generator still puts straight into the emulator
            pipeline.sourceKinesisEndpoint(emulator -> {
                proxy.set(KinesisFaultProxy.start(emulator));
                return proxy.get().endpoint();
            });
            pipeline.overrideConnectorConfig("kinesis-source", Map.of("aws.kinesis.http.protocol", "http1.1"));
        }
        AtomicReference<Pipeline.Summary> summary = new AtomicReference<>();
        Thread runner = new Thread(() -> summary.set(pipeline.run()), "pipeline");
        runner.start();
        KinesisPutter putter = null;
        DeliverySampler sampler = null;
        try {
            pipeline.awaitRunning(Duration.ofMinutes(5));
            DeliveredReadings delivered = new DeliveredReadings(pipeline.elasticsearch().url());
            sampler = new DeliverySampler(delivered, pipeline.firehose());
            try (KinesisClient kinesis = EmbeddedKinesis.client(pipeline.kinesisEndpoint())) {
                Map<String, String> acknowledged = new ConcurrentHashMap<>();
                putter = new KinesisPutter(kinesis, rate, (id, reading, at) -> acknowledged.put(id, reading))
                        .start("fault-bench-putter");
                DeliverySampler s = sampler;
                await("the first reading indexed (the KCL waits 1-30 s before its first lease sync)", FIRST_RECORD,
                        runner, () -> s.indexed() > 0);
                long before = s.indexed();
                await("steady flow before the fault", STEADY, runner, () -> s.indexed() >= before + (long) (rate * 15));

                Path workerLog = work.resolve("connect").resolve("connect-worker.log");
                Path appLog = work.resolve("streams-app.log");
                long workerLogFrom = size(workerLog);
                long appLogFrom = size(appLog);
                long faultStart = System.nanoTime();
                String notes = inject(fault, pipeline, proxy.get());
                double faultSeconds = (System.nanoTime() - faultStart) / 1e9;
                System.out.printf(Locale.ROOT, "bench-faults: fault lifted after %.1f s%n", faultSeconds);

                long after = s.indexed();
                await("indexing to resume after the fault", STEADY, runner,
                        () -> s.indexed() >= after + (long) (rate * 15));
                putter.stopAndJoin();
                Set<String> generated = Set.copyOf(acknowledged.keySet());
                System.out.printf(Locale.ROOT, "bench-faults: generator stopped: %,d readings acknowledged by Kinesis"
                        + " (%d PutRecords calls failed whole, %d entries retried)%n", generated.size(),
                        putter.failedCalls(), putter.retriedEntries());
                Deadline drain = new Deadline(DRAIN);
                await("every reading in Elasticsearch", DRAIN, runner, () -> s.indexed() >= generated.size());
                Path firehoseDir = work.resolve("firehose");
                while (!DeliveredReadings.firehoseIds(firehoseDir).keySet().containsAll(generated) && !drain.passed()) {
                    Thread.sleep(1000);
                }
                // a duplicate still on its way would land within the sink's linger and the index refresh
                long settled = s.indexed();
                long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < settleUntil) {
                    Thread.sleep(500);
                }
                sampler.stop();

                Map<String, String> readingByDocId = delivered.documents();
                Map<String, Integer> firehose = DeliveredReadings.firehoseIds(firehoseDir);
                long lost = generated.stream().filter(id -> !readingByDocId.containsKey(id)).count();
                long extra = readingByDocId.keySet().stream().filter(id -> !generated.contains(id)).count();
                Map<String, Integer> docsPerReading = new HashMap<>();
                readingByDocId.values().forEach(r -> docsPerReading.merge(r, 1, Integer::sum));
                long duplicated = docsPerReading.values().stream().mapToLong(n -> n - 1).sum();
                long firehoseLost = generated.stream().filter(id -> !firehose.containsKey(id)).count();
                long firehoseDuplicates = firehose.values().stream().mapToLong(n -> n - 1).sum();
                String seen = seen(fault, workerLog, workerLogFrom, appLog, appLogFrom, pipeline, proxy.get());
                if (s.indexed() != settled) {
                    notes += (notes.isEmpty() ? "" : "; ") + "indexed count still moving at the end";
                }
                if (extra > 0) {
                    notes += (notes.isEmpty() ? "" : "; ") + extra + " documents with ids never generated";
                }
                if (firehoseLost > 0) {
                    notes += (notes.isEmpty() ? "" : "; ") + firehoseLost + " readings not delivered to Firehose";
                }
                return new Row(fault, seen, generated.size(), lost, duplicated, extra, firehoseLost,
                        firehoseDuplicates, sampler.longestStall(DeliverySampler.Sample::indexed),
                        sampler.longestStall(DeliverySampler.Sample::firehose), faultSeconds, notes);
            }
        } finally {
            if (putter != null) {
                putter.stopAndJoin();
            }
            if (sampler != null) {
                sampler.stop();
            }
            pipeline.stop();
            runner.join(TimeUnit.MINUTES.toMillis(3));
            KinesisFaultProxy p = proxy.get();
            if (p != null) {
                p.close();
            }
            Pipeline.Summary done = summary.get();
            if (done != null && done.exitCode() != 0) {
                System.out.println("bench-faults: the pipeline ended with exit code " + done.exitCode());
            }
        }
    }

    /** Injects the fault, holds it for the window, lifts it; returns notes on what was done. */
    private String inject(Fault fault, Pipeline pipeline, KinesisFaultProxy proxy) throws InterruptedException {
        System.out.printf(Locale.ROOT, "bench-faults: injecting %s: %s%n", fault.flag, fault.what);
        switch (fault) {
            case ELASTICSEARCH_DOWN -> {
                EmbeddedElasticsearch es = pipeline.elasticsearch();
                es.stop();
                sleep(window);
                long t0 = System.nanoTime();
                es.restart();
                return String.format(Locale.ROOT, "Elasticsearch back %.0f s after its start command",
                        (System.nanoTime() - t0) / 1e9);
            }
            case KAFKA_BROKER_CRASH -> {
                EmbeddedKafka kafka = pipeline.kafka();
                long t0 = System.nanoTime();
                int markers = kafka.crash();
                kafka.restartAfterCrash();
                return String.format(Locale.ROOT, "broker away %.1f s, %s", (System.nanoTime() - t0) / 1e9,
                        markers > 0 ? "restarted with log recovery" : "no clean-shutdown marker found");
            }
            case KINESIS_THROTTLING -> {
                proxy.throttleGetRecordsFor(window);
                sleep(window);
                proxy.clearFaults();
                return proxy.throttledCalls() + " GetRecords calls throttled";
            }
            case KINESIS_EXPIRED_ITERATOR -> {
                int shards = 2;
                proxy.expireNextIterators(shards);
                Deadline d = new Deadline(Duration.ofMinutes(1));
                while (proxy.expiredCalls() < shards && !d.passed()) {
                    Thread.sleep(100);
                }
                proxy.clearFaults();
                return proxy.expiredCalls() + " GetRecords calls answered ExpiredIteratorException";
            }
            case FIREHOSE_PARTIAL_FAILURES -> {
                LocalFirehose firehose = pipeline.firehose();
                int before = firehose.failedEntries();
                firehose.failEntriesRandomly(0.3, 11);
                sleep(window);
                firehose.clearFaults();
                return (firehose.failedEntries() - before) + " entries failed";
            }
            case FIREHOSE_5XX -> {
                LocalFirehose firehose = pipeline.firehose();
                int before = firehose.throttledCalls();
                firehose.throttleNextCalls(Integer.MAX_VALUE, "ServiceUnavailableException", 503);
                sleep(window.dividedBy(2));
                firehose.throttleNextCalls(Integer.MAX_VALUE, "InternalFailure", 500);
                sleep(window.minus(window.dividedBy(2)));
                firehose.clearFaults();
                return (firehose.throttledCalls() - before) + " calls answered 5xx";
            }
            default -> throw new IllegalStateException(fault.toString());
        }
    }

    /**
     * What the logs and the REST API showed from the fault to the end: WARN/ERROR lines of the worker and the app
     * by logger (never their text, which could carry data), and the connectors' task states.
     */
    private String seen(Fault fault, Path workerLog, long workerFrom, Path appLog, long appFrom, Pipeline pipeline,
            KinesisFaultProxy proxy) {
        Map<String, Integer> worker = levels(workerLog, workerFrom);
        Map<String, Integer> app = levels(appLog, appFrom);
        System.out.println("bench-faults: worker log since the fault, WARN/ERROR by logger: " + worker);
        System.out.println("bench-faults: streams app log since the fault, WARN/ERROR by logger: " + app);
        List<String> states = new ArrayList<>();
        for (String c : Pipeline.PLUGINS) {
            try {
                List<String> tasks = pipeline.connect().taskStates(c);
                if (!tasks.stream().allMatch("RUNNING"::equals)) {
                    states.add(c + " tasks " + tasks);
                }
            } catch (RuntimeException e) {
                states.add(c + " status unavailable");
            }
        }
        System.out.println("bench-faults: connector tasks not RUNNING at the end: " + states);
        int warnings = worker.values().stream().mapToInt(Integer::intValue).sum();
        int appWarnings = app.values().stream().mapToInt(Integer::intValue).sum();
        return String.format(Locale.ROOT, "%s; worker log %d WARN/ERROR, app log %d%s", summaryOf(fault), warnings,
                appWarnings, states.isEmpty() ? ", all tasks RUNNING after" : ", " + states);
    }

    /** The user-visible behaviour, as the status line shows it; the log figures are appended by {@link #seen}. */
    private static String summaryOf(Fault fault) {
        return switch (fault) {
            case ELASTICSEARCH_DOWN -> "indexed and lag stand still while scored goes on; the sink retries without a"
                    + " log line; catches up after the restart";
            case KAFKA_BROKER_CRASH -> "in Kafka, scored and indexed stand still; worker and app log connection and"
                    + " metadata retries; both reconnect by themselves";
            case KINESIS_THROTTLING -> "in Kafka stands still; the KCL logs every throttled GetRecords and restarts a"
                    + " shard's subscription after a minute without data; catches up";
            case KINESIS_EXPIRED_ITERATOR -> "nothing: the KCL takes a new iterator without a log line";
            case FIREHOSE_PARTIAL_FAILURES -> "nothing in the counts or logs: failed entries are retried alone";
            case FIREHOSE_5XX -> "to Firehose stands still, the sink retries whole calls; indexing unaffected";
        };
    }

    private static Map<String, Integer> levels(Path log, long from) {
        Map<String, Integer> byLogger = new TreeMap<>();
        if (!Files.exists(log)) {
            return byLogger;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(from, f.length() - (64L << 20));
            byte[] bytes = new byte[(int) Math.max(0, f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                Matcher m = LOG_LEVEL.matcher(line);
                if (m.find()) {
                    byLogger.merge(m.group(1) + " " + m.group(2), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            byLogger.put("unreadable: " + e.getClass().getSimpleName(), 1);
        }
        return byLogger;
    }

    private static void await(String what, Duration timeout, Thread runner, BooleanSupplier condition)
            throws InterruptedException {
        Deadline d = new Deadline(timeout);
        while (!condition.getAsBoolean()) {
            if (!runner.isAlive()) {
                throw new IllegalStateException("the pipeline stopped while waiting for " + what);
            }
            if (d.passed()) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** The fault's window: a timed hold by nature, not a wait for a condition. */
    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static long size(Path f) {
        try {
            return Files.exists(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private record Deadline(long at) {
        Deadline(Duration d) {
            this(System.nanoTime() + d.toNanos());
        }

        boolean passed() {
            return System.nanoTime() - at > 0;
        }
    }
}
