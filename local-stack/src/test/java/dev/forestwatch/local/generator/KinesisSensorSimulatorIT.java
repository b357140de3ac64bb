package dev.forestwatch.local.generator;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.server.EmbeddedKinesis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The simulator writing a 2-shard stream on the kinesis-local emulator, read back shard by shard. */
class KinesisSensorSimulatorIT {
    private static final String STREAM = SensorSimulator.DEFAULT_TOPIC;
    // Small: the emulator slows down as shards fill. DemoSensor-1,2 hash to shard 0, DemoSensor-3,4 to shard 1.
    private static final int RECORDS = 1500;
    private static final int SENSORS = 4;
    private static final double ANOMALY_RATIO = 0.05;
    private static final long SEED = 42;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesEveryReadingOnceInEachSensorsOrderAsSeedShapedJson() {
        try (EmbeddedKinesis kinesis = EmbeddedKinesis.start()) {
            kinesis.createStream(STREAM, 2);
            KinesisTarget target = KinesisTarget.of(STREAM)
                    .withEndpoint(kinesis.endpoint())
                    .withRegion(EmbeddedKinesis.REGION)
                    .withCredentials(EmbeddedKinesis.credentials());

            SensorSimulator.Result result = new SensorSimulator(SensorSimulator.Options.builder(target)
                    .sensors(SENSORS).recordsPerSecond(0).anomalyRatio(ANOMALY_RATIO).maxRecords(RECORDS).seed(SEED)
                    .progressOut(null).build()).run();

            assertThat(result.sent()).isEqualTo(RECORDS);
            assertThat(result.acknowledged()).isEqualTo(RECORDS);
            assertThat(result.failed()).isZero();

            Map<String, List<Record>> shards = readEveryShard(kinesis.client());
            assertThat(shards).hasSize(2).allSatisfy((shard, records) -> assertThat(records).as(shard).isNotEmpty());
            List<Record> all = shards.values().stream().flatMap(List::stream).collect(toList());
            assertThat(all).allSatisfy(r -> assertThat(r.data().asUtf8String())
                    .matches("\\{\"iotName\":\"" + r.partitionKey() + "\",\"iotValue\":\\d+}"));
            Map<String, Set<String>> shardsOfSensor = new HashMap<>();
            shards.forEach((shard, records) -> records.forEach(
                    r -> shardsOfSensor.computeIfAbsent(r.partitionKey(), k -> new HashSet<>()).add(shard)));
            assertThat(shardsOfSensor.values()).as("shards per sensor").allSatisfy(s -> assertThat(s).hasSize(1));

            // Shard order is write order, so each sensor's values read back must be exactly what the
            // generator made for it with this seed: nothing lost, nothing twice, nothing swapped.
            Map<String, List<Integer>> read = all.stream()
                    .collect(groupingBy(Record::partitionKey, LinkedHashMap::new,
                            mapping(KinesisSensorSimulatorIT::value, toList())));
            SensorReadingGenerator generator = new SensorReadingGenerator(SENSORS, ANOMALY_RATIO, SEED);
            Map<String, List<Integer>> generated = Stream.generate(generator::next).limit(RECORDS)
                    .collect(groupingBy(SensorReading::sensor, mapping(SensorReading::value, toList())));
            assertThat(read).containsOnlyKeys(generated.keySet());
            generated.forEach((sensor, values) -> assertThat(read.get(sensor)).as(sensor).isEqualTo(values));

            long anomalies = all.stream().filter(r -> value(r) >= SensorReadingGenerator.ANOMALY_MIN).count();
            assertThat(anomalies).isEqualTo(result.anomalies());
            assertThat(anomalies / (double) RECORDS).isBetween(ANOMALY_RATIO * 0.6, ANOMALY_RATIO * 1.4);
        }
    }

    private static int value(Record record) {
        try {
            JsonNode reading = JSON.readTree(record.data().asByteArrayUnsafe());
            assertThat(reading.size()).isEqualTo(2);
            assertThat(reading.get("iotName").isTextual()).isTrue();
            assertThat(reading.get("iotValue").isInt()).isTrue();
            return reading.get("iotValue").intValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record of every shard, in shard order, from TRIM_HORIZON until a page comes back empty and caught up. */
    private static Map<String, List<Record>> readEveryShard(KinesisClient client) {
        Map<String, List<Record>> shards = new LinkedHashMap<>();
        for (Shard shard : client.listShards(r -> r.streamName(STREAM)).shards()) {
            List<Record> records = new ArrayList<>();
            String next = client.getShardIterator(r -> r.streamName(STREAM).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            GetRecordsResponse page;
            do {
                String iterator = next;
                page = client.getRecords(r -> r.shardIterator(iterator).limit(1000));
                records.addAll(page.records());
                next = page.nextShardIterator();
            } while (next != null && !(page.records().isEmpty() && page.millisBehindLatest() == 0));
            shards.put(shard.shardId(), records);
        }
        return shards;
    }
}
