package dev.forestwatch.connect.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.ConfigReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.assertj.core.api.AbstractThrowableAssert;

/** The checks every connector's config test makes (published in connect-common's test-jar). */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    /**
     * Fails when {@code docs/config/<connector>.md} is not what the ConfigDef generates now. With
     * {@code -Dforestwatch.regenerate.docs=true} it first rewrites the file, but never under CI, where a stale file must
     * fail.
     *
     * @param connector the module under {@code connectors/}, which is also the reference's file name
     * @param test the calling test, named in the message that says how to regenerate
     * @param title the reference's heading, as {@link ConfigReference#markdown} takes it
     * @param intro the paragraph under the heading
     * @param def the connector's ConfigDef
     */
    public static void referenceIsCurrent(final String connector, final Class<?> test, final String title,
            final String intro, final ConfigDef def) {
        final Path reference = Path.of("../../docs/config/" + connector + ".md");
        final String generated = ConfigReference.markdown(title, intro, def);
        try {
            if (System.getenv("CI") == null && Boolean.getBoolean("forestwatch.regenerate.docs")) {
                Files.writeString(reference, generated, StandardCharsets.UTF_8);
            }
            assertThat(Files.readString(reference, StandardCharsets.UTF_8))
                    .as("docs/config/%s.md is stale: run `mvn -pl connectors/%s test -Dtest=%s "
                            + "-Dforestwatch.regenerate.docs=true`", connector, connector, test.getSimpleName())
                    .isEqualTo(generated);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference's opening for a sink connector: the worker's own sink settings apply as well as ours. */
    public static String sinkIntro(final Class<? extends SinkConnector> connector) {
        return "Connector class `" + connector.getName() + "`. Besides these, the worker's sink settings apply "
                + "(`topics`, `tasks.max`, `errors.tolerance`, `errors.deadletterqueue.topic.name`, converters). "
                + "Secrets are `password` typed: the worker never logs or returns them in clear.";
    }

    /**
     * Asserts that building a config from {@code props} throws a ConfigException naming {@code setting}; returns the
     * assertion for more (say, that a secret is not in the message).
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> refused(
            final Function<Map<String, String>, ?> config, final Map<String, String> props, final String setting) {
        return assertThat(catchThrowable(() -> config.apply(props))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(setting);
    }

    /** A copy of {@code base} with the given key, value, key, value... put in. */
    public static Map<String, String> with(final Map<String, String> base, final String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        final Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
