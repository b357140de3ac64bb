package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Both npm emulators, started once: a 2-shard stream round trip, a KCL 3 lease table, and no process left after close. */
class EmulatorsIT {
    private static final String STREAM = "readings";
    private static final String LEASE_TABLE = "forestwatch-kinesis-source";
    private static final int RECORDS = 100;

    @Test
    void kinesisRoundTripsRecordsOverTwoShardsAndDynamoHoldsKclLeaseTableAndCloseLeavesNoProcess() {
        List<ProcessHandle> processes = new ArrayList<>();
        Path kinesisWork;
        Path dynamoWork;
        String kinesisMarker;
        String dynamoMarker;
        try (EmbeddedKinesis kinesis = EmbeddedKinesis.start(); EmbeddedDynamo dynamo = EmbeddedDynamo.start()) {
            processes.addAll(kinesis.processes());
            processes.addAll(dynamo.processes());
            kinesisWork = kinesis.logFile().getParent();
            dynamoWork = dynamo.logFile().getParent();
            kinesisMarker = "KINESIS_MOCK_PLAIN_PORT=" + kinesis.endpoint().getPort();
            dynamoMarker = "--port\0" + dynamo.endpoint().getPort() + "\0";
            assertThat(nodeProcessesWith("environ", kinesisMarker)).as("the kinesis-local process").isNotEmpty();
            assertThat(nodeProcessesWith("cmdline", dynamoMarker)).as("the dynalite process").isNotEmpty();
            assertThat(kinesis.endpoint().toString()).startsWith("http://127.0.0.1:");
            assertThat(dynamo.endpoint().toString()).startsWith("http://127.0.0.1:");
            assertThat(processes).as("node processes").hasSizeGreaterThanOrEqualTo(2).allMatch(ProcessHandle::isAlive);

            kinesis.createStream(STREAM, 2);
            KinesisClient client = kinesis.client();
            List<Shard> shards = client.listShards(r -> r.streamName(STREAM)).shards();
            assertThat(shards).hasSize(2);

            List<PutRecordsRequestEntry> entries = IntStream.range(0, RECORDS)
                    .mapToObj(i -> PutRecordsRequestEntry.builder()
                            .partitionKey("sensor-" + i)
                            .data(SdkBytes.fromUtf8String("reading-" + i))
                            .build())
                    .collect(Collectors.toList());
            PutRecordsResponse put = client.putRecords(r -> r.streamName(STREAM).records(entries));
            assertThat(put.failedRecordCount()).isZero();
            assertThat(put.records().stream().map(e -> e.shardId()).distinct()).as("records spread over both shards")
                    .hasSize(2);

            Set<String> read = new HashSet<>();
            for (Shard shard : shards) {
                String iterator = client.getShardIterator(r -> r.streamName(STREAM).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    String current = iterator;
                    GetRecordsResponse got = client.getRecords(r -> r.shardIterator(current).limit(1000));
                    got.records().forEach(rec -> read.add(rec.data().asString(StandardCharsets.UTF_8)));
                    // Caught up with an empty page: nothing more was written.
                    iterator = got.records().isEmpty() && got.millisBehindLatest() == 0
                            ? null
                            : got.nextShardIterator();
                }
            }
            assertThat(read).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, RECORDS).mapToObj(i -> "reading-" + i).collect(Collectors.toList()));

            dynamo.createKclLeaseTable(LEASE_TABLE);
            TableDescription table = dynamo.client().describeTable(r -> r.tableName(LEASE_TABLE)).table();
            assertThat(table.keySchema()).singleElement()
                    .satisfies(
                            k -> assertThat(k.attributeName() + "/" + k.keyTypeAsString()).isEqualTo("leaseKey/HASH"));
            assertThat(table.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
            assertThat(table.globalSecondaryIndexes()).extracting(GlobalSecondaryIndexDescription::indexName)
                    .containsExactly(EmbeddedDynamo.KCL_LEASE_OWNER_INDEX);
            GlobalSecondaryIndexDescription gsi = table.globalSecondaryIndexes().get(0);
            assertThat(gsi.keySchema()).extracting(k -> k.attributeName() + "/" + k.keyTypeAsString())
                    .containsExactly("leaseOwner/HASH", "leaseKey/RANGE");
            assertThat(gsi.projection().projectionTypeAsString()).isEqualTo("KEYS_ONLY");
        }
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(nodeProcessesWith("environ", kinesisMarker)).as("kinesis-local processes left").isEmpty();
        assertThat(nodeProcessesWith("cmdline", dynamoMarker)).as("dynalite processes left").isEmpty();
        assertThat(kinesisWork).doesNotExist();
        assertThat(dynamoWork).doesNotExist();
    }

    /** Live node processes, ours or not, whose /proc/<pid>/{environ,cmdline} holds {@code marker} (this instance's port). */
    private static List<Long> nodeProcessesWith(String procFile, String marker) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/node")).orElse(false))
                .filter(h -> {
                    try {
                        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), procFile)),
                                StandardCharsets.UTF_8).contains(marker);
                    } catch (IOException e) {
                        return false; // exited meanwhile
                    }
                })
                .map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }
}
