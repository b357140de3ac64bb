package dev.forestwatch.streams.bench;

import dev.forestwatch.local.check.OrderChecker;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.streams.App;
import dev.forestwatch.streams.bench.BenchData.Rec;
import dev.forestwatch.streams.bench.ScoringBenchmark.Run;
import dev.forestwatch.streams.config.AppConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * The app as deployed (exactly-once v2, RocksDB stores, one stream thread, default settings) against a broker
 * running in this JVM: the input is loaded first, then the app starts and the benchmark reads the output
 * (read_committed) until every record is out.
 */
final class BrokerBenchmark {

    /** The timed run, plus what the table prints beside it. */
    record Result(Run run, double fromStartRate, double runningSeconds, double firstOutputSeconds, long late,
            double threadBusy, boolean complete, OrderChecker.Report order) {
    }

    /**
     * Clock records: sent once all but the last few seconds of output are out, with later timestamps, so those
     * seconds close on stream time instead of waiting for the idle flush (order.idle.flush.ms of wall time), which
     * would count as scoring time. Sent at the end only, so they cannot overtake the measured records; not counted.
     * Several clock sensors, so every partition downstream of the by-sensor repartition sees them.
     */
    private static final String CLOCK_SENSOR = "bench-clock-";
    private static final int CLOCK_SECONDS = 10;
    /** {@code SecondOrderingProcessor.HEADER_LATE}, spelled out so the benchmark survives a rename there. */
    private static final String HEADER_LATE = "forestwatch.late";
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    private final List<Rec> data;
    private final int records;
    private final int warmup;
    private final int partitions;
    private final int perSecond;
    private final Duration timeout;

    BrokerBenchmark(final List<Rec> data, final int records, final int warmup, final int partitions,
            final int perSecond, final Duration timeout, final Map<String, String> appSettings,
            final String bootstrap) {
        this.appSettings = appSettings;
        this.bootstrap = bootstrap;
        this.data = data;
        this.records = records;
        this.warmup = warmup;
        this.partitions = partitions;
        this.perSecond = perSecond;
        this.timeout = timeout;
    }

    private final Map<String, String> appSettings;
    /** An already running broker (e.g. {@code ./forestwatch kafka}, in its own JVM), or null for one in this JVM. */
    private final String bootstrap;

    Result run() {
        if (bootstrap != null) {
            System.out.println("broker: using the broker at " + bootstrap);
            final Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(p)) {
                return runOn(bootstrap, admin);
            }
        }
        System.out.println("broker: starting an in-process Kafka broker (--bootstrap for one in its own JVM)");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            return runOn(kafka.bootstrapServers(), kafka.admin());
        }
    }

    private Result runOn(final String servers, final Admin admin) {
        if (warmup > 0) {
            System.out.printf(Locale.ROOT, "broker: warm-up run of a separate app over %,d records (untimed)%n",
                    warmup);
            appRun(servers, admin, "warmup-", warmup, false);
        }
        return appRun(servers, admin, "", records, true);
    }

    /** Topics named per run (a timestamp), so runs against a long-lived broker never share one. */
    private void createTopics(final Admin admin, final String input, final String output, final String deadLetters) {
        try {
            admin.createTopics(List.of(
                    new NewTopic(input, partitions, (short) 1).configs(
                            Map.of("message.timestamp.type", "LogAppendTime", "max.message.bytes", "2097152")),
                    new NewTopic(output, partitions, (short) 1),
                    new NewTopic(deadLetters, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // created is not yet led: a producer sending at once got NOT_LEADER, then stuck on OUT_OF_ORDER_SEQUENCE
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!admin.describeTopics(List.of(input, output, deadLetters)).allTopicNames()
                    .get(60, TimeUnit.SECONDS).values().stream().flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the benchmark's topics have no leader after 60 s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the benchmark's topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating the benchmark's topics failed", e);
        }
    }

    private Result appRun(final String servers, final Admin admin, final String prefix, final int n,
            final boolean verbose) {
        final String run = prefix + System.currentTimeMillis() + "-";
        final String input = run + AppConfig.INPUT_TOPIC_DEFAULT;
        final String output = run + AppConfig.OUTPUT_TOPIC_DEFAULT;
        final String deadLetters = run + AppConfig.DEAD_LETTER_TOPIC_DEFAULT;
        createTopics(admin, input, output, deadLetters);

        final Path stateDir = ScoringBenchmark.tempDir("fw-bench-broker");
        final String appId = "forestwatch-bench-" + prefix + System.currentTimeMillis();
        final Map<String, Object> settings = new java.util.HashMap<>(appSettings);
        settings.putAll(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                StreamsConfig.APPLICATION_ID_CONFIG, appId,
                StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                AppConfig.INPUT_TOPIC_CONFIG, input,
                AppConfig.OUTPUT_TOPIC_CONFIG, output,
                AppConfig.DEAD_LETTER_TOPIC_CONFIG, deadLetters));
        final AppConfig config = new AppConfig(settings);
        // seconds of event time that only stream time past them (or the idle flush) releases, with a margin
        final long tail = (long) perSecond * (config.orderGraceMs() / 1000L + 3L);
        final byte[] clockPrefix = CLOCK_SENSOR.getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = producer(servers);
                KafkaConsumer<byte[], byte[]> consumer = outputConsumer(servers, output)) {
            final long loadStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                final Rec r = data.get(i);
                // keys are ignored (input.partitioned.by.sensor=false); an even spread keeps partitions in step
                producer.send(new ProducerRecord<>(input, i % partitions, r.timestampMs(), null, r.json()));
            }
            producer.flush();
            if (verbose) {
                System.out.printf(Locale.ROOT, "broker: loaded %,d records into %s (%d partitions) in %.1f s%n", n,
                        input, partitions, (System.nanoTime() - loadStart) / 1e9);
            }

            long count = 0;
            long late = 0;
            final OrderChecker order = new OrderChecker();
            long firstBatch = 0;
            long first = 0;
            long last = 0;
            boolean clockSent = false;
            long running = 0;
            long busyCpu = 0;
            long runningCpu = 0;
            final long start = System.nanoTime();
            long nextProgress = start + PROGRESS_EVERY_NANOS;
            try (App app = new App(config).start()) {
                final long deadline = start + timeout.toNanos();
                while (count < n && System.nanoTime() < deadline) {
                    final ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(20));
                    final long now = System.nanoTime();
                    if (running == 0 && app.streams().state() == KafkaStreams.State.RUNNING) {
                        running = now;
                        runningCpu = streamThreadsCpuNanos(appId);
                    }
                    for (final ConsumerRecord<byte[], byte[]> r : batch) {
                        if (startsWith(r.key(), clockPrefix)) {
                            continue;
                        }
                        if (count == 0) {
                            first = now;
                        }
                        if (now == first) {
                            firstBatch++;
                        }
                        count++;
                        last = now;
                        if (r.headers().lastHeader(HEADER_LATE) != null) {
                            late++;
                        }
                        order.accept(r.partition(), r.value(), r.headers());
                    }
                    if (!clockSent && count > 0 && count >= n - tail) {
                        sendClock(producer, input, data.get(n - 1).timestampMs());
                        clockSent = true;
                    }
                    if (verbose && now >= nextProgress) {
                        System.out.printf(Locale.ROOT, "broker: %,d/%,d scored records out after %.1f s (app %s)%n",
                                count, n, (now - start) / 1e9, app.streams().state());
                        nextProgress = now + PROGRESS_EVERY_NANOS;
                    }
                }
                busyCpu = streamThreadsCpuNanos(appId) - runningCpu;
                if (verbose) {
                    System.out.println("broker: stopping the app");
                }
            }
            final boolean complete = count >= n;
            if (!complete) {
                System.out.printf(Locale.ROOT, "broker: TIMED OUT after %d s with %,d of %,d records out%n",
                        timeout.toSeconds(), count, n);
            }
            if (count == 0 || running == 0) {
                return new Result(new Run(ScoringBenchmark.MODE_BROKER, 0, Double.POSITIVE_INFINITY), 0.0, Double.NaN,
                        Double.NaN, 0, Double.NaN, false, order.report());
            }
            final double fromStart = (last - start) / 1e9;
            final double fromRunning = (last - running) / 1e9;
            final double firstOutput = (first - start) / 1e9;
            // the first poll's records arrived at one instant: rate = the records after it over the time after it
            final double firstToLast = last > first ? (count - firstBatch) / ((last - first) / 1e9) : Double.NaN;
            final double busy = busyCpu / 1e9 / fromRunning;
            if (verbose) {
                System.out.printf(Locale.ROOT, "broker: %,d records out; app RUNNING %.1f s after start, first output "
                        + "%.1f s, last %.1f s; %,.0f records/s from RUNNING to last output, %,.0f first to last "
                        + "output, %,.0f from start; %,d emitted late; stream thread on CPU %.0f%% of the time "
                        + "after RUNNING%n", count, (running - start) / 1e9, firstOutput, fromStart,
                        count / fromRunning, firstToLast, count / fromStart, late, 100 * busy);
            }
            return new Result(new Run(ScoringBenchmark.MODE_BROKER, (int) count, fromRunning), count / fromStart,
                    (running - start) / 1e9, firstOutput, late, busy, complete, order.report());
        } finally {
            ScoringBenchmark.deleteRecursively(stateDir);
        }
    }

    /** CPU time so far of the app's stream threads (their names start with the application id). */
    private static long streamThreadsCpuNanos(final String applicationId) {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(applicationId) && t.getName().contains("StreamThread")
                    && !t.getName().endsWith("-producer")) {
                total += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    private void sendClock(final KafkaProducer<byte[], byte[]> producer, final String topic, final long lastMs) {
        final int sensors = 4 * partitions;
        for (int k = 1; k <= CLOCK_SECONDS; k++) {
            for (int s = 0; s < sensors; s++) {
                final String sensor = CLOCK_SENSOR + s;
                producer.send(new ProducerRecord<>(topic, s % partitions, lastMs + k * 1000L,
                        sensor.getBytes(StandardCharsets.UTF_8), BenchData.json(sensor, 15)));
            }
        }
        producer.flush();
    }

    private static boolean startsWith(final byte[] key, final byte[] prefix) {
        if (key == null || key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static KafkaProducer<byte[], byte[]> producer(final String servers) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> outputConsumer(final String servers, final String topic) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        final List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .collect(Collectors.toList());
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }
}
