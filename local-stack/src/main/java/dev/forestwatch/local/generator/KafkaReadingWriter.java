package dev.forestwatch.local.generator;

import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends readings to a Kafka topic keyed by sensor name, so each sensor stays on one partition, in order. */
final class KafkaReadingWriter extends ReadingWriter {
    private final Producer<String, String> producer;
    private final String topic;

    KafkaReadingWriter(String bootstrapServers, String topic) {
        super("topic " + topic);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "forestwatch-sensor-simulator",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // A few ms of batching is invisible at demo rates and saves requests at high ones.
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
        this.topic = topic;
    }

    @Override
    public void write(SensorReading reading) {
        producer.send(new ProducerRecord<>(topic, reading.sensor(), reading.toJson()), (metadata, error) -> {
            if (error == null) {
                counts.addAcknowledged(1);
            } else {
                counts.addFailed(1, error.toString());
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
