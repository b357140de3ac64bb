package dev.forestwatch.connect.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.ConfigReference;
import dev.forestwatch.connect.kinesis.kcl.KclSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KinesisSourceConfigTest {

    private static final Path REFERENCE = Path.of("../../docs/config/kinesis-source.md");

    static String reference() {
        return ConfigReference.markdown("forestwatch Kinesis source connector configuration",
                "Connector class `dev.forestwatch.connect.kinesis.KinesisSourceConnector`. Use "
                        + "`value.converter=org.apache.kafka.connect.converters.ByteArrayConverter` so the data "
                        + "bytes pass through unchanged, and `key.converter=org.apache.kafka.connect.storage."
                        + "StringConverter` for the partition key. `tasks.max` sets how many KCL workers share the "
                        + "shards; tasks beyond the shard count stand by. Secrets are `password` typed: the worker "
                        + "never logs or returns them in clear.",
                KinesisSourceConfig.CONFIG_DEF);
    }

    @Test
    void theCommittedReferenceMatchesTheConfigDef() throws IOException {
        if (System.getenv("CI") == null && Boolean.getBoolean("forestwatch.regenerate.docs")) {
            Files.writeString(REFERENCE, reference(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/config/kinesis-source.md is stale: run `mvn -pl connectors/kinesis-source test "
                        + "-Dtest=KinesisSourceConfigTest -Dforestwatch.regenerate.docs=true`")
                .isEqualTo(reference());
    }

    private static Map<String, String> minimal() {
        final Map<String, String> m = new HashMap<>();
        m.put(KinesisSourceConfig.STREAM_CONFIG, "RawStreamData");
        m.put(KinesisSourceConfig.TOPIC_CONFIG, "RawStreamData");
        return m;
    }

    @Test
    void defaultsReadFromTheOldestRecordWithPollingAndNoCloudWatch() {
        final KinesisSourceConfig c = new KinesisSourceConfig(minimal());
        assertThat(c.startPosition()).isEqualTo(KclSettings.StartPosition.TRIM_HORIZON);
        assertThat(c.retrieval()).isEqualTo(KclSettings.Retrieval.POLLING);
        assertThat(c.metricsLevel()).isEqualTo("none");
        assertThat(c.leaseTable("kinesis-source")).isEqualTo("forestwatch-kinesis-source");
        assertThat(c.queueMaxBytes()).as("64 MiB, not 10,000 records of up to 1 MiB").isEqualTo(64 * 1024 * 1024);
    }

    @Test
    void aByteBudgetBelowOneIsRefusedByName() {
        final Map<String, String> m = minimal();
        m.put(KinesisSourceConfig.QUEUE_MAX_BYTES_CONFIG, "0");
        assertThat(catchThrowable(() -> new KinesisSourceConfig(m))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("queue.max.bytes");
    }

    @Test
    void atTimestampNeedsAnInstantAndSaysSo() {
        final Map<String, String> m = minimal();
        m.put(KinesisSourceConfig.START_POSITION_CONFIG, "at_timestamp");
        m.put(KinesisSourceConfig.START_TIMESTAMP_CONFIG, "yesterday");
        assertThat(catchThrowable(() -> new KinesisSourceConfig(m))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kinesis.start.timestamp");
        m.put(KinesisSourceConfig.START_TIMESTAMP_CONFIG, "2026-11-26T04:00:00Z");
        assertThat(new KinesisSourceConfig(m).startTimestamp().toString()).isEqualTo("2026-11-26T04:00:00Z");
    }

    @Test
    void unknownChoicesAndEndpointsNameTheSetting() {
        final Map<String, String> m = minimal();
        m.put(KinesisSourceConfig.RETRIEVAL_CONFIG, "streaming");
        assertThat(catchThrowable(() -> new KinesisSourceConfig(m))).hasMessageContaining("kcl.retrieval");
        final Map<String, String> e = minimal();
        e.put(KinesisSourceConfig.KINESIS_ENDPOINT_CONFIG, "localhost:4567");
        assertThat(catchThrowable(() -> new KinesisSourceConfig(e))).hasMessageContaining("aws.kinesis.endpoint");
    }

    @Test
    void theKinesisClientSpeaksHttp2UnlessHttp11IsAskedForAndHttp11RefusesFanOut() {
        assertThat(new KinesisSourceConfig(minimal()).kinesisHttpProtocol())
                .isEqualTo(KclSettings.HttpProtocol.HTTP2);
        final Map<String, String> m = minimal();
        m.put(KinesisSourceConfig.KINESIS_HTTP_PROTOCOL_CONFIG, "http1.1");
        assertThat(new KinesisSourceConfig(m).kinesisHttpProtocol())
                .isEqualTo(KclSettings.HttpProtocol.HTTP1_1);
        m.put(KinesisSourceConfig.RETRIEVAL_CONFIG, "fanout");
        assertThat(catchThrowable(() -> new KinesisSourceConfig(m))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.kinesis.http.protocol").hasMessageContaining("polling");
        final Map<String, String> bad = minimal();
        bad.put(KinesisSourceConfig.KINESIS_HTTP_PROTOCOL_CONFIG, "http3");
        assertThat(catchThrowable(() -> new KinesisSourceConfig(bad)))
                .hasMessageContaining("aws.kinesis.http.protocol");
    }
}
