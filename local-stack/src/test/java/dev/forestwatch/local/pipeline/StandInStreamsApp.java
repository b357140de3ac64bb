package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.PipelineNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for the streams app jar in {@code DemoIT}, so the demo's wiring (command line, child
 * process, topics, read_committed display, shutdown) is tested without the real app. Same CLI:
 * {@code run --config FILE --set bootstrap.servers=X --set state.dir=Y}. It consume-transforms-produces
 * transactionally like an exactly-once Streams app, scoring 3.0 for values >= 100, else 0.5.
 */
public final class StandInStreamsApp {
    private static final Pattern READING = Pattern.compile("\\{\"iotName\":\"([^\"]+)\",\"iotValue\":(\\d+)}");

    private StandInStreamsApp() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> sets = new HashMap<>();
        if (args.length == 0 || !args[0].equals("run")) {
            throw new IllegalArgumentException("expected 'run' first");
        }
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--config" -> {
                    if (!Files.isRegularFile(Path.of(args[i + 1]))) {
                        throw new IllegalArgumentException("no config file " + args[i + 1]);
                    }
                }
                case "--set" -> {
                    String[] kv = args[i + 1].split("=", 2);
                    sets.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(Path.of(sets.get("state.dir")));
        String bootstrap = sets.get("bootstrap.servers");
        System.out.println("stand-in streams app: bootstrap " + bootstrap);

        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "stand-in",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stand-in"),
                new StringSerializer(), new StringSerializer());
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stand-in streams app: stopping");
            consumer.wakeup();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(PipelineNames.INPUT_TOPIC));
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    Matcher m = READING.matcher(r.value());
                    if (m.matches()) {
                        int value = Integer.parseInt(m.group(2));
                        double score = value >= 100 ? 3.0 : 0.5;
                        producer.send(new ProducerRecord<>(PipelineNames.OUTPUT_TOPIC, r.key(),
                                String.format(java.util.Locale.ROOT,
                                        "{\"iotName\":\"%s\",\"iotValue\":%d,\"ANOMALY_SCORE\":%.1f,\"created\":\"%s\","
                                                + "\"ANOMALY_GRADE\":%.1f,\"isAnomaly\":%b,\"recordId\":\"%s-%d-%d\"}",
                                        m.group(1), value, score, Instant.ofEpochMilli(r.timestamp()),
                                        score > 2 ? 1.0 : 0.0,
                                        score > 2, r.topic(), r.partition(), r.offset())));
                    } else {
                        producer.send(new ProducerRecord<>(PipelineNames.DEAD_LETTER_TOPIC, r.key(), r.value()));
                    }
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (WakeupException e) {
            // shutdown
        } finally {
            producer.close();
            consumer.close();
            System.out.println("stand-in streams app: stopped");
            closed.countDown();
        }
    }
}
