package dev.forestwatch.connect.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.AwsConfig;
import dev.forestwatch.connect.common.ConfigReference;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class FirehoseSinkConfigTest {

    private static final Path REPO = Path.of("../..");
    private static final Path REFERENCE = REPO.resolve("docs/config/firehose-sink.md");

    static Map<String, String> minimal() {
        final Map<String, String> m = new HashMap<>();
        m.put(FirehoseSinkConfig.DELIVERY_STREAM_CONFIG, "ProcessedStreamData");
        return m;
    }

    static String reference() {
        return ConfigReference.markdown("forestwatch Firehose sink connector configuration",
                "Connector class `dev.forestwatch.connect.firehose.FirehoseSinkConnector`. Besides these, the worker's "
                        + "sink settings apply (`topics`, `tasks.max`, `errors.tolerance`, "
                        + "`errors.deadletterqueue.topic.name`, converters). Secrets are `password` typed: the worker "
                        + "never logs or returns them in clear.",
                FirehoseSinkConfig.CONFIG_DEF);
    }

    @Test
    void theCommittedReferenceMatchesTheConfigDef() throws IOException {
        if (System.getenv("CI") == null && Boolean.getBoolean("forestwatch.regenerate.docs")) {
            Files.writeString(REFERENCE, reference(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/config/firehose-sink.md is stale: run `mvn -pl connectors/firehose-sink test "
                        + "-Dtest=FirehoseSinkConfigTest -Dforestwatch.regenerate.docs=true`")
                .isEqualTo(reference());
    }

    @Test
    void defaultsAreTheServiceLimitsAndTheSeedsRetryDuration() {
        final FirehoseSinkConfig c = new FirehoseSinkConfig(minimal());
        assertThat(c.send().limits().maxRecords()).isEqualTo(500);
        assertThat(c.send().limits().maxBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.send().retry().maxDurationMs()).isEqualTo(300_000);
        assertThat(c.delimiter()).containsExactly('\n');
        assertThat(c.behaviorOnError()).isEqualTo(OnRefusal.FAIL);
    }

    @Test
    void limitsBeyondTheServicesAreRefused() {
        final Map<String, String> m = minimal();
        m.put(SendConfig.BATCH_MAX_RECORDS_CONFIG, "501");
        assertThat(catchThrowable(() -> new FirehoseSinkConfig(m))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("batch.max.records");
        m.put(SendConfig.BATCH_MAX_RECORDS_CONFIG, "500");
        m.put(SendConfig.BATCH_MAX_BYTES_CONFIG, String.valueOf(5 * 1024 * 1024));
        assertThat(catchThrowable(() -> new FirehoseSinkConfig(m))).hasMessageContaining("batch.max.bytes");
    }

    @Test
    void staticKeysComeInPairsAndErrorsNeverShowSecrets() {
        final Map<String, String> m = minimal();
        m.put(AwsConfig.ACCESS_KEY_ID_CONFIG, "AKIAEXAMPLE");
        final Throwable t = catchThrowable(() -> new FirehoseSinkConfig(m));
        assertThat(t).isInstanceOf(ConfigException.class).hasMessageContaining("aws.secret.access.key")
                .hasMessageNotContaining("AKIAEXAMPLE");
        m.put(AwsConfig.SECRET_ACCESS_KEY_CONFIG, "s3cr3t");
        final FirehoseSinkConfig c = new FirehoseSinkConfig(m);
        assertThat(c.getPassword(AwsConfig.SECRET_ACCESS_KEY_CONFIG).toString()).isEqualTo("[hidden]");
        assertThat(c.originalsStrings().toString()).contains("s3cr3t"); // the worker's own copy; ours never logs it
        assertThat(c.values().toString()).doesNotContain("s3cr3t");
    }

    @Test
    void badValuesNameTheSetting() {
        final Map<String, String> m = minimal();
        m.put(FirehoseSinkConfig.BEHAVIOR_ON_ERROR_CONFIG, "retry-forever");
        assertThat(catchThrowable(() -> new FirehoseSinkConfig(m))).hasMessageContaining("behavior.on.error");
        final Map<String, String> e = minimal();
        e.put(FirehoseSinkConfig.ENDPOINT_CONFIG, "localhost:4566");
        assertThat(catchThrowable(() -> new FirehoseSinkConfig(e))).hasMessageContaining("aws.firehose.endpoint");
        final Map<String, String> r = minimal();
        r.put(AwsConfig.ROLE_ARN_CONFIG, "forestwatch-role");
        assertThat(catchThrowable(() -> new FirehoseSinkConfig(r))).hasMessageContaining("aws.sts.role.arn");
        assertThat(catchThrowable(() -> new FirehoseSinkConfig(Map.of()))).hasMessageContaining("delivery.stream");
    }
}
