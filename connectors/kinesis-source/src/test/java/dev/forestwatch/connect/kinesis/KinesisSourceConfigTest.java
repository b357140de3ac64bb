package dev.forestwatch.connect.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KinesisSourceConfigTest {

    private static Map<String, String> minimal() {
        final Map<String, String> m = new HashMap<>();
        m.put(KinesisSourceConfig.STREAM_CONFIG, "RawStreamData");
        m.put(KinesisSourceConfig.TOPIC_CONFIG, "RawStreamData");
        return m;
    }

    @Test
    void defaultsReadFromTheOldestRecordWithPollingAndNoCloudWatch() {
        final KinesisSourceConfig c = new KinesisSourceConfig(minimal());
        assertThat(c.startPosition()).isEqualTo(KinesisSourceConfig.StartPosition.TRIM_HORIZON);
        assertThat(c.retrieval()).isEqualTo(KinesisSourceConfig.Retrieval.POLLING);
        assertThat(c.metricsLevel()).isEqualTo("none");
        assertThat(c.leaseTable("kinesis-source")).isEqualTo("forestwatch-kinesis-source");
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
}
