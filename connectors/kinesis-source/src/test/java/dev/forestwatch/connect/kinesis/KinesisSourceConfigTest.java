package dev.forestwatch.connect.kinesis;

import static dev.forestwatch.connect.common.testing.ConfigChecks.refused;
import static dev.forestwatch.connect.common.testing.ConfigChecks.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connect.common.testing.ConfigChecks;
import dev.forestwatch.connect.kinesis.kcl.KclSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisSourceConfigTest {

    @Test
    void theCommittedReferenceMatchesTheConfigDef() {
        ConfigChecks.referenceIsCurrent("kinesis-source", getClass(),
                "forestwatch Kinesis source connector configuration",
                "Connector class `dev.forestwatch.connect.kinesis.KinesisSourceConnector`. Use "
                        + "`value.converter=org.apache.kafka.connect.converters.ByteArrayConverter` so the data "
                        + "bytes pass through unchanged, and `key.converter=org.apache.kafka.connect.storage."
                        + "StringConverter` for the partition key. `tasks.max` sets how many KCL workers share the "
                        + "shards; tasks beyond the shard count stand by. Secrets are `password` typed: the worker "
                        + "never logs or returns them in clear.",
                KinesisSourceConfig.CONFIG_DEF);
    }

    private static Map<String, String> minimal() {
        return Map.of(KinesisSourceConfig.STREAM_CONFIG, "RawStreamData", KinesisSourceConfig.TOPIC_CONFIG,
                "RawStreamData");
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
        refused(KinesisSourceConfig::new, with(minimal(), KinesisSourceConfig.QUEUE_MAX_BYTES_CONFIG, "0"),
                "queue.max.bytes");
    }

    @Test
    void atTimestampNeedsAnInstantAndSaysSo() {
        final Map<String, String> m = with(minimal(), KinesisSourceConfig.START_POSITION_CONFIG, "at_timestamp");
        refused(KinesisSourceConfig::new, with(m, KinesisSourceConfig.START_TIMESTAMP_CONFIG, "yesterday"),
                "kinesis.start.timestamp");
        assertThat(new KinesisSourceConfig(with(m, KinesisSourceConfig.START_TIMESTAMP_CONFIG, "2026-11-26T04:00:00Z"))
                .startTimestamp().toString()).isEqualTo("2026-11-26T04:00:00Z");
    }

    @Test
    void unknownChoicesAndEndpointsNameTheSetting() {
        refused(KinesisSourceConfig::new, with(minimal(), KinesisSourceConfig.RETRIEVAL_CONFIG, "streaming"),
                "kcl.retrieval");
        refused(KinesisSourceConfig::new,
                with(minimal(), KinesisSourceConfig.KINESIS_ENDPOINT_CONFIG, "localhost:4567"),
                "aws.kinesis.endpoint");
    }

    @Test
    void theKinesisClientSpeaksHttp2UnlessHttp11IsAskedForAndHttp11RefusesFanOut() {
        assertThat(new KinesisSourceConfig(minimal()).kinesisHttpProtocol())
                .isEqualTo(KclSettings.HttpProtocol.HTTP2);
        final Map<String, String> m = with(minimal(), KinesisSourceConfig.KINESIS_HTTP_PROTOCOL_CONFIG, "http1.1");
        assertThat(new KinesisSourceConfig(m).kinesisHttpProtocol()).isEqualTo(KclSettings.HttpProtocol.HTTP1_1);
        refused(KinesisSourceConfig::new, with(m, KinesisSourceConfig.RETRIEVAL_CONFIG, "fanout"),
                "aws.kinesis.http.protocol").hasMessageContaining("polling");
        refused(KinesisSourceConfig::new, with(minimal(), KinesisSourceConfig.KINESIS_HTTP_PROTOCOL_CONFIG, "http3"),
                "aws.kinesis.http.protocol");
    }
}
