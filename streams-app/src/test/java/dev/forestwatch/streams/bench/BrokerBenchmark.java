package dev.forestwatch.streams.bench;

import dev.forestwatch.local.check.OrderChecker;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.TopicCreation;
import dev.forestwatch.streams.App;
import dev.forestwatch.streams.bench.BenchData.Rec;
import dev.forestwatch.streams.bench.ScoringBenchmark.Run;
import dev.forestwatch.streams.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
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
            double threadBusy, boolean complete, OrderChecker.Report order, int streamThreads,
            double streamCpuMsPer1000, double appCpuMsPer1000, double brokerCpuMsPer1000, double threadWaiting) {
    }

    /**
     * Clock records: the ordering step releases a second once stream time has passed its end plus the grace, so the
     * input's last second would wait for the idle flush (order.idle.flush.ms of wall time, counted as scoring time).
     * Once the wall clock has passed that point, these records are appended behind all the input, in every partition,
     * so they cannot overtake it; their append time (the ROWTIME) then closes the last second as soon as it is scored.
     * Several clock sensors, so every partition downstream of the by-sensor repartition sees them; not counted.
     */
    private static final String CLOCK_SENSOR = "bench-clock-";
    /** {@code SecondOrderingProcessor.HEADER_LATE}, spelled out so the benchmark survives a rename there. */
    private static final String HEADER_LATE = "forestwatch.late";
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final List<Rec> data;
    private final int records;
    private final int warmup;
    private final int partitions;
    private final Duration timeout;

    BrokerBenchmark(final List<Rec> data, final int records, final int warmup, final int partitions,
            final Duration timeout, final Map<String, String> appSettings,
            final String bootstrap, final Long brokerPid) {
        this.appSettings = appSettings;
        this.bootstrap = bootstrap;
        this.brokerCpu = brokerPid == null ? null : new ProcessCpu(brokerPid);
        this.data = data;
        this.records = records;
        this.warmup = warmup;
        this.partitions = partitions;
        this.timeout = timeout;
    }

    private final Map<String, String> appSettings;
    /** An already running broker (e.g. {@code ./forestwatch kafka}, in its own JVM), or null for one in this JVM. */
    private final String bootstrap;
    /** The broker's process when it runs in its own JVM (--broker-pid), else null. */
    private final ProcessCpu brokerCpu;

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
        // the raw loops are timed after a warm-up: so is the app, and the broker's transaction coordinator with it
        if (warmup > 0) {
            System.out.printf(Locale.ROOT, "broker: warm-up run of a separate app over %,d records (untimed)%n",
                    warmup);
            appRun(servers, admin, "warmup-", warmup, false);
        }
        return appRun(servers, admin, "", records, true);
    }

    /** Topics named per run (a timestamp), so runs against a long-lived broker never share one. */
    private void createTopics(final Admin admin, final String input, final String output, final String deadLetters) {
        TopicCreation.createIfMissing(admin, List.of(
                new NewTopic(input, partitions, (short) 1).configs(TopicCreation.INPUT_TOPIC_CONFIGS),
                new NewTopic(output, partitions, (short) 1),
                new NewTopic(deadLetters, 1, (short) 1)), TOPIC_TIMEOUT);
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
        final byte[] clockPrefix = CLOCK_SENSOR.getBytes(StandardCharsets.UTF_8);
        final int threads = new StreamsConfig(config.streamsProperties())
                .getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
        final ProcessCpu appCpu = ProcessCpu.self();
        try (KafkaProducer<byte[], byte[]> producer = producer(servers);
                KafkaConsumer<byte[], byte[]> consumer = outputConsumer(servers, output)) {
            final long loadStart = System.nanoTime();
            final long lastAppendMs = load(producer, input, n);
            if (verbose) {
                System.out.printf(Locale.ROOT, "broker: loaded %,d records into %s (%d partitions) in %.1f s%n", n,
                        input, partitions, (System.nanoTime() - loadStart) / 1e9);
            }
            // the last input second is released by stream time past its end plus the grace (see CLOCK_SENSOR)
            final long clockAtMs = (lastAppendMs / 1000L + 1L) * 1000L + config.orderGraceMs() + 1L;

            long count = 0;
            long late = 0;
            final OrderChecker order = new OrderChecker();
            long firstBatch = 0;
            long first = 0;
            long last = 0;
            boolean clockSent = false;
            long running = 0;
            long appCpuNanos = 0;
            long brokerCpuNanos = 0;
            Map<String, Long> streamThreadIds = Map.of();
            RunQueue.Times schedule = new RunQueue.Times(0, 0);
            final long start = System.nanoTime();
            long nextProgress = start + PROGRESS_EVERY_NANOS;
            try (App app = new App(config).start()) {
                final long deadline = start + timeout.toNanos();
                while (count < n && System.nanoTime() < deadline) {
                    if (!clockSent && System.currentTimeMillis() >= clockAtMs) {
                        sendClock(producer, input);
                        clockSent = true;
                    }
                    final ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(20));
                    final long now = System.nanoTime();
                    if (running == 0 && app.streams().state() == KafkaStreams.State.RUNNING) {
                        // the baselines first (finding the threads takes a thread dump), then the clock starts
                        streamThreadIds = streamThreadIds(appId);
                        schedule = schedule(streamThreadIds);
                        appCpuNanos = -appCpu.nanos();
                        brokerCpuNanos = brokerCpu == null ? 0 : -brokerCpu.nanos();
                        running = System.nanoTime();
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
                    if (verbose && now >= nextProgress) {
                        System.out.printf(Locale.ROOT, "broker: %,d/%,d scored records out after %.1f s (app %s)%n",
                                count, n, (now - start) / 1e9, app.streams().state());
                        nextProgress = now + PROGRESS_EVERY_NANOS;
                    }
                }
                appCpuNanos += appCpu.nanos();
                brokerCpuNanos += brokerCpu == null ? 0 : brokerCpu.nanos();
                schedule = schedule(streamThreadIds).minus(schedule);
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
                        Double.NaN, 0, Double.NaN, false, order.report(), threads, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN);
            }
            final double fromStart = (last - start) / 1e9;
            final double fromRunning = (last - running) / 1e9;
            final double firstOutput = (first - start) / 1e9;
            // the first poll's records arrived at one instant: rate = the records after it over the time after it
            final double firstToLast = last > first ? (count - firstBatch) / ((last - first) / 1e9) : Double.NaN;
            // the stream threads' time on a CPU, the kernel's own count: what their thread CPU time reads too
            final long busyCpu = schedule.onCpuNanos();
            final double busy = busyCpu / 1e9 / fromRunning / threads;
            final double waiting = schedule.waitingNanos() / 1e9 / fromRunning / threads;
            final double appMs = appCpuNanos / 1e6 / count * 1000;
            final double brokerMs = brokerCpu == null ? Double.NaN : brokerCpuNanos / 1e6 / count * 1000;
            if (verbose) {
                System.out.printf(Locale.ROOT, "broker: %,d records out; app RUNNING %.1f s after start, first output "
                        + "%.1f s, last %.1f s; %,.0f records/s from RUNNING to last output, %,.0f first to last "
                        + "output, %,.0f from start; %,d emitted late; %d stream thread(s), each on CPU %.0f%% of the "
                        + "time after RUNNING%n", count, (running - start) / 1e9, firstOutput, fromStart,
                        count / fromRunning, firstToLast, count / fromStart, late, threads, 100 * busy);
                System.out.printf(Locale.ROOT, "broker: each stream thread after RUNNING, by the kernel's count "
                        + "(schedstat): on a CPU %.0f%%, runnable but waiting for a core %.0f%%, asleep (commits, "
                        + "polls) %.0f%%%n", 100 * schedule.onCpuNanos() / 1e9 / fromRunning / threads,
                        100 * waiting, 100 * (1 - (schedule.onCpuNanos() + schedule.waitingNanos()) / 1e9
                                / fromRunning / threads));
                System.out.printf(Locale.ROOT, "broker: CPU per 1,000 records from RUNNING to last output: %.0f ms in "
                        + "the app's JVM (%s), %s%n", appMs,
                        bootstrap == null ? "broker included" : "app and this benchmark's clients",
                        brokerCpu == null
                                ? "broker " + (bootstrap == null
                                        ? "in the app's JVM"
                                        : "not measured "
                                                + "(--broker-pid)")
                                : String.format(Locale.ROOT, "%.0f ms in the broker's (pid %d)",
                                        brokerMs, brokerCpu.pid()));
            }
            return new Result(new Run(ScoringBenchmark.MODE_BROKER, (int) count, fromRunning), count / fromStart,
                    (running - start) / 1e9, firstOutput, late, busy, complete, order.report(), threads,
                    busyCpu / 1e6 / count * 1000, appMs, brokerMs, waiting);
        } finally {
            ScoringBenchmark.deleteRecursively(stateDir);
        }
    }

    /**
     * Writes the first {@code n} records, spread evenly over the partitions, and returns the last append time. Any
     * record not written fails the run: a silent loss would show as a timeout, or worse as a faster run.
     */
    private long load(final KafkaProducer<byte[], byte[]> producer, final String input, final int n) {
        final AtomicReference<Exception> failed = new AtomicReference<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicLong lastAppendMs = new AtomicLong();
        final Callback callback = (metadata, e) -> {
            if (e != null) {
                failures.incrementAndGet();
                failed.compareAndSet(null, e);
            } else {
                // a LogAppendTime topic: the broker's append time, the ROWTIME the app cuts seconds from
                lastAppendMs.accumulateAndGet(metadata.timestamp(), Math::max);
            }
        };
        for (int i = 0; i < n; i++) {
            final Rec r = data.get(i);
            // keys are ignored (input.partitioned.by.sensor=false); an even spread keeps partitions in step
            producer.send(new ProducerRecord<>(input, i % partitions, r.timestampMs(), null, r.json()), callback);
        }
        producer.flush();
        if (failed.get() != null) {
            throw new IllegalStateException(String.format(Locale.ROOT, "loading the input failed: %,d of %,d "
                    + "records not written to %s", failures.get(), n, input), failed.get());
        }
        return lastAppendMs.get();
    }

    /** The native ids of the app's stream threads, by name. */
    private static Map<String, Long> streamThreadIds(final String applicationId) {
        final Map<String, Long> ids = new java.util.HashMap<>(RunQueue.nativeIds());
        ids.keySet().removeIf(name -> !isStreamThread(name, applicationId));
        return ids;
    }

    private static RunQueue.Times schedule(final Map<String, Long> threadIds) {
        return threadIds.values().stream().map(RunQueue::of).reduce(new RunQueue.Times(0, 0), RunQueue.Times::plus);
    }

    private static boolean isStreamThread(final String name, final String applicationId) {
        return name.startsWith(applicationId) && name.contains("StreamThread") && !name.endsWith("-producer");
    }

    /** CPU time so far of the app's stream threads (their names start with the application id). */
    private void sendClock(final KafkaProducer<byte[], byte[]> producer, final String topic) {
        final int sensors = 4 * partitions;
        for (int s = 0; s < sensors; s++) {
            final String sensor = CLOCK_SENSOR + s;
            producer.send(new ProducerRecord<>(topic, s % partitions, System.currentTimeMillis(),
                    sensor.getBytes(StandardCharsets.UTF_8), BenchData.json(sensor, 15)));
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
        // idempotent (the default, stated because the comparison rests on it): a retried batch keeps its place, so
        // each partition holds the records in the order the raw loops score them
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
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
