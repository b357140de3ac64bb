package dev.forestwatch.connect.elasticsearch.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connect.common.AwsConfig;
import dev.forestwatch.connect.elasticsearch.ElasticsearchSinkConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class AwsRequestSignerTest {

    private static AwsConfig aws(final Map<String, String> extra) {
        final java.util.HashMap<String, String> m = new java.util.HashMap<>(extra);
        m.put(ElasticsearchSinkConfig.URLS_CONFIG, "https://x:443");
        return new AwsConfig(new ElasticsearchSinkConfig(m));
    }

    @Test
    void theRegionComesFromTheSettingElseFromADomainOrCollectionHostName() {
        assertThat(AwsRequestSigner.region(aws(Map.of("aws.region", "ap-southeast-2")),
                List.of(URI.create("https://search-logs-abc.eu-west-1.es.amazonaws.com")))).isEqualTo(
                        Region.AP_SOUTHEAST_2);
        assertThat(AwsRequestSigner.region(aws(Map.of()),
                List.of(URI.create("https://search-logs-abc.eu-west-1.es.amazonaws.com")))).isEqualTo(
                        Region.EU_WEST_1);
        assertThat(AwsRequestSigner.region(aws(Map.of()),
                List.of(URI.create("https://abc123xyz.us-gov-west-1.aoss.amazonaws.com")))).isEqualTo(
                        Region.US_GOV_WEST_1);
    }

    @Test
    void theBodyHashIsTheHexSha256() throws Exception {
        assertThat(AwsRequestSigner.sha256(null))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(AwsRequestSigner.sha256(() -> new java.io.ByteArrayInputStream("abc".getBytes())))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
