package dev.forestwatch.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@link Demo} with a stand-in app, so the demo's wiring is tested on its own; the demo with the real
 * streams app is {@code dev.forestwatch.streams.DemoIT} in streams-app, where the app's jar exists.
 */
class DemoIT {
    @TempDir
    Path tmp;

    /** Everything but the real app: proves the demo's wiring independently of the streams module. */
    @Test
    void runsThePipelineWithAStandInStreamsAppAndLeavesNoProcessBehind() throws Exception {
        Path repo = tmp.resolve("repo");
        Path jar = standInJar(repo.resolve("streams-app/target/forestwatch-streams-standin-all.jar"));
        Path config = Files.createDirectories(repo.resolve("config")).resolve("streams-app.properties");
        Files.writeString(config, "# stand-in: unused\n");
        Path work = repo.resolve(".work/demo");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();

        Demo.Summary summary = new Demo(
                new DemoOptions(repo, work, config, 3, 20, 0.2, 1, 2.0, Duration.ofSeconds(10)),
                tee(captured, System.out), System.err).run();

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(summary.exitCode()).as(output).isZero();
        assertThat(summary.sent()).isBetween(150L, 201L);
        assertThat(summary.scored()).isPositive();
        assertThat(summary.flagged()).isPositive();
        assertThat(summary.deadLetters()).isZero();
        assertThat(output)
                .contains("demo: Kafka ready at 127.0.0.1:")
                .contains(
                        "demo: created topics RawStreamData (3 partitions), DESTINATION_SQL_STREAM (3), forestwatch-dlq (1)")
                .contains("demo: stopping streams app")
                .containsPattern("\\d\\d:\\d\\d:\\d\\d DemoSensor-[123] +iotValue=1\\d +ANOMALY_SCORE=0\\.5000\n")
                .containsPattern(
                        "DemoSensor-[123] +iotValue=1[0-2]\\d +ANOMALY_SCORE=3\\.0000 ANOMALY_GRADE=1\\.00  <-- anomaly");
        // The child got the broker address and its state dir, and stopped gracefully on SIGTERM.
        String appLog = Files.readString(work.resolve("streams-app.log"));
        assertThat(appLog).contains("bootstrap 127.0.0.1:").contains("stand-in streams app: stopped");
        assertThat(work.resolve("state")).isDirectory();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")))
                .noneMatch(cmd -> cmd.contains(jar.toString()));
    }

    /**
     * An "uber jar" of nothing but a manifest: Main-Class is the stand-in, Class-Path points at this
     * test JVM's classpath, so {@code java -jar} finds Kafka clients and our classes.
     */
    private static Path standInJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> urls = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toUri().toString()) // directories get their trailing '/'
                .collect(Collectors.toList());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StandInStreamsApp.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream content = new JarOutputStream(out, manifest)) {
            content.finish(); // the manifest is the whole content
        }
        return jar;
    }

    private static PrintStream tee(OutputStream a, OutputStream b) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int c) throws IOException {
                a.write(c);
                b.write(c);
            }

            @Override
            public void write(byte[] buf, int off, int len) throws IOException {
                a.write(buf, off, len);
                b.write(buf, off, len);
            }
        }, true, StandardCharsets.UTF_8);
    }
}
