package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    /** Runs the command line, returning its exit code and what it printed to stderr. */
    private static String[] run(final String... args) throws Exception {
        final PrintStream saved = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            final int code = Main.run(args);
            return new String[]{Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void aSetWithoutEqualsSignIsAUsageErrorNotAStackTrace() throws Exception {
        final String[] result = run("run", "--set", "bootstrap.servers");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--set needs key=value").contains("usage:");
    }

    @Test
    void aMissingConfigFileIsAUsageErrorNotAStackTrace() throws Exception {
        final String[] result = run("score", "--config", "/nonexistent/forestwatch.properties", "--in", "a.csv",
                "--out", "b.csv");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("/nonexistent/forestwatch.properties");
    }

    @Test
    void aBadSettingValueNamesTheSetting() throws Exception {
        final String[] result = run("score", "--set", "forest.trees=0", "--in", "a.csv", "--out", "b.csv");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("forest.trees");
    }
}
