package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.local.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class EmbeddedKafkaIT {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void useSharedBroker(EmbeddedKafka shared) {
        kafka = shared;
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsTemporaryDataDir() {
        EmbeddedKafka own = EmbeddedKafka.start();
        Path dir = own.dataDir();
        assertThat(dir).isDirectory();
        own.close();
        own.close(); // idempotent
        assertThat(dir).doesNotExist();
    }

    @Test
    void bindsLoopbackAndCreatesTopicsWithTheRequestedPartitions() throws Exception {
        kafka.createTopics(3, "created-a", "created-b");
        kafka.createTopics(3, "created-a"); // again: an existing topic is not an error

        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        var described = kafka.admin().describeTopics(Set.of("created-a", "created-b")).allTopicNames().get();
        assertThat(described.get("created-a").partitions()).hasSize(3);
        assertThat(described.get("created-b").partitions()).hasSize(3);
    }

    @Test
    void transactionalProducerIsReadBackWithReadCommitted() {
        String topic = "transactional";
        kafka.createTopics(1, topic);

        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-it"),
                new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.commitTransaction();
            // An aborted transaction must stay invisible to read_committed consumers.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }

        List<String> values = readAll(topic, 100);
        assertThat(values).hasSize(100).startsWith("v0", "v1").endsWith("v99").doesNotContain("aborted");
    }

    @Test
    void acceptsMessagesOfSeveralMegabytes() {
        String topic = "large-messages";
        kafka.createTopics(1, topic);
        String large = "x".repeat(4 * 1024 * 1024);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "big", large));
        }
        assertThat(readAll(topic, 1)).singleElement().isEqualTo(large);
    }

    @Test
    void brokerOnAGivenDataDirKeepsItsDataAcrossRestarts() throws Exception {
        Path dir = Files.createTempDirectory("embedded-kafka-it-");
        try {
            try (EmbeddedKafka first = EmbeddedKafka.start(dir)) {
                first.createTopics(2, "survives-restart");
            }
            assertThat(dir).isNotEmptyDirectory();
            try (EmbeddedKafka second = EmbeddedKafka.start(dir)) {
                assertThat(second.admin().listTopics().names().get()).contains("survives-restart");
            }
        } finally {
            Directories.deleteRecursively(dir);
        }
    }

    private static List<String> readAll(String topic, int expected) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            // One more poll: nothing beyond the expected records (e.g. the aborted one) may show up.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            return values;
        }
    }
}
