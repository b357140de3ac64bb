package dev.forestwatch.connect.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.ConfigReference;
import dev.forestwatch.connect.common.send.OnRefusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkConfigTest {

    private static final Path REFERENCE = Path.of("../../docs/config/elasticsearch-sink.md");

    static Map<String, String> minimal() {
        final Map<String, String> m = new HashMap<>();
        m.put(ElasticsearchSinkConfig.URLS_CONFIG, "http://localhost:9200");
        return m;
    }

    static String reference() {
        return ConfigReference.markdown("forestwatch Elasticsearch sink connector configuration",
                "Connector class `dev.forestwatch.connect.elasticsearch.ElasticsearchSinkConnector`. Besides these, "
                        + "the worker's sink settings apply (`topics`, `tasks.max`, `errors.tolerance`, "
                        + "`errors.deadletterqueue.topic.name`, converters). Secrets are `password` typed.",
                ElasticsearchSinkConfig.CONFIG_DEF);
    }

    @Test
    void theCommittedReferenceMatchesTheConfigDef() throws IOException {
        if (System.getenv("CI") == null && Boolean.getBoolean("forestwatch.regenerate.docs")) {
            Files.writeString(REFERENCE, reference(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/config/elasticsearch-sink.md is stale: run `mvn -pl connectors/elasticsearch-sink test "
                        + "-Dtest=ElasticsearchSinkConfigTest -Dforestwatch.regenerate.docs=true`")
                .isEqualTo(reference());
    }

    @Test
    void defaultsFollowTheSeedsDelivery() {
        final ElasticsearchSinkConfig c = new ElasticsearchSinkConfig(minimal());
        assertThat(c.index()).isEqualTo("anomalydata");
        assertThat(c.send().retry().maxDurationMs()).isEqualTo(300_000);
        assertThat(c.idField()).isEqualTo("recordId");
        assertThat(c.onMalformed()).isEqualTo(OnRefusal.FAIL);
    }

    @Test
    void crossFieldRulesNameTheSettingsAndHideSecrets() {
        final Map<String, String> both = minimal();
        both.put(ElasticsearchSinkConfig.USERNAME_CONFIG, "elastic");
        both.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, "changeme");
        both.put(ElasticsearchSinkConfig.API_KEY_CONFIG, "c2VjcmV0");
        final Throwable t = catchThrowable(() -> new ElasticsearchSinkConfig(both));
        assertThat(t).isInstanceOf(ConfigException.class).hasMessageContaining("connection.api.key")
                .hasMessageNotContaining("c2VjcmV0").hasMessageNotContaining("changeme");
        final Map<String, String> ds = minimal();
        ds.put(ElasticsearchSinkConfig.DATA_STREAM_CONFIG, "true");
        ds.put(ElasticsearchSinkConfig.ROTATION_CONFIG, "daily");
        assertThat(catchThrowable(() -> new ElasticsearchSinkConfig(ds))).hasMessageContaining("index.rotation");
        final Map<String, String> url = minimal();
        url.put(ElasticsearchSinkConfig.URLS_CONFIG, "localhost:9200");
        assertThat(catchThrowable(() -> new ElasticsearchSinkConfig(url))).hasMessageContaining("connection.urls");
        final Map<String, String> policy = minimal();
        policy.put(ElasticsearchSinkConfig.ON_MALFORMED_CONFIG, "retry");
        assertThat(catchThrowable(() -> new ElasticsearchSinkConfig(policy)))
                .hasMessageContaining("behavior.on.malformed.documents");
    }

    @Test
    void theRefreshIntervalIsAnElasticsearchTimeValueAndGoesIntoTheTemplate() {
        for (final String ok : new String[]{"", "250ms", "1s", "-1"}) {
            final Map<String, String> m = minimal();
            m.put(ElasticsearchSinkConfig.REFRESH_INTERVAL_CONFIG, ok);
            assertThat(new ElasticsearchSinkConfig(m).refreshInterval()).isEqualTo(ok);
        }
        final Map<String, String> bad = minimal();
        bad.put(ElasticsearchSinkConfig.REFRESH_INTERVAL_CONFIG, "fast");
        assertThat(catchThrowable(() -> new ElasticsearchSinkConfig(bad))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("index.refresh.interval");
        assertThat(new dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate(null, "a", 0, "250ms", false).body())
                .contains("\"refresh_interval\":\"250ms\"")
                .contains("\"APPROXIMATE_ARRIVAL_TIME\":{\"type\":\"date\"}");
        assertThat(new dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate(null, "a", 0, "", false).body())
                .doesNotContain("refresh_interval");
    }

    @Test
    void awsSigningTakesNoPasswordAndReadsTheSharedAwsSettings() {
        final Map<String, String> m = minimal();
        m.put(ElasticsearchSinkConfig.AUTH_TYPE_CONFIG, "aws-sigv4");
        m.put(ElasticsearchSinkConfig.AWS_SERVICE_CONFIG, "aoss");
        final ElasticsearchSinkConfig c = new ElasticsearchSinkConfig(m);
        assertThat(c.auth()).isEqualTo(ElasticsearchSinkConfig.Auth.AWS_SIGV4);
        assertThat(c.awsService()).isEqualTo(ElasticsearchSinkConfig.AwsService.AOSS);

        final Map<String, String> withPassword = new HashMap<>(m);
        withPassword.put(ElasticsearchSinkConfig.USERNAME_CONFIG, "admin");
        withPassword.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, "changeme");
        assertThat(catchThrowable(() -> new ElasticsearchSinkConfig(withPassword)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.type")
                .hasMessageNotContaining("changeme");

        final Map<String, String> halfKeys = new HashMap<>(m);
        halfKeys.put("aws.access.key.id", "AKIDEXAMPLE");
        assertThat(catchThrowable(() -> new ElasticsearchSinkConfig(halfKeys)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aws.secret.access.key")
                .hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void serverlessTemplatesCarryOnlyMappings() {
        final String body = new dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate(null, "a", 1, "1s", false,
                true).body();
        assertThat(body).doesNotContain("number_of_replicas", "refresh_interval").contains("\"ANOMALY_SCORE\"");
    }
}
