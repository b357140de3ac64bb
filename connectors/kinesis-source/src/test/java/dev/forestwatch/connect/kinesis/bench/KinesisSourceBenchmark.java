package dev.forestwatch.connect.kinesis.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.forestwatch.connect.common.testing.BenchMain;
import dev.forestwatch.connect.common.testing.ConnectItSupport;
import dev.forestwatch.connect.kinesis.EmulatorConnector;
import dev.forestwatch.connect.kinesis.KinesisSourceConfig;
import dev.forestwatch.connect.kinesis.kcl.RecordConverter;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedDynamo;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.EmbeddedKinesis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Records/s from the same pre-loaded Kinesis stream (kinesis-local) into Kafka through the connector (a real worker,
 * plugin from its zip, leases in dynalite) and through a plain GetRecords loop feeding a KafkaProducer, and their
 * ratio. {@code ./forestwatch bench-kinesis [--records N] [--shards S] [--rounds R] [--tasks T] [--kcl-log INFO]};
 * {@code --kcl-log INFO} prints the KCL's start-up steps with timestamps.
 */
public final class KinesisSourceBenchmark {

    private static final String STREAM = "bench-raw";
    /** Enough keys that the MD5 hashing spreads them evenly over the shards; 10 would leave some shards light. */
    private static final int SENSORS = 100;
    private static final int PUT_BATCH = 500;
    private static final int MAX_RECORDS = 10_000;
    /** The lowest kcl.idle.time.between.reads.ms the config allows; the baseline waits as long on an empty read. */
    private static final long IDLE_MS = 200;
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(10);

    private KinesisSourceBenchmark() {
    }

    /**
     * One round of one mode: records/s from the mode's start (the baseline's first GetRecords, the connector's
     * creation) to its last record in Kafka, records/s from its first record in Kafka to its last, and the time
     * until Kafka had the first record.
     */
    private record Result(double fromStartPerSecond, double fromFirstPerSecond, long firstRecordMs) {
    }

    public static void main(final String[] args) {
        BenchMain.run("bench-kinesis", args, "Usage: ./forestwatch bench-kinesis [--records N] [--shards S] "
                + "[--rounds R] [--tasks T] [--kcl-log LEVEL]", flags -> {
                    final int records = flags.intValue("records", 20_000);
                    final int shards = flags.intValue("shards", 4);
                    final int rounds = flags.intValue("rounds", 2);
                    final int tasks = flags.intValue("tasks", 1);
                    final String kclLog = flags.string("kcl-log", "WARN");
                    return open -> {
                        quietLogs(kclLog);
                        run(records, shards, rounds, tasks, open);
                    };
                });
    }

    private static void run(final int records, final int shards, final int rounds, final int tasks,
            final Deque<AutoCloseable> open) throws Exception {
        final Path plugins = EmbeddedConnect.installBuiltPlugin();
        System.out.printf(Locale.ROOT, "Kinesis source benchmark: %,d records, %d shards, %d rounds, %d task(s); "
                + "%d cores%n", records, shards, rounds, tasks, Runtime.getRuntime().availableProcessors());
        final EmbeddedKinesis kinesis = EmbeddedKinesis.start();
        open.push(kinesis);
        final EmbeddedDynamo dynamo = EmbeddedDynamo.start();
        open.push(dynamo);
        final EmbeddedKafka kafka = EmbeddedKafka.start();
        open.push(kafka);
        final EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).pluginPath(plugins).start();
        open.push(connect);
        final Map<String, Integer> perShard = preload(kinesis, shards, records);
        final List<Result> loop = new ArrayList<>();
        final List<Result> source = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            final Result b = baseline(kinesis, kafka, perShard, records, "ks-baseline-" + round);
            loop.add(b);
            System.out.printf(Locale.ROOT, "round %d: baseline   %,10.0f records/s from its first record, first "
                    + "record after %,6d ms%n", round, b.fromFirstPerSecond(), b.firstRecordMs());
            final Result c = connector(kinesis, dynamo, kafka, connect, shards, records, tasks, round);
            source.add(c);
            System.out.printf(Locale.ROOT, "round %d: connector  %,10.0f records/s from its first record, first "
                    + "record after %,6d ms%n", round, c.fromFirstPerSecond(), c.firstRecordMs());
        }
        final double lFirst = median(loop.stream().map(Result::fromFirstPerSecond).toList());
        final double sFirst = median(source.stream().map(Result::fromFirstPerSecond).toList());
        final double lStart = median(loop.stream().map(Result::fromStartPerSecond).toList());
        final double sStart = median(source.stream().map(Result::fromStartPerSecond).toList());
        final double lFirstMs = median(loop.stream().map(r -> (double) r.firstRecordMs()).toList());
        final double sFirstMs = median(source.stream().map(r -> (double) r.firstRecordMs()).toList());
        final Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-52s %18s %16s %18s%n", "mode (median of " + rounds + " rounds)",
                "1st..last rec/s", "first record ms", "start..last rec/s");
        System.out.printf(Locale.ROOT, "%-52s %,18.0f %,16.0f %,18.0f%n",
                "baseline: GetRecords loop -> KafkaProducer, " + shards + " threads", lFirst, lFirstMs, lStart);
        System.out.printf(Locale.ROOT, "%-52s %,18.0f %,16.0f %,18.0f%n",
                "connector: Connect worker, KCL polling, " + tasks + " task(s)", sFirst, sFirstMs, sStart);
        // the headline compares like with like; mixing bases (connector from its first record, baseline from its
        // start) once read 1.67 OK where the same runs compared from their first records gave 0.40
        System.out.printf(Locale.ROOT, "connector/baseline, both from their first record in Kafka: %.2f  target >= "
                + "0.80  %s   (both from their start, KCL start-up included: %.2f)%n", sFirst / lFirst,
                sFirst / lFirst >= 0.8 ? "OK" : "BELOW TARGET", sStart / lStart);
        System.out.println("  1st..last: records/s from the mode's first record in Kafka to its last (broker append "
                + "time for the connector, acknowledgements for the baseline). start..last: from the baseline's "
                + "start or the connector's creation, so the KCL's start-up (on an empty lease table a random 1-30 s "
                + "before its first lease sync) counts against the connector; it is also in the first-record time.");
        System.out.printf(Locale.ROOT, "heap used after the runs (this JVM: broker, worker, KCL; the emulators "
                + "are node processes): %d MB%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
        System.out.flush();
    }

    /**
     * Writes the records in PutRecords batches, retrying only the refused entries, and returns how many landed in
     * each shard: the baseline stops reading a shard at that count.
     */
    static Map<String, Integer> preload(final EmbeddedKinesis kinesis, final int shards, final int n)
            throws InterruptedException {
        kinesis.createStream(STREAM, shards);
        final KinesisClient client = kinesis.client();
        final Map<String, Integer> perShard = new TreeMap<>();
        final long t0 = System.nanoTime();
        long lastReport = t0;
        int written = 0;
        int retried = 0;
        for (int from = 0; from < n; from += PUT_BATCH) {
            List<PutRecordsRequestEntry> batch = new ArrayList<>(PUT_BATCH);
            for (int i = from; i < Math.min(n, from + PUT_BATCH); i++) {
                final String sensor = "DemoSensor-" + (i % SENSORS);
                // the reading's index as its value: unique, so a record delivered twice can be told apart
                batch.add(PutRecordsRequestEntry.builder().partitionKey(sensor).data(SdkBytes.fromString(
                        "{\"iotName\":\"" + sensor + "\",\"iotValue\":" + i + "}", StandardCharsets.UTF_8)).build());
            }
            int attempt = 0;
            while (!batch.isEmpty()) {
                final List<PutRecordsRequestEntry> current = batch;
                final PutRecordsResponse r = client.putRecords(p -> p.streamName(STREAM).records(current));
                final List<PutRecordsRequestEntry> failed = new ArrayList<>();
                for (int i = 0; i < current.size(); i++) {
                    final PutRecordsResultEntry e = r.records().get(i);
                    if (e.errorCode() == null) {
                        perShard.merge(e.shardId(), 1, Integer::sum);
                        written++;
                    } else {
                        failed.add(current.get(i));
                    }
                }
                retried += failed.size();
                batch = failed;
                if (!batch.isEmpty()) {
                    // refused entries are throttled ones: hammering the emulator again at once would be refused too
                    Thread.sleep(Math.min(1_000, 50L << Math.min(attempt++, 5)));
                }
            }
            final long now = System.nanoTime();
            if (now - lastReport > TimeUnit.SECONDS.toNanos(2) || written == n) {
                lastReport = now;
                System.out.printf(Locale.ROOT, "pre-load: %,7d / %,d records, %,6.0f records/s so far%n", written, n,
                        written / ((now - t0) / 1e9));
            }
        }
        final double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "pre-load took %.1f s (%,.0f records/s, %,d entries retried); per shard: %s%n",
                s, n / s, retried, perShard);
        return perShard;
    }

    /**
     * What a hand-written reader would do: one thread per shard, GetRecords from TRIM_HORIZON until the shard's
     * records are read, each record sent to Kafka; timed from the start to the last acknowledgement.
     */
    static Result baseline(final EmbeddedKinesis kinesis, final EmbeddedKafka kafka,
            final Map<String, Integer> perShard, final int n, final String topic) throws Exception {
        // LogAppendTime: a record's timestamp is when the broker appended it, its arrival in Kafka
        kafka.createInputTopics(perShard.size(), topic);
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        final KinesisClient client = kinesis.client();
        final AtomicLong firstAck = new AtomicLong();
        final AtomicLong lastAck = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final ExecutorService readers = Executors.newFixedThreadPool(perShard.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // metadata fetched up front, as the worker's producer has it before the connector starts
            producer.partitionsFor(topic);
            final long t0 = System.nanoTime();
            final long deadline = t0 + ROUND_TIMEOUT.toNanos();
            final List<Future<Integer>> reads = new ArrayList<>();
            for (final Map.Entry<String, Integer> shard : perShard.entrySet()) {
                reads.add(readers.submit(() -> {
                    String iterator = client.getShardIterator(r -> r.streamName(STREAM).shardId(shard.getKey())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                    int read = 0;
                    while (read < shard.getValue()) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("baseline read only " + read + " of "
                                    + shard.getValue() + " records of " + shard.getKey());
                        }
                        final String it = iterator;
                        final GetRecordsResponse r = client.getRecords(g -> g.shardIterator(it).limit(MAX_RECORDS));
                        for (final var rec : r.records()) {
                            producer.send(new ProducerRecord<>(topic, rec.partitionKey()
                                    .getBytes(StandardCharsets.UTF_8), rec.data().asByteArrayUnsafe()), (m, e) -> {
                                        if (e != null) {
                                            failure.compareAndSet(null, e);
                                        } else {
                                            final long now = System.nanoTime();
                                            firstAck.compareAndSet(0, now);
                                            lastAck.accumulateAndGet(now, Math::max);
                                            acked.incrementAndGet();
                                        }
                                    });
                        }
                        read += r.records().size();
                        iterator = r.nextShardIterator();
                        if (r.records().isEmpty()) {
                            Thread.sleep(IDLE_MS);
                        }
                    }
                    return read;
                }));
            }
            int read = 0;
            for (final Future<Integer> f : reads) {
                read += f.get();
            }
            producer.flush();
            final long end = System.nanoTime();
            if (failure.get() != null) {
                throw new IllegalStateException("baseline: Kafka refused a record", failure.get());
            }
            if (read != n || acked.get() != n) {
                throw new IllegalStateException("baseline read " + read + " and Kafka acknowledged " + acked.get()
                        + " of " + n + " records");
            }
            return new Result(n / ((end - t0) / 1e9), n / (Math.max(1, lastAck.get() - firstAck.get()) / 1e9),
                    TimeUnit.NANOSECONDS.toMillis(firstAck.get() - t0));
        } finally {
            readers.shutdownNow();
        }
    }

    /**
     * The connector on a fresh lease table and topic, so it reads the whole stream from TRIM_HORIZON again. Arrival
     * times are the broker's (the topic uses LogAppendTime), so the consumer's own poll cadence does not count.
     */
    static Result connector(final EmbeddedKinesis kinesis, final EmbeddedDynamo dynamo, final EmbeddedKafka kafka,
            final EmbeddedConnect connect, final int partitions, final int n, final int tasks, final int round)
            throws Exception {
        final String name = "kinesis-bench-" + round;
        final String topic = "ks-connector-" + round;
        final String leaseTable = "fw-bench-" + round;
        kafka.createInputTopics(partitions, topic);
        final Map<String, String> c = EmulatorConnector.config(kinesis, dynamo, STREAM, topic, leaseTable, tasks);
        c.put(KinesisSourceConfig.IDLE_MS_CONFIG, Long.toString(IDLE_MS));
        c.put(KinesisSourceConfig.MAX_RECORDS_CONFIG, Integer.toString(MAX_RECORDS));
        try (KafkaConsumer<byte[], byte[]> consumer = ConnectItSupport.fromBeginning(kafka.bootstrapServers(), topic,
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000))) {
            final Set<String> values = new HashSet<>();
            final Map<String, long[]> shardTimes = new TreeMap<>();
            long first = Long.MAX_VALUE;
            long last = 0;
            long total = 0;
            final long t0 = System.currentTimeMillis();
            connect.createOrUpdateConnector(name, c);
            final long deadline = t0 + ROUND_TIMEOUT.toMillis();
            while (values.size() < n) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("connector delivered only " + values.size() + " of " + n
                            + " records; status: " + connect.connectorStatus(name));
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    total++;
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                    final long[] t = shardTimes.computeIfAbsent(shard(r), k -> new long[]{Long.MAX_VALUE, 0});
                    t[0] = Math.min(t[0], r.timestamp());
                    t[1] = Math.max(t[1], r.timestamp());
                }
            }
            connect.deleteConnector(name);
            System.out.printf(Locale.ROOT, "round %d: connector per shard, s after creating it (first..last record "
                    + "in Kafka): %s%s%n", round,
                    shardTimes.entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s %.1f..%.1f", e.getKey().replace("shardId-", ""),
                                    (e.getValue()[0] - t0) / 1e3, (e.getValue()[1] - t0) / 1e3))
                            .collect(Collectors.joining(", ")),
                    total > n ? String.format(Locale.ROOT, "; %,d duplicates", total - n) : "");
            awaitKclStopped(name);
            return new Result(n / (Math.max(1, last - t0) / 1e3), n / (Math.max(1, last - first) / 1e3),
                    first - t0);
        }
    }

    /**
     * The worker runs in this JVM, so the deleted connector's KCL threads are visible here; waiting for them keeps
     * its graceful shutdown (up to 10 s of lease table and GetRecords traffic) out of the next round's timing.
     */
    private static void awaitKclStopped(final String connectorName) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("kcl-" + connectorName + "-"))) {
            Thread.sleep(100);
        }
    }

    private static String shard(final ConsumerRecord<?, ?> r) {
        final Header h = r.headers().lastHeader(RecordConverter.HEADER_SHARD);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The table is the point: warnings only, except the KCL at {@code kclLevel}, whose INFO lines (lease sync,
     * assignment, shard initialisation) show where a slow first record's time went.
     */
    private static void quietLogs(final String kclLevel) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            ctx.getLogger("software.amazon.kinesis").setLevel(Level.toLevel(kclLevel, Level.WARN));
            ctx.getLogger("software.amazon.kinesis.leases").setLevel(Level.toLevel(kclLevel, Level.WARN));
            ctx.getLogger("dev.forestwatch.connect.kinesis").setLevel(Level.toLevel(kclLevel, Level.WARN));
        }
    }

    private static double median(final List<Double> xs) {
        final List<Double> s = xs.stream().sorted().toList();
        return (s.get((s.size() - 1) / 2) + s.get(s.size() / 2)) / 2;
    }
}
