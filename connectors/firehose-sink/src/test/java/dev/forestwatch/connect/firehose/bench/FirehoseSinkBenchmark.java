package dev.forestwatch.connect.firehose.bench;

import dev.forestwatch.connect.firehose.FirehoseSinkConfig;
import dev.forestwatch.connect.firehose.FirehoseSinkConnector;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.firehose.LocalFirehose;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Records/s into the same LocalFirehose through the connector (a real worker reading a real broker, plugin from
 * its zip) and through a plain PutRecordBatch loop with the same batch size, and their ratio.
 * {@code ./forestwatch bench-firehose [--records N] [--rounds R]}.
 */
public final class FirehoseSinkBenchmark {

    private FirehoseSinkBenchmark() {}

    public static void main(final String[] args) throws Exception {
        int records = 100_000;
        int rounds = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + " (flags: --records N, --rounds R)");
            }
        }
        final List<byte[]> data = scoredRecords(records);
        final Path plugins = EmbeddedConnect.installBuiltPlugin();
        System.out.printf(Locale.ROOT, "Firehose sink benchmark: %,d records of ~%d bytes, batches of 500, %d "
                + "rounds; %d cores%n", records, data.get(0).length, rounds, Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); LocalFirehose firehose = new LocalFirehose();
                EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).pluginPath(plugins)
                        .workerProperty("consumer.max.poll.records", "2000").start()) {
            final List<Double> loop = new ArrayList<>();
            final List<Double> sink = new ArrayList<>();
            final List<Double> sinkOne = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                loop.add(plainLoop(firehose, data, "loop-" + round));
                System.out.printf(Locale.ROOT, "round %d: plain PutRecordBatch loop  %,10.0f records/s%n", round,
                        loop.get(loop.size() - 1));
                sink.add(connector(kafka, connect, firehose, data, "sink-" + round, 4));
                System.out.printf(Locale.ROOT, "round %d: connector                 %,10.0f records/s%n", round,
                        sink.get(sink.size() - 1));
                sinkOne.add(connector(kafka, connect, firehose, data, "sink1-" + round, 1));
                System.out.printf(Locale.ROOT, "round %d: connector, 1 call at a time %,9.0f records/s%n", round,
                        sinkOne.get(sinkOne.size() - 1));
            }
            final double l = median(loop);
            final double s = median(sink);
            final double s1 = median(sinkOne);
            final Runtime rt = Runtime.getRuntime();
            System.gc();
            System.out.println();
            System.out.printf(Locale.ROOT, "%-46s %12s%n", "mode", "records/s");
            System.out.printf(Locale.ROOT, "%-46s %,12.0f%n", "plain PutRecordBatch loop (1 call at a time)", l);
            System.out.printf(Locale.ROOT, "%-46s %,12.0f%n", "connector (Connect worker, 1 task, defaults)", s);
            System.out.printf(Locale.ROOT, "%-46s %,12.0f%n", "connector, max.in.flight.requests=1", s1);
            System.out.printf(Locale.ROOT, "connector/loop: %.2f (defaults, 4 calls in flight), %.2f (1 call at a time)"
                    + "  target >= 0.80  %s%n", s / l, s1 / l, Math.min(s, s1) / l >= 0.8 ? "OK" : "BELOW TARGET");
            System.out.printf(Locale.ROOT, "heap used after the runs (this JVM: broker, worker, LocalFirehose): %d MB; "
                    + "limit violations seen by LocalFirehose: %d%n", (rt.totalMemory() - rt.freeMemory()) >> 20,
                    firehose.violations().size());
        }
    }

    /** The same records, 500 a call, one call after another: what a hand-written client would do. */
    static double plainLoop(final LocalFirehose firehose, final List<byte[]> data, final String stream) {
        firehose.createStream(stream);
        try (FirehoseClient client = FirehoseClient.builder().region(Region.US_EAST_1)
                .endpointOverride(firehose.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            final long t0 = System.nanoTime();
            for (int i = 0; i < data.size(); i += 500) {
                final List<Record> batch = new ArrayList<>(500);
                for (int j = i; j < Math.min(i + 500, data.size()); j++) {
                    batch.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(data.get(j))).build());
                }
                client.putRecordBatch(PutRecordBatchRequest.builder().deliveryStreamName(stream).records(batch).build());
            }
            return data.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Records pre-loaded into a topic; timed from the connector's creation to the last record at LocalFirehose. */
    static double connector(final EmbeddedKafka kafka, final EmbeddedConnect connect, final LocalFirehose firehose,
            final List<byte[]> data, final String stream, final int inFlight) throws Exception {
        firehose.createStream(stream);
        kafka.createTopics(4, stream);
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final byte[] d : data) {
                producer.send(new ProducerRecord<>(stream, d));
            }
        }
        final Map<String, String> c = new HashMap<>();
        c.put("connector.class", FirehoseSinkConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("topics", stream);
        c.put(FirehoseSinkConfig.DELIVERY_STREAM_CONFIG, stream);
        c.put(FirehoseSinkConfig.ENDPOINT_CONFIG, firehose.url());
        c.put(FirehoseSinkConfig.RECORD_DELIMITER_CONFIG, "");
        c.put(FirehoseSinkConfig.MAX_IN_FLIGHT_CONFIG, String.valueOf(inFlight));
        c.put("aws.access.key.id", "a");
        c.put("aws.secret.access.key", "b");
        final long t0 = System.nanoTime();
        connect.createOrUpdateConnector(stream, c);
        final long deadline = t0 + Duration.ofMinutes(5).toNanos();
        while (firehose.delivered(stream).size() < data.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connector delivered only " + firehose.delivered(stream).size());
            }
            Thread.sleep(20);
        }
        final double rate = data.size() / ((System.nanoTime() - t0) / 1e9);
        connect.deleteConnector(stream);
        return rate;
    }

    /** Output records of the streams app: about 200 bytes of JSON each. */
    static List<byte[]> scoredRecords(final int n) {
        final Random rnd = new Random(42);
        final List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(("{\"iotName\":\"DemoSensor-" + (i % 10) + "\",\"iotValue\":" + (10 + rnd.nextInt(11))
                    + ",\"ANOMALY_SCORE\":" + rnd.nextDouble() + ",\"created\":\"2026-11-26T05:25:02Z\","
                    + "\"ANOMALY_GRADE\":0.0,\"isAnomaly\":false,\"recordId\":\"RawStreamData-1-" + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static double median(final List<Double> xs) {
        final List<Double> s = xs.stream().sorted().toList();
        return (s.get((s.size() - 1) / 2) + s.get(s.size() / 2)) / 2;
    }
}
