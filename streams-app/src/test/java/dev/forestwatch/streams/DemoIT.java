package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.local.pipeline.Demo;
import dev.forestwatch.local.pipeline.DemoOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./forestwatch demo --seconds 40}: broker, the app's shaded jar as a child JVM, simulator, printer. */
class DemoIT {

    @Test
    void theDemoPrintsScoredRecordsAndAnomaliesAndLeavesNoProcessBehind(@TempDir final Path tmp) {
        final Path repo = Path.of("").toAbsolutePath().getParent();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Demo.Summary summary = new Demo(new DemoOptions(repo, tmp.resolve("demo"),
                repo.resolve("config/streams-app.properties"), 3, 50, 0.01, 7, 2.0, Duration.ofSeconds(40)),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run();

        final String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(summary.exitCode()).as(printed).isZero();
        assertThat(summary.scored()).isGreaterThan(summary.sent() / 2);
        assertThat(summary.deadLetters()).isZero();
        // past each sensor's 256-record warm-up (~15 s at 50/s), scores are positive and anomalies stand out
        assertThat(printed).containsPattern("ANOMALY_SCORE=0\\.[1-9]");
        assertThat(summary.flagged()).as(printed).isPositive();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")))
                .noneMatch(cmd -> cmd.contains("forestwatch-streams") && cmd.contains(tmp.toString()));
    }
}
