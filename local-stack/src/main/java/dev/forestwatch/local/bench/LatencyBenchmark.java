package dev.forestwatch.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.local.Directories;
import dev.forestwatch.local.Flags;
import dev.forestwatch.local.Logging;
import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.pipeline.DemoOptions;
import dev.forestwatch.local.pipeline.Pipeline;
import dev.forestwatch.local.pipeline.PipelineOptions;
import dev.forestwatch.local.server.EmbeddedKinesis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Latency from a Kinesis put to a searchable Elasticsearch document, through the whole one-command pipeline, at a
 * fixed rate ({@code ./forestwatch bench-latency}). Each reading's clock starts when PutRecords acknowledges it;
 * watchers note when its id (shard, sequence number) first shows in Kafka's input topic, in the scored topic and
 * in an Elasticsearch search, so the figures come per stage, with the first stage as the transport baseline.
 * Readings put before the pipeline delivered its first record (the KCL's start-up) are not counted.
 */
public final class LatencyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DRAIN = Duration.ofMinutes(3);

    private final Map<String, Long> putAt = new ConcurrentHashMap<>();
    private final Map<String, Long> inKafkaAt = new ConcurrentHashMap<>();
    private final Map<String, Long> scoredAt = new ConcurrentHashMap<>();
    private final Map<String, Long> searchableAt = new ConcurrentHashMap<>();
    private volatile boolean measuring;

    private LatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        if (flags.help(String.join("\n",
                "Usage: ./forestwatch bench-latency [--rate R (20)] [--seconds S (60)] [--work-dir DIR]",
                "Starts ./forestwatch up without its generator, puts R readings/s into Kinesis for S seconds once",
                "records flow, and prints p50/p95/p99/max from put to Kafka, to scored, to searchable."))) {
            return;
        }
        double rate = flags.doubleValue("rate", 20);
        Duration measure = Duration.ofSeconds(flags.longValue("seconds", 60));
        Path repo = DemoOptions.findRepoDir().toAbsolutePath().normalize();
        Path work = Path.of(flags.string("work-dir", repo.resolve(".work").resolve("bench-latency").toString()));
        flags.rejectUnknown();
        Directories.createDirs(work);
        System.setProperty(Logging.LOG_FILE_PROPERTY, work.resolve("pipeline.log").toString());
        Logging.useBundledConfig(Logging.DEMO_CONFIG);
        new LatencyBenchmark().run(repo, work, rate, measure);
        System.exit(0);
    }

    private void run(Path repo, Path work, double rate, Duration measure) throws Exception {
        Pipeline pipeline = new Pipeline(new PipelineOptions(repo, work, true, 3, rate, 0, 1, 2, 2.0, 0,
                Duration.ofSeconds(10), null, false), System.out, System.err);
        Thread runner = new Thread(pipeline::run, "pipeline");
        runner.start();
        try {
            pipeline.awaitRunning(Duration.ofMinutes(5));
            List<Thread> watchers = List.of(
                    daemon("watch-input", () -> watchInput(pipeline.kafka().bootstrapServers())),
                    daemon("watch-scored", () -> watchScored(pipeline.kafka().bootstrapServers())),
                    daemon("watch-es", () -> watchElasticsearch(pipeline.elasticsearch().url())));
            try (KinesisClient kinesis = EmbeddedKinesis.client(pipeline.kinesisEndpoint())) {
                KinesisPutter putter = new KinesisPutter(kinesis, rate, (id, reading, at) -> {
                    if (measuring) {
                        putAt.put(id, at);
                    }
                }).start("putter");
                System.out.printf(Locale.ROOT, "bench: putting %s readings/s; waiting for the first to be searchable "
                        + "(the KCL waits 1-30 s before its first lease sync)%n", rate);
                long t0 = System.nanoTime();
                while (searchableAt.isEmpty()) {
                    Thread.sleep(100);
                    if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(4)) {
                        throw new IllegalStateException("nothing became searchable within 4 minutes");
                    }
                }
                System.out.printf(Locale.ROOT, "bench: first reading searchable after %.1f s; measuring %d s%n",
                        (System.nanoTime() - t0) / 1e9, measure.toSeconds());
                measuring = true;
                Thread.sleep(measure.toMillis());
                measuring = false;
                putter.stopAndJoin();
                System.out.printf(Locale.ROOT, "bench: %,d readings put while measuring; waiting for them%n",
                        putAt.size());
                long drainUntil = System.nanoTime() + DRAIN.toNanos();
                while (!searchableAt.keySet().containsAll(putAt.keySet()) && System.nanoTime() < drainUntil) {
                    Thread.sleep(200);
                }
            }
            watchers.forEach(Thread::interrupt);
            report();
        } finally {
            pipeline.stop();
            runner.join(TimeUnit.MINUTES.toMillis(2));
        }
    }

    private void watchInput(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, PipelineNames.INPUT_TOPIC, "read_uncommitted")) {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    String id = header(r, "kinesis.shard.id") + "-" + header(r, "kinesis.sequence.number") + "-"
                            + header(r, "kinesis.subsequence.number");
                    inKafkaAt.putIfAbsent(id, System.nanoTime());
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // done
        }
    }

    private void watchScored(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, PipelineNames.OUTPUT_TOPIC, "read_committed")) {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    scoredAt.putIfAbsent(JSON.readTree(r.value()).path("recordId").asText(), System.nanoTime());
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // done
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every 100 ms, asks for the scored ids not yet seen: searchable means a search finds them (after a refresh). */
    private void watchElasticsearch(String es) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (!Thread.currentThread().isInterrupted()) {
            List<String> pending = new ArrayList<>();
            for (String id : scoredAt.keySet()) {
                if (!searchableAt.containsKey(id) && pending.size() < 1000) {
                    pending.add(id);
                }
            }
            if (!pending.isEmpty()) {
                ObjectNode query = JSON.createObjectNode();
                ArrayNode values = query.putObject("query").putObject("ids").putArray("values");
                pending.forEach(values::add);
                query.put("size", pending.size()).put("_source", false);
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(es + "/" + PipelineNames.INDEX
                            + "/_search")).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(query.toString())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long now = System.nanoTime();
                    if (r.statusCode() == 200) {
                        for (JsonNode hit : JSON.readTree(r.body()).path("hits").path("hits")) {
                            searchableAt.putIfAbsent(hit.path("_id").asText(), now);
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (java.io.IOException e) {
                    // Elasticsearch busy or restarting: ask again next round
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private void report() {
        int n = putAt.size();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-52s %8s %8s %8s %8s %8s%n", "from Kinesis put (PutRecords acknowledged) to",
                "p50 s", "p95 s", "p99 s", "max s", "records");
        line("in Kafka RawStreamData (Kinesis source; baseline)", inKafkaAt);
        line("scored in DESTINATION_SQL_STREAM (+ streams app)", scoredAt);
        line("searchable in Elasticsearch (+ sink, refresh)", searchableAt);
        long missing = putAt.keySet().stream().filter(id -> !searchableAt.containsKey(id)).count();
        System.out.printf(Locale.ROOT, "%,d readings measured, %,d not searchable within %d s of the end%n", n, missing,
                DRAIN.toSeconds());
        System.out.println("The seed's Firehose delivery to Elasticsearch buffered up to 60 s (its buffer interval) "
                + "before indexing.");
    }

    private void line(String label, Map<String, Long> seenAt) {
        double[] latencies = putAt.entrySet().stream().filter(e -> seenAt.containsKey(e.getKey()))
                .mapToDouble(e -> (seenAt.get(e.getKey()) - e.getValue()) / 1e9).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %-50s %8.2f %8.2f %8.2f %8.2f %8d%n", label, pct(latencies, 50),
                pct(latencies, 95), pct(latencies, 99), latencies.length == 0
                        ? Double.NaN
                        : latencies[latencies.length - 1],
                latencies.length);
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic, String isolation) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
