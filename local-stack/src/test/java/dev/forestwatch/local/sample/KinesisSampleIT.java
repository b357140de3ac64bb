package dev.forestwatch.local.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.local.server.EmbeddedKinesis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** A sample of a real (emulated) Kinesis stream with two shards, one record per line, for discover. */
class KinesisSampleIT {

    @Test
    void copiesTheFirstRecordsOfEveryShardOnePerLine(@TempDir Path tmp) throws Exception {
        try (EmbeddedKinesis kinesis = EmbeddedKinesis.start()) {
            kinesis.createStream("RawStreamData", 2);
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String json = i == 7
                        ? "{\n  \"iotName\": \"DemoSensor-7\",\n  \"iotValue\": 7\n}"
                        : "{\"iotName\":\"DemoSensor-" + (i % 3) + "\",\"iotValue\":" + (10 + i % 11) + "}";
                entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i)
                        .data(SdkBytes.fromString(json, StandardCharsets.UTF_8)).build());
            }
            assertThat(kinesis.client().putRecords(b -> b.streamName("RawStreamData").records(entries))
                    .failedRecordCount()).isZero();

            Path all = tmp.resolve("all.jsonl");
            assertThat(KinesisSample.copy(kinesis.client(), "RawStreamData", 1000, Duration.ofSeconds(30), all))
                    .isEqualTo(40);
            List<String> lines = Files.readAllLines(all, StandardCharsets.UTF_8);
            assertThat(lines).hasSize(40).allMatch(l -> l.startsWith("{\"iotName\":\"DemoSensor-"))
                    .contains("{\"iotName\":\"DemoSensor-7\",\"iotValue\":7}", "{\"iotName\":\"DemoSensor-0\","
                            + "\"iotValue\":10}");

            Path some = tmp.resolve("some.jsonl");
            assertThat(KinesisSample.copy(kinesis.client(), "RawStreamData", 25, Duration.ofSeconds(30), some))
                    .isEqualTo(25);
            assertThat(Files.readAllLines(some, StandardCharsets.UTF_8)).hasSize(25);
        }
    }

    @Test
    void anythingButJsonKeepsToOneLine() {
        assertThat(KinesisSample.line("a\nb\r\nc".getBytes(StandardCharsets.UTF_8))).isEqualTo("a b  c");
        assertThat(KinesisSample.line("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"a\":1}");
    }
}
