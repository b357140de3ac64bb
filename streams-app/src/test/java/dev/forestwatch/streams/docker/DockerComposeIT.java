package dev.forestwatch.streams.docker;

import static dev.forestwatch.streams.docker.DockerPipelineChecks.REPO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml itself, where a Docker engine and Compose v2 are there: {@code docker compose up --wait}, the
 * saved-object import, then readings put into the stack's Kinesis come out once in the scored topic,
 * Elasticsearch and S3. It publishes the file's fixed host ports (9092, 8083, 9200, 5601, 4566), so it needs them
 * free, and runs as its own project, so a user's forestwatch stack is left alone. Skipped without Docker.
 */
class DockerComposeIT {
    private static final String PROJECT = "forestwatch-it";
    /** What to wait for: kibana-setup is a one-shot nothing waits for, which `up --wait` reports as failed. */
    private static final List<String> WAIT_FOR = List.of("streams-app", "sensors", "kibana");
    private static final int READINGS = 300;

    private static boolean composeAvailable;
    private static boolean started;

    @BeforeAll
    static void composeUp() throws Exception {
        // Without Docker or Compose, the test reports the skip and why.
        composeAvailable = DockerPipelineChecks.dockerAvailable()
                && run(List.of("docker", "compose", "version"), 1) == 0;
        if (!composeAvailable) {
            return;
        }
        started = true;
        List<String> up = new ArrayList<>(compose("up", "-d", "--build", "--wait", "--wait-timeout", "900"));
        up.addAll(WAIT_FOR);
        assertThat(run(up, 20)).as("docker compose up --wait %s (see the output above)", WAIT_FOR).isZero();
        assertThat(run(compose("run", "--rm", "kibana-setup"), 6)).as("kibana-setup imports the saved objects")
                .isZero();
    }

    @AfterAll
    static void composeDown() throws Exception {
        if (started) {
            run(compose("logs", "--no-color", "--tail", "200", "init", "connect", "streams-app"), 2);
            run(compose("down", "-v", "--remove-orphans"), 5);
        }
    }

    @Test
    void everyReadingPutIntoTheStacksKinesisIsScoredIndexedAndDeliveredToS3Once() throws Exception {
        DockerPipelineChecks.assumeDocker();
        assumeTrue(composeAvailable, "`docker compose version` failed: the compose test needs Compose v2");
        URI aws = URI.create("http://localhost:4566");
        Set<String> ids = DockerPipelineChecks.putReadings(aws, READINGS);
        DockerPipelineChecks.assertScoredOnce("localhost:9092", ids);
        DockerPipelineChecks.assertIndexed("http://localhost:9200", ids);
        DockerPipelineChecks.assertDeliveredToS3Once(aws, ids);
    }

    private static List<String> compose(String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "compose", "--project-name", PROJECT, "--file",
                REPO.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a command in the checkout with its output on this test's output; returns the exit code. */
    private static int run(List<String> command, int timeoutMinutes) throws IOException, InterruptedException {
        Path log = Files.createTempFile("docker-compose-it", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(timeoutMinutes, TimeUnit.MINUTES);
            System.out.print(Files.readString(log, StandardCharsets.UTF_8));
            if (!done) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            // no docker binary at all
            return -1;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
