package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedElasticsearchCommandTest {
    private static final Path HOME = Path.of("/opt/es");

    @Test
    void commandBindsLoopbackWithSecurityOffAndTheGivenPortsAndPaths() {
        List<String> command = ElasticsearchDistribution.ELASTICSEARCH.command(List.of(), HOME,
                9201, 9301,
                Path.of("/d"), Path.of("/l"), Map.of());

        assertThat(command).containsExactly(
                "/opt/es/bin/elasticsearch",
                "-Ediscovery.type=single-node",
                "-Expack.security.enabled=false",
                "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                "-Enetwork.host=127.0.0.1",
                "-Ehttp.port=9201",
                "-Etransport.port=9301",
                "-Epath.data=/d",
                "-Epath.logs=/l");
    }

    @Test
    void commandRunsUnderTheGivenPrefixAndExtraSettingsCannotMoveThePortsOrPaths() {
        List<String> command = ElasticsearchDistribution.ELASTICSEARCH.command(
                List.of("/usr/bin/setpriv", "--reuid=65534"), HOME, 9201,
                9301,
                Path.of("/d"), Path.of("/l"), Map.of("http.port", "1", "cluster.name", "fw"));

        assertThat(command).startsWith("/usr/bin/setpriv", "--reuid=65534", "/opt/es/bin/elasticsearch")
                .contains("-Ecluster.name=fw", "-Ehttp.port=9201")
                .doesNotContain("-Ehttp.port=1");
    }

    @Test
    void builderRejectsBadHeapSizesAndPorts() {
        assertThatThrownBy(() -> EmbeddedElasticsearch.builder().heap("512 MB"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedElasticsearch.builder().httpPort(70000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void javaVersionIsReadFromTheReleaseFile(@TempDir Path jdk) throws Exception {
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"17.0.15\"\n");
        assertThat(ElasticsearchDistribution.javaVersion(jdk)).isEqualTo(17);
        assertThat(ElasticsearchDistribution.javaVersion(jdk.resolve("missing"))).isZero();
    }

    @Test
    void openSearchRunsItsOwnLauncherWithoutTheXpackSetting() {
        List<String> command = ElasticsearchDistribution.OPENSEARCH.command(List.of(),
                Path.of("/opt/os"), 9201, 9301, Path.of("/d"), Path.of("/l"), Map.of());

        assertThat(command).startsWith("/opt/os/bin/opensearch", "-Ediscovery.type=single-node")
                .noneMatch(arg -> arg.contains("xpack"));
    }

    @Test
    void theBuildRecordsAnEight19ElasticsearchAndATwo19OpenSearch() {
        assertThat(ElasticsearchDistribution.ELASTICSEARCH.version()).startsWith("8.19.");
        assertThat(ElasticsearchDistribution.OPENSEARCH.version()).startsWith("2.19.");
    }
}
