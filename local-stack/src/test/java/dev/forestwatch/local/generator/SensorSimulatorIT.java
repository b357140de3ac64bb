package dev.forestwatch.local.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.local.server.SharedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class SensorSimulatorIT {

    @Test
    void writesSeedShapedJsonKeyedBySensor(EmbeddedKafka kafka) {
        kafka.createTopics(3, "sim-json");
        SensorSimulator.Result result = new SensorSimulator(SensorSimulator.Options.builder(kafka.bootstrapServers())
                .topic("sim-json").sensors(3).recordsPerSecond(0).anomalyRatio(0.1).maxRecords(300).seed(7)
                .progressOut(null).build()).run();

        assertThat(result.sent()).isEqualTo(300);
        assertThat(result.acknowledged()).isEqualTo(300);
        assertThat(result.failed()).isZero();

        List<ConsumerRecord<String, String>> records = readAll(kafka, "sim-json", 3, 300);
        assertThat(records).hasSize(300);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.value()).matches("\\{\"iotName\":\"" + r.key() + "\",\"iotValue\":\\d+}");
        });
        Map<String, Long> perSensor = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(perSensor).containsOnlyKeys("DemoSensor-1", "DemoSensor-2", "DemoSensor-3")
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(100));
        // Same key, same partition: each sensor's readings stay in order for the per-sensor forest.
        assertThat(records.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(ConsumerRecord::partition, Collectors.toSet()))).values())
                .allSatisfy(p -> assertThat(p).hasSize(1));
        long anomalies = records.stream().filter(r -> r.value().matches(".*:1[0-2]\\d}")).count();
        assertThat(anomalies).isEqualTo(result.anomalies());
    }

    @Test
    void pacesAtTheRequestedRateAndStopsAfterTheDuration(EmbeddedKafka kafka) {
        kafka.createTopics(1, "sim-paced");
        SensorSimulator.Result result = new SensorSimulator(SensorSimulator.Options.builder(kafka.bootstrapServers())
                .topic("sim-paced").recordsPerSecond(50).duration(Duration.ofSeconds(2)).progressOut(null).build())
                .run();

        // 2 s at 50/s is 100 records; allow for the producer's first metadata fetch on a busy machine.
        assertThat(result.sent()).isBetween(80L, 101L);
        assertThat(result.elapsed()).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(5));
        assertThat(result.failed()).isZero();
    }

    @Test
    void stopFromAnotherThreadEndsRunPromptly(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(1, "sim-stop");
        SensorSimulator simulator = new SensorSimulator(SensorSimulator.Options.builder(kafka.bootstrapServers())
                .topic("sim-stop").recordsPerSecond(1).progressOut(null).build());
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            simulator.stop();
        });
        stopper.start();
        long t0 = System.nanoTime();
        SensorSimulator.Result result = simulator.run();
        stopper.join();

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.sent()).isBetween(1L, 3L);
        assertThat(result.acknowledged()).isEqualTo(result.sent());
    }

    private static List<ConsumerRecord<String, String>> readAll(EmbeddedKafka kafka, String topic, int partitions,
            int expected) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
