package dev.forestwatch.connect.firehose;

import static dev.forestwatch.connect.common.testing.ConfigChecks.refused;
import static dev.forestwatch.connect.common.testing.ConfigChecks.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connect.common.AwsConfig;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.common.testing.ConfigChecks;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirehoseSinkConfigTest {

    static Map<String, String> minimal() {
        return Map.of(FirehoseSinkConfig.DELIVERY_STREAM_CONFIG, "ProcessedStreamData");
    }

    @Test
    void theCommittedReferenceMatchesTheConfigDef() {
        ConfigChecks.referenceIsCurrent("firehose-sink", getClass(),
                "forestwatch Firehose sink connector configuration",
                ConfigChecks.sinkIntro(FirehoseSinkConnector.class), FirehoseSinkConfig.CONFIG_DEF);
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
        refused(FirehoseSinkConfig::new, with(minimal(), SendConfig.BATCH_MAX_RECORDS_CONFIG, "501"),
                "batch.max.records");
        refused(FirehoseSinkConfig::new, with(minimal(), SendConfig.BATCH_MAX_RECORDS_CONFIG, "500",
                SendConfig.BATCH_MAX_BYTES_CONFIG, String.valueOf(5 * 1024 * 1024)), "batch.max.bytes");
    }

    @Test
    void staticKeysComeInPairsAndErrorsNeverShowSecrets() {
        final Map<String, String> m = with(minimal(), AwsConfig.ACCESS_KEY_ID_CONFIG, "AKIAEXAMPLE");
        refused(FirehoseSinkConfig::new, m, "aws.secret.access.key").hasMessageNotContaining("AKIAEXAMPLE");
        final FirehoseSinkConfig c = new FirehoseSinkConfig(with(m, AwsConfig.SECRET_ACCESS_KEY_CONFIG, "s3cr3t"));
        assertThat(c.getPassword(AwsConfig.SECRET_ACCESS_KEY_CONFIG).toString()).isEqualTo("[hidden]");
        assertThat(c.originalsStrings().toString()).contains("s3cr3t"); // the worker's own copy; ours never logs it
        assertThat(c.values().toString()).doesNotContain("s3cr3t");
    }

    @Test
    void badValuesNameTheSetting() {
        refused(FirehoseSinkConfig::new, with(minimal(), FirehoseSinkConfig.BEHAVIOR_ON_ERROR_CONFIG, "retry-forever"),
                "behavior.on.error");
        refused(FirehoseSinkConfig::new, with(minimal(), FirehoseSinkConfig.ENDPOINT_CONFIG, "localhost:4566"),
                "aws.firehose.endpoint");
        refused(FirehoseSinkConfig::new, with(minimal(), AwsConfig.ROLE_ARN_CONFIG, "forestwatch-role"),
                "aws.sts.role.arn");
        refused(FirehoseSinkConfig::new, Map.of(), "delivery.stream");
    }
}
