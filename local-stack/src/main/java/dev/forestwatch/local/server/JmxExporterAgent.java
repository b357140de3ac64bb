package dev.forestwatch.local.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Prometheus JMX exporter as a java agent in the Connect worker's JVM: {@code GET /metrics} with the worker's,
 * its tasks' and their clients' JMX metrics, renamed by {@code config/connect-jmx-exporter.yml}. An agent rather
 * than code in the worker, so the same jar and rules serve the compose worker (apache/kafka image, KAFKA_OPTS).
 */
public final class JmxExporterAgent {
    /** Where local-stack's build copies the agent (maven-dependency-plugin, generate-resources). */
    public static final String JAR = "local-stack/target/jmx-exporter/jmx_prometheus_javaagent.jar";
    public static final String RULES = "config/connect-jmx-exporter.yml";
    static final String BUILD_COMMAND = "mvn -B -q install -DskipTests -pl local-stack -am";

    private JmxExporterAgent() {
    }

    /** {@code -javaagent:...} serving on 127.0.0.1:{@code port}, with the jar and rules of the checkout at repoDir. */
    public static String jvmOption(Path repoDir, int port) {
        Path jar = repoDir.resolve(JAR).toAbsolutePath();
        Path rules = repoDir.resolve(RULES).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The Prometheus JMX exporter agent is missing: " + jar
                    + "\nBuild it with: " + BUILD_COMMAND);
        }
        if (!Files.isRegularFile(rules)) {
            throw new IllegalStateException("The JMX exporter rules are missing: " + rules);
        }
        return "-javaagent:" + jar + "=127.0.0.1:" + port + ":" + rules;
    }
}
