package dev.forestwatch.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the topology: a change to its processors, stores or internal topics shows as a diff of
 * docs/topology.txt in review. Internal topic and store names are part of a running app's state, so a rename
 * there needs a new application.id or a migration; this is where that gets noticed.
 */
class TopologyDescriptionTest {

    private static final Path DESCRIPTION = Path.of("..", "docs", "topology.txt");

    @Test
    void theTopologyIsTheOneDescribedInDocs() throws IOException {
        final AppConfig config = new AppConfig(Map.of("application.id", "forestwatch",
                "bootstrap.servers", "unused:9092", AppConfig.INPUT_PARTITIONS_CONFIG, 3,
                AppConfig.ORDER_PARTITIONS_CONFIG, 3));
        final String described = "# ForestwatchTopology.build(config).describe() with input.partitions=3 and "
                + "order.partitions=3.\n# Regenerate: mvn -pl streams-app test -Dtest=TopologyDescriptionTest "
                + "-Dforestwatch.regenerate.docs=true\n" + ForestwatchTopology.build(config).describe();
        if (System.getenv("CI") == null && Boolean.getBoolean("forestwatch.regenerate.docs")) {
            Files.writeString(DESCRIPTION, described, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(DESCRIPTION, StandardCharsets.UTF_8))
                .as("docs/topology.txt is out of date: regenerate it with -Dforestwatch.regenerate.docs=true")
                .isEqualTo(described);
    }
}
