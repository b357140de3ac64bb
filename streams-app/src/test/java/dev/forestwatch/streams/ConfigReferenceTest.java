package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final Path REPO = Path.of("..");
    private static final Path REFERENCE = REPO.resolve("docs/config/streams-app.md");

    /** Regenerate with: java -jar streams-app/target/forestwatch-streams-*-all.jar config-docs --out docs/config/streams-app.md */
    @Test
    void theCommittedReferenceMatchesTheConfigDef() throws IOException {
        final String generated = Main.streamsAppReference();
        if (System.getenv("CI") == null && Boolean.getBoolean("forestwatch.regenerate.docs")) {
            Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/config/streams-app.md is stale: run `mvn -pl streams-app test -Dtest=ConfigReferenceTest "
                        + "-Dforestwatch.regenerate.docs=true`")
                .isEqualTo(generated);
        for (final String key : AppConfig.CONFIG_DEF.names()) {
            assertThat(generated).contains("`" + key + "`");
        }
    }

    @Test
    void theSampleConfigIsValidAndEveryForestwatchKeyInItIsKnown() throws IOException {
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(REPO.resolve("config/streams-app.properties"))) {
            p.load(in);
        }
        final Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put(String.valueOf(k), v));
        final AppConfig c = new AppConfig(m);
        assertThat(c.inputTopic()).isEqualTo("RawStreamData");
        assertThat(c.modelSettings().trees()).isEqualTo(100);
        assertThat(c.streamsProperties().getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    }

    @Test
    void crossFieldRulesNameTheSettingToChange() {
        final Map<String, Object> bad = Map.of(AppConfig.FOREST_TIME_DECAY_CONFIG, 100L);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new AppConfig(bad)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("forest.time.decay")
                .hasMessageContaining("forest.sample.size");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> new AppConfig(Map.of(AppConfig.VALUE_FIELDS_CONFIG, "iotName,iotValue"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sensor.id.field");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> new AppConfig(Map.of(AppConfig.FOREST_TREES_CONFIG, 0))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("forest.trees");
    }
}
