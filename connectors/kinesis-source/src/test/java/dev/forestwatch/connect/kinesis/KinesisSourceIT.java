package dev.forestwatch.connect.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forestwatch.connect.common.testing.ConnectItSupport;
import dev.forestwatch.connect.kinesis.kcl.RecordConverter;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedDynamo;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.EmbeddedKinesis;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * The connector in a real Connect worker, installed from the built plugin zip, reading the kinesis-local emulator
 * with its leases in dynalite and writing to a real broker.
 */
class KinesisSourceIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(150);
    private static EmbeddedKinesis kinesis;
    private static EmbeddedDynamo dynamo;
    private static EmbeddedKafka kafka;
    private static EmbeddedConnect connect;

    @BeforeAll
    static void start() throws Exception {
        kinesis = EmbeddedKinesis.start();
        dynamo = EmbeddedDynamo.start();
        kafka = EmbeddedKafka.start();
        connect = ConnectItSupport.workerWithPlugin(kafka, KinesisSourceConnector.class);
    }

    @AfterAll
    static void stop() {
        ConnectItSupport.closeAll(connect, kafka, dynamo, kinesis);
    }

    /** A connector on {@code stream} with a fresh lease table, fast KCL timings for a test. */
    private static Map<String, String> connector(final String stream, final String topic, final int tasks) {
        return EmulatorConnector.config(kinesis, dynamo, stream, topic, "fw-it-" + stream, tasks);
    }

    private record Sent(String key, byte[] data) {
    }

    private record Put(String key, byte[] data, String shardId, String sequenceNumber) {
    }

    /** PutRecords, retrying only entries the emulator refused. */
    private static List<Put> put(final String stream, final List<Sent> records) {
        final KinesisClient client = kinesis.client();
        final List<Put> out = new ArrayList<>();
        for (int from = 0; from < records.size(); from += 100) {
            List<Sent> batch = records.subList(from, Math.min(records.size(), from + 100));
            while (!batch.isEmpty()) {
                final List<Sent> current = batch;
                final PutRecordsResponse r = client.putRecords(p -> p.streamName(stream).records(current.stream()
                        .map(s -> PutRecordsRequestEntry.builder().partitionKey(s.key())
                                .data(SdkBytes.fromByteArray(s.data())).build())
                        .collect(Collectors.toList())));
                final List<Sent> failed = new ArrayList<>();
                for (int i = 0; i < current.size(); i++) {
                    final PutRecordsResultEntry e = r.records().get(i);
                    if (e.errorCode() == null) {
                        out.add(new Put(current.get(i).key(), current.get(i).data(), e.shardId(), e.sequenceNumber()));
                    } else {
                        failed.add(current.get(i));
                    }
                }
                batch = failed;
            }
        }
        return out;
    }

    private static List<Sent> json(final String prefix, final int sensors, final int from, final int n) {
        final List<Sent> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            final String sensor = prefix + "-" + (i % sensors);
            out.add(new Sent(sensor, ("{\"iotName\":\"" + sensor + "\",\"iotValue\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** Every record of {@code topic} once at least {@code expected} arrived, read to the end of the topic. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(final String topic, final int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = ConnectItSupport.fromBeginning(kafka.bootstrapServers(), topic,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            final List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            await("%d records in %s".formatted(expected, topic)).atMost(ARRIVAL).pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                        return out.size() >= expected;
                    });
            // whatever else the topic holds now (a duplicate written with the last expected record) is read too
            final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            await("the end of %s".formatted(topic)).atMost(ARRIVAL).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
            return out;
        }
    }

    /** Sequence number to ApproximateArrivalTimestamp (epoch ms) of every record of the stream, as Kinesis has it. */
    private static Map<String, Long> arrivals(final String stream) {
        final KinesisClient client = kinesis.client();
        final Map<String, Long> out = new HashMap<>();
        for (final Shard shard : client.listShards(l -> l.streamName(stream)).shards()) {
            String iterator = client.getShardIterator(i -> i.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                final String current = iterator;
                final GetRecordsResponse page = client.getRecords(g -> g.shardIterator(current));
                page.records()
                        .forEach(r -> out.put(r.sequenceNumber(), r.approximateArrivalTimestamp().toEpochMilli()));
                final Long behind = page.millisBehindLatest();
                iterator = page.records().isEmpty() || behind == null || behind == 0 ? null : page.nextShardIterator();
            }
        }
        return out;
    }

    private static String header(final ConsumerRecord<?, ?> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String id(final ConsumerRecord<?, ?> r) {
        return header(r, RecordConverter.HEADER_SEQUENCE) + "/" + header(r, RecordConverter.HEADER_SUBSEQUENCE);
    }

    /** Lease key -> checkpoint, as the KCL stored it in the lease table. */
    private static Map<String, String> checkpoints(final String stream) {
        return leases(stream).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().getOrDefault("checkpoint", AttributeValue.fromS("")).s()));
    }

    private static Map<String, Map<String, AttributeValue>> leases(final String stream) {
        final Map<String, Map<String, AttributeValue>> out = new LinkedHashMap<>();
        dynamo.client().scanPaginator(s -> s.tableName("fw-it-" + stream)).items()
                .forEach(item -> out.put(item.get("leaseKey").s(), item));
        return out;
    }

    private static Map<String, String> lastSequencePerShard(final List<Put> puts) {
        final Map<String, String> last = new HashMap<>();
        for (final Put p : puts) {
            last.merge(p.shardId(), p.sequenceNumber(),
                    (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b);
        }
        return last;
    }

    @Test
    void everyRecordOfFourShardsArrivesAsSentThroughTwoTasksAndARestartResumesFromTheCheckpoints()
            throws Exception {
        final String stream = "raw-shards";
        kinesis.createStream(stream, 4);
        kafka.createTopics(3, stream);

        final List<Sent> sent = new ArrayList<>(json("DemoSensor", 10, 0, 300));
        sent.add(new Sent("bad-bytes", new byte[]{(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 'x'}));
        final long putFrom = System.currentTimeMillis();
        final List<Put> puts = new ArrayList<>(put(stream, sent));
        // a KPL aggregate: one Kinesis record holding three user records, which the KCL de-aggregates
        final Put aggregate = put(stream, List.of(new Sent("agg", kplAggregate("agg", 3)))).get(0);
        final long putTo = System.currentTimeMillis();

        final String name = "kinesis-" + stream;
        connect.createOrUpdateConnector(name, connector(stream, stream, 2));
        connect.awaitConnectorRunning(name, 2, Duration.ofSeconds(60));

        final List<ConsumerRecord<byte[], byte[]>> got = consume(stream, puts.size() + 3);
        assertThat(got).hasSize(puts.size() + 3);
        final Map<String, Long> arrivals = arrivals(stream);
        // the emulator stamps arrivals with its own clock: they must lie within the test's put window
        assertThat(arrivals.values()).allSatisfy(t -> assertThat(t).isBetween(putFrom - 5_000, putTo + 5_000));
        final Map<String, ConsumerRecord<byte[], byte[]>> bySequence = got.stream()
                .collect(Collectors.toMap(KinesisSourceIT::id, r -> r, (a, b) -> {
                    throw new AssertionError("delivered twice: " + id(a));
                }));
        for (final Put p : puts) {
            final ConsumerRecord<byte[], byte[]> r = bySequence.get(p.sequenceNumber() + "/0");
            assertThat(r).as("record %s", p.sequenceNumber()).isNotNull();
            assertThat(r.value()).as("the data bytes unchanged").isEqualTo(p.data());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(p.key());
            assertThat(header(r, RecordConverter.HEADER_SHARD)).isEqualTo(p.shardId());
            assertThat(header(r, RecordConverter.HEADER_STREAM)).isEqualTo(stream);
            final long arrival = arrivals.get(p.sequenceNumber());
            assertThat(r.timestamp()).as("Kafka timestamp of %s = its ApproximateArrivalTimestamp", p.sequenceNumber())
                    .isEqualTo(arrival);
            assertThat(header(r, RecordConverter.HEADER_ARRIVAL)).isEqualTo(Long.toString(arrival));
        }
        for (int i = 0; i < 3; i++) {
            final ConsumerRecord<byte[], byte[]> r = bySequence.get(aggregate.sequenceNumber() + "/" + i);
            assertThat(r).as("de-aggregated user record %d", i).isNotNull();
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("agg-" + i);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("agg-" + i);
        }

        // every shard checkpointed at its last record, which Kafka acknowledged; the aggregate's shard at it
        final Map<String, String> expected = lastSequencePerShard(puts);
        expected.merge(aggregate.shardId(), aggregate.sequenceNumber(),
                (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b);
        await("checkpoints at the last records").atMost(Duration.ofSeconds(30))
                .until(() -> checkpoints(stream).entrySet().containsAll(expected.entrySet()));
        assertThat(leases(stream).values().stream().map(l -> l.get("leaseOwner").s()).distinct())
                .as("both tasks hold leases").hasSize(2);

        // a restart resumes from those checkpoints: the new records arrive, none of the old ones again
        connect.restartConnector(name, true);
        connect.awaitConnectorRunning(name, 2, Duration.ofSeconds(60));
        final List<Put> more = put(stream, json("DemoSensor", 10, 300, 100));
        final List<ConsumerRecord<byte[], byte[]>> after = consume(stream, got.size() + more.size());
        assertThat(after).hasSize(got.size() + more.size());
        final Set<String> ids = after.stream().map(KinesisSourceIT::id).collect(Collectors.toSet());
        assertThat(ids).hasSize(after.size());
        assertThat(ids).containsAll(more.stream().map(p -> p.sequenceNumber() + "/0").collect(Collectors.toList()));
        connect.deleteConnector(name);
    }

    @Test
    void aShardSplitMidStreamLosesNothingAndKeepsEveryKeysOrder() {
        final String stream = "raw-split";
        kinesis.createStream(stream, 1);
        kafka.createTopics(3, stream);
        final String name = "kinesis-" + stream;
        connect.createOrUpdateConnector(name, connector(stream, stream, 2));
        connect.awaitConnectorRunning(name, 2, Duration.ofSeconds(60));

        final int keys = 20;
        final int perKey = 30;
        final List<Sent> first = ordered(keys, 0, perKey / 2);
        put(stream, first);
        consume(stream, first.size()); // reading before the split

        final String parent = kinesis.client().listShards(r -> r.streamName(stream)).shards().get(0).shardId();
        kinesis.client().splitShard(r -> r.streamName(stream).shardToSplit(parent)
                .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
        await("the split to finish").atMost(Duration.ofSeconds(30)).until(() -> kinesis.client()
                .describeStreamSummary(r -> r.streamName(stream)).streamDescriptionSummary()
                .streamStatus() == StreamStatus.ACTIVE);
        final List<Shard> shards = kinesis.client().listShards(r -> r.streamName(stream)).shards();
        assertThat(shards).hasSize(3);
        final List<Put> second = put(stream, ordered(keys, perKey / 2, perKey / 2));
        assertThat(second.stream().map(Put::shardId).distinct()).as("written to both children")
                .hasSize(2).doesNotContain(parent);

        final List<ConsumerRecord<byte[], byte[]>> got = consume(stream, keys * perKey);
        assertThat(got).hasSize(keys * perKey);
        final Map<String, List<Integer>> perKeyValues = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> r : got) {
            perKeyValues.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8).split(":")[1]));
        }
        final List<Integer> inOrder = java.util.stream.IntStream.range(0, perKey).boxed().collect(Collectors.toList());
        assertThat(perKeyValues).hasSize(keys);
        perKeyValues.forEach((k, v) -> assertThat(v).as("key %s in order, once each", k).isEqualTo(inOrder));
        await("the parent shard finished").atMost(Duration.ofSeconds(30))
                .until(() -> "SHARD_END".equals(checkpoints(stream).get(parent)));
        connect.deleteConnector(name);
    }

    /** {@code n} records per key, values "key:i" for i from {@code from}, keys interleaved. */
    private static List<Sent> ordered(final int keys, final int from, final int n) {
        final List<Sent> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            for (int k = 0; k < keys; k++) {
                out.add(new Sent("key-" + k, ("key-" + k + ":" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /**
     * The KPL's aggregated format: magic, an AggregatedRecord protobuf, and the MD5 of the protobuf. Like the KPL, it
     * gives every user record the explicit hash key of the outer partition key {@code prefix}, so they all belong to
     * the shard the aggregate lands in (the KCL drops user records that hash outside their shard).
     */
    private static byte[] kplAggregate(final String prefix, final int n) throws Exception {
        final String hashKey = new BigInteger(1, MessageDigest.getInstance("MD5")
                .digest(prefix.getBytes(StandardCharsets.UTF_8))).toString();
        final Messages.AggregatedRecord.Builder b = Messages.AggregatedRecord.newBuilder()
                .addExplicitHashKeyTable(hashKey);
        for (int i = 0; i < n; i++) {
            b.addPartitionKeyTable(prefix + "-" + i);
            b.addRecords(Messages.Record.newBuilder().setPartitionKeyIndex(i).setExplicitHashKeyIndex(0)
                    .setData(com.google.protobuf.ByteString.copyFromUtf8(prefix + "-" + i)));
        }
        final byte[] body = b.build().toByteArray();
        final byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
        final byte[] magic = AggregatorUtil.AGGREGATED_RECORD_MAGIC;
        final byte[] out = new byte[magic.length + body.length + md5.length];
        System.arraycopy(magic, 0, out, 0, magic.length);
        System.arraycopy(body, 0, out, magic.length, body.length);
        System.arraycopy(md5, 0, out, magic.length + body.length, md5.length);
        return out;
    }
}
