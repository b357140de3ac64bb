package dev.forestwatch.streams.discover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.local.server.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** discover on a real topic: every partition read from its start, the table printed and the settings written. */
class DiscoverIT {

    @Test
    void discoversTheFieldsOfATopicAndWritesTheSettings(@TempDir final Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(3, "readings");
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 300; i++) {
                    final String machine = "m-" + (i % 5);
                    p.send(new ProducerRecord<>("readings", machine, "{\"machine\":\"" + machine + "\",\"rpm\":"
                            + (1000 + i % 17) + ",\"load\":" + (0.25 + i % 9 / 100.0) + ",\"site\":\"plant-1\"}"));
                }
                p.send(new ProducerRecord<>("readings", "x", "not json")).get();
            }
            final Path written = tmp.resolve("discovered.properties");
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final Map<String, Object> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            final int code = DiscoverCommand.run(null, "readings", settings, 1000, written,
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            final String table = out.toString(StandardCharsets.UTF_8);

            assertThat(code).isZero();
            assertThat(table).contains("Sample: 301 records from topic readings (1 not JSON objects)",
                    "| machine | string | 300 | 0 | 0 | 5 |", "| rpm | integer | 300 |", "| load | number | 300 |",
                    "  sensor.id.field=machine", "  value.fields=load,rpm");
            final Properties p = new Properties();
            try (InputStream in = Files.newInputStream(written)) {
                p.load(in);
            }
            assertThat(p).containsEntry("sensor.id.field", "machine").containsEntry("value.fields", "load,rpm");
        }
    }
}
