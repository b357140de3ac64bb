package dev.forestwatch.connect.elasticsearch;

import static dev.forestwatch.connect.common.testing.ConfigChecks.refused;
import static dev.forestwatch.connect.common.testing.ConfigChecks.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.testing.ConfigChecks;
import dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkConfigTest {

    static Map<String, String> minimal() {
        return Map.of(ElasticsearchSinkConfig.URLS_CONFIG, "http://localhost:9200");
    }

    @Test
    void theCommittedReferenceMatchesTheConfigDef() {
        ConfigChecks.referenceIsCurrent("elasticsearch-sink", getClass(),
                "forestwatch Elasticsearch sink connector configuration",
                ConfigChecks.sinkIntro(ElasticsearchSinkConnector.class), ElasticsearchSinkConfig.CONFIG_DEF);
    }

    @Test
    void defaultsFollowTheSeedsDelivery() {
        final ElasticsearchSinkConfig c = new ElasticsearchSinkConfig(minimal());
        assertThat(c.documents().index()).isEqualTo("anomalydata");
        assertThat(c.send().retry().maxDurationMs()).isEqualTo(300_000);
        assertThat(c.documents().idField()).isEqualTo("recordId");
        assertThat(c.onMalformed()).isEqualTo(OnRefusal.FAIL);
    }

    @Test
    void crossFieldRulesNameTheSettingsAndHideSecrets() {
        refused(ElasticsearchSinkConfig::new, with(minimal(), ElasticsearchSinkConfig.USERNAME_CONFIG, "elastic",
                ElasticsearchSinkConfig.PASSWORD_CONFIG, "changeme", ElasticsearchSinkConfig.API_KEY_CONFIG,
                "c2VjcmV0"),
                "connection.api.key").hasMessageNotContaining("c2VjcmV0").hasMessageNotContaining("changeme");
        refused(ElasticsearchSinkConfig::new, with(minimal(), ElasticsearchSinkConfig.DATA_STREAM_CONFIG, "true",
                ElasticsearchSinkConfig.ROTATION_CONFIG, "daily"), "index.rotation");
        refused(ElasticsearchSinkConfig::new, with(minimal(), ElasticsearchSinkConfig.URLS_CONFIG, "localhost:9200"),
                "connection.urls");
        refused(ElasticsearchSinkConfig::new, with(minimal(), ElasticsearchSinkConfig.ON_MALFORMED_CONFIG, "retry"),
                "behavior.on.malformed.documents");
    }

    @Test
    void theRefreshIntervalIsAnElasticsearchTimeValueAndGoesIntoTheTemplate() {
        for (final String ok : new String[]{"", "250ms", "1s", "-1"}) {
            assertThat(new ElasticsearchSinkConfig(with(minimal(), ElasticsearchSinkConfig.REFRESH_INTERVAL_CONFIG, ok))
                    .template().refreshInterval()).isEqualTo(ok);
        }
        refused(ElasticsearchSinkConfig::new, with(minimal(), ElasticsearchSinkConfig.REFRESH_INTERVAL_CONFIG, "fast"),
                "index.refresh.interval");
        assertThat(new IndexTemplate(null, new IndexTemplate.Settings("a", 0, "250ms", false, false)).body())
                .contains("\"refresh_interval\":\"250ms\"")
                .contains("\"APPROXIMATE_ARRIVAL_TIME\":{\"type\":\"date\"}");
        assertThat(new IndexTemplate(null, new IndexTemplate.Settings("a", 0, "", false, false)).body())
                .doesNotContain("refresh_interval");
    }

    @Test
    void awsSigningTakesNoPasswordAndReadsTheSharedAwsSettings() {
        final Map<String, String> m = with(minimal(), ElasticsearchSinkConfig.AUTH_TYPE_CONFIG, "aws-sigv4",
                ElasticsearchSinkConfig.AWS_SERVICE_CONFIG, "aoss");
        final ElasticsearchSinkConfig c = new ElasticsearchSinkConfig(m);
        assertThat(c.auth()).isEqualTo(ElasticsearchSinkConfig.Auth.AWS_SIGV4);
        assertThat(c.awsService()).isEqualTo(ElasticsearchSinkConfig.AwsService.AOSS);

        refused(ElasticsearchSinkConfig::new, with(m, ElasticsearchSinkConfig.USERNAME_CONFIG, "admin",
                ElasticsearchSinkConfig.PASSWORD_CONFIG, "changeme"), "auth.type").hasMessageNotContaining("changeme");
        refused(ElasticsearchSinkConfig::new, with(m, "aws.access.key.id", "AKIDEXAMPLE"), "aws.secret.access.key")
                .hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void serverlessTemplatesCarryOnlyMappings() {
        final String body = new IndexTemplate(null, new IndexTemplate.Settings("a", 1, "1s", false, true)).body();
        assertThat(body).doesNotContain("number_of_replicas", "refresh_interval").contains("\"ANOMALY_SCORE\"");
    }
}
