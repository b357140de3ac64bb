package dev.forestwatch.connect.firehose.bench;

import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.common.testing.BenchMain;
import dev.forestwatch.connect.common.testing.SinkTestSupport;
import dev.forestwatch.connect.firehose.FirehoseSinkConfig;
import dev.forestwatch.connect.firehose.FirehoseSinkConnector;
import dev.forestwatch.local.firehose.LocalFirehose;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * Records/s from the first record delivered to the last, and from the mode's start (the loop's first call, the
     * connector's creation) to the last.
     */
    record Rates(double fromFirst, double fromStart) {
    }

    private FirehoseSinkBenchmark() {
    }

    public static void main(final String[] args) {
        BenchMain.run("bench-firehose", args, "Usage: ./forestwatch bench-firehose [--records N] [--rounds R]",
                flags -> {
                    final int records = flags.intValue("records", 100_000);
                    final int rounds = flags.intValue("rounds", 2);
                    return open -> run(records, rounds, open);
                });
    }

    private static void run(final int records, final int rounds, final Deque<AutoCloseable> open) throws Exception {
        final List<byte[]> data = SinkTestSupport.scoredRecords(records, "RawStreamData-1-");
        final Path plugins = EmbeddedConnect.installBuiltPlugin();
        System.out.printf(Locale.ROOT, "Firehose sink benchmark: %,d records of ~%d bytes, batches of 500, %d "
                + "rounds; %d cores%n", records, data.get(0).length, rounds,
                Runtime.getRuntime().availableProcessors());
        final EmbeddedKafka kafka = EmbeddedKafka.start();
        open.push(kafka);
        final LocalFirehose firehose = new LocalFirehose();
        open.push(firehose);
        final EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).pluginPath(plugins)
                .workerProperty("consumer.max.poll.records", "2000").start();
        open.push(connect);
        final List<Rates> loop = new ArrayList<>();
        final List<Rates> sink = new ArrayList<>();
        final List<Rates> sinkOne = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            loop.add(plainLoop(firehose, data, "loop-" + round));
            System.out.printf(Locale.ROOT, "round %d: plain PutRecordBatch loop  %,10.0f records/s from its first "
                    + "record%n", round, loop.get(loop.size() - 1).fromFirst());
            sink.add(connector(kafka, connect, firehose, data, "sink-" + round, 4));
            System.out.printf(Locale.ROOT, "round %d: connector                 %,10.0f records/s from its first "
                    + "record%n", round, sink.get(sink.size() - 1).fromFirst());
            sinkOne.add(connector(kafka, connect, firehose, data, "sink1-" + round, 1));
            System.out.printf(Locale.ROOT, "round %d: connector, 1 call at a time %,9.0f records/s from its first "
                    + "record%n", round, sinkOne.get(sinkOne.size() - 1).fromFirst());
        }
        final double l = median(loop.stream().map(Rates::fromFirst).toList());
        final double s = median(sink.stream().map(Rates::fromFirst).toList());
        final double s1 = median(sinkOne.stream().map(Rates::fromFirst).toList());
        final double lStart = median(loop.stream().map(Rates::fromStart).toList());
        final double sStart = median(sink.stream().map(Rates::fromStart).toList());
        final double s1Start = median(sinkOne.stream().map(Rates::fromStart).toList());
        final Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-46s %16s %18s%n", "mode", "1st..last rec/s", "start..last rec/s");
        System.out.printf(Locale.ROOT, "%-46s %,16.0f %,18.0f%n", "plain PutRecordBatch loop (1 call at a time)", l,
                lStart);
        System.out.printf(Locale.ROOT, "%-46s %,16.0f %,18.0f%n", "connector (Connect worker, 1 task, defaults)", s,
                sStart);
        System.out.printf(Locale.ROOT, "%-46s %,16.0f %,18.0f%n", "connector, max.in.flight.requests=1", s1, s1Start);
        // both sides on one basis: the connector's start includes the worker starting its task, the loop's does not
        System.out.printf(Locale.ROOT, "connector/loop, both from their first record delivered: %.2f (defaults, 4 "
                + "calls in flight), %.2f (1 call at a time)  target >= 0.80  %s   (both from their start, task "
                + "start-up included: %.2f, %.2f)%n", s / l, s1 / l, Math.min(s, s1) / l >= 0.8 ? "OK" : "BELOW TARGET",
                sStart / lStart, s1Start / lStart);
        System.out.printf(Locale.ROOT, "heap used after the runs (this JVM: broker, worker, LocalFirehose): %d MB; "
                + "limit violations seen by LocalFirehose: %d%n", (rt.totalMemory() - rt.freeMemory()) >> 20,
                firehose.violations().size());
        System.out.flush();
    }

    /**
     * The same records, 500 a call, one call after another: what a hand-written client would do. Its first records
     * are delivered when the first call returns.
     */
    static Rates plainLoop(final LocalFirehose firehose, final List<byte[]> data, final String stream) {
        firehose.createStream(stream);
        try (FirehoseClient client = FirehoseClient.builder().region(Region.US_EAST_1)
                .endpointOverride(firehose.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            final long t0 = System.nanoTime();
            long first = 0;
            for (int i = 0; i < data.size(); i += 500) {
                final List<Record> batch = new ArrayList<>(500);
                for (int j = i; j < Math.min(i + 500, data.size()); j++) {
                    batch.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(data.get(j))).build());
                }
                client.putRecordBatch(
                        PutRecordBatchRequest.builder().deliveryStreamName(stream).records(batch).build());
                if (first == 0) {
                    first = System.nanoTime();
                }
            }
            final long end = System.nanoTime();
            final int firstCount = Math.min(500, data.size());
            return new Rates((data.size() - firstCount) / (Math.max(1, end - first) / 1e9),
                    data.size() / ((end - t0) / 1e9));
        }
    }

    /**
     * Records pre-loaded into a topic; timed to the last record at LocalFirehose from the first records there (seen
     * within 20 ms) and from the connector's creation.
     */
    static Rates connector(final EmbeddedKafka kafka, final EmbeddedConnect connect, final LocalFirehose firehose,
            final List<byte[]> data, final String stream, final int inFlight) throws Exception {
        firehose.createStream(stream);
        kafka.createTopics(4, stream);
        SinkTestSupport.preload(kafka.bootstrapServers(), stream, data);
        final Map<String, String> c = SinkTestSupport.connectorConfig(FirehoseSinkConnector.class, 1, stream);
        c.put(FirehoseSinkConfig.DELIVERY_STREAM_CONFIG, stream);
        c.put(FirehoseSinkConfig.ENDPOINT_CONFIG, firehose.url());
        c.put(FirehoseSinkConfig.RECORD_DELIMITER_CONFIG, "");
        c.put(SendConfig.MAX_IN_FLIGHT_CONFIG, String.valueOf(inFlight));
        c.put("aws.access.key.id", "a");
        c.put("aws.secret.access.key", "b");
        final long t0 = System.nanoTime();
        connect.createOrUpdateConnector(stream, c);
        final long deadline = t0 + Duration.ofMinutes(5).toNanos();
        long first = 0;
        int firstCount = 0;
        int delivered;
        while ((delivered = firehose.delivered(stream).size()) < data.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connector delivered only " + delivered);
            }
            if (first == 0 && delivered > 0) {
                first = System.nanoTime();
                firstCount = delivered;
            }
            Thread.sleep(20);
        }
        final long end = System.nanoTime();
        if (first == 0) {
            // everything arrived between two looks: the first records' time is the last's
            first = end;
            firstCount = data.size();
        }
        connect.deleteConnector(stream);
        return new Rates((data.size() - firstCount) / (Math.max(1, end - first) / 1e9),
                data.size() / ((end - t0) / 1e9));
    }

    private static double median(final List<Double> xs) {
        final List<Double> s = xs.stream().sorted().toList();
        return (s.get((s.size() - 1) / 2) + s.get(s.size() / 2)) / 2;
    }
}
