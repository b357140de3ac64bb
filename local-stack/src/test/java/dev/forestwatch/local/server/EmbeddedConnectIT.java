package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafka.class)
class EmbeddedConnectIT {
    private static final String FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final String FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
    private static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";
    private static final Duration AWAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;
    private static EmbeddedKafka kafka;
    private static EmbeddedConnect connect;
    private static Path pluginDir;

    /** One worker for the class, with connect-file installed from a plugin archive as STYLE §6 asks. */
    @BeforeAll
    static void startWorker(EmbeddedKafka shared) throws IOException {
        kafka = shared;
        Path plugins = tmp.resolve("plugins");
        pluginDir = EmbeddedConnect.installPluginFromZip(connectFileArchive(), plugins);
        connect = EmbeddedConnect.start(kafka.bootstrapServers(), plugins);
    }

    @AfterAll
    static void stopWorker() {
        if (connect != null) {
            connect.close();
            connect.close(); // idempotent
        }
    }

    @Test
    void emptyPluginPathOffersOnlyTheRuntimesOwnConvertersAndTransforms() {
        Path workDir;
        try (EmbeddedConnect bare = EmbeddedConnect.builder(kafka.bootstrapServers()).start()) {
            workDir = bare.pluginPath().getParent();
            assertThat(bare.url()).startsWith("http://127.0.0.1:").isNotEqualTo(connect.url());
            assertThat(bare.pluginPath()).isEmptyDirectory();
            // connect-runtime and its dependencies ship no connector with a ServiceLoader manifest.
            assertThat(bare.connectorPlugins()).isEmpty();
            assertThat(bare.allPlugins()).contains(
                    EmbeddedConnect.DEFAULT_CONVERTER,
                    "org.apache.kafka.connect.json.JsonConverter",
                    STRING_CONVERTER,
                    "org.apache.kafka.connect.transforms.InsertField$Value");
            assertThat(bare.connectors()).isEmpty();
        }
        assertThat(workDir).doesNotExist();
    }

    @Test
    void findsTheConnectorsOfAnInstalledPluginArchive() {
        assertThat(pluginDir.resolve("manifest.json")).isRegularFile();
        assertThat(pluginDir.resolve("lib")).isDirectoryContaining("glob:**/connect-file-*.jar");
        assertThat(connect.connectorPlugins()).contains(FILE_SOURCE, FILE_SINK);
    }

    @Test
    void sourceConnectorResumesAfterAWorkerRestartWithoutLosingOrRepeatingLines() throws Exception {
        String topic = "file-lines";
        kafka.createTopics(1, topic);
        Path input = tmp.resolve("lines.txt");
        Files.write(input, lines(1, 5));
        String name = "file source"; // a space, to exercise path encoding
        connect.createOrUpdateConnector(name, Map.of(
                "connector.class", FILE_SOURCE,
                "tasks.max", "1",
                "file", input.toString(),
                "topic", topic,
                "value.converter", STRING_CONVERTER));
        connect.awaitConnectorRunning(name, 1, AWAIT);
        assertThat(connect.connectors()).contains(name);
        assertThat(connect.connectorConfig(name)).containsEntry("topic", topic);
        assertThat(connect.connectorState(name)).isEqualTo("RUNNING");
        assertThat(connect.taskStates(name)).containsExactly("RUNNING");
        assertThat(readValues(topic, 5)).containsExactlyElementsOf(lines(1, 5));

        connect.restart();
        connect.awaitConnectorRunning(name, 1, AWAIT);
        Files.write(input, lines(6, 10), StandardOpenOption.APPEND);
        assertThat(readValues(topic, 10)).containsExactlyElementsOf(lines(1, 10));

        connect.pauseConnector(name);
        connect.awaitConnectorState(name, "PAUSED", 1, AWAIT);
        connect.resumeConnector(name);
        connect.awaitConnectorRunning(name, 1, AWAIT);
        connect.restartConnector(name, true);
        connect.awaitConnectorRunning(name, 1, AWAIT);

        connect.deleteConnector(name);
        assertThat(connect.connectors()).doesNotContain(name);
        assertThat(readValues(topic, 10)).as("nothing re-read after the restarts").hasSize(10);
    }

    @Test
    void awaitingAFailedTaskFailsFastWithItsStackTrace() {
        String name = "sink-into-missing-dir";
        kafka.createTopics(1, "sink-input");
        connect.createOrUpdateConnector(name, Map.of(
                "connector.class", FILE_SINK,
                "tasks.max", "1",
                "topics", "sink-input",
                "file", tmp.resolve("no/such/dir/out.txt").toString()));
        try {
            long started = System.nanoTime();
            assertThatThrownBy(() -> connect.awaitConnectorRunning(name, 1, Duration.ofSeconds(60)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Task 0 FAILED:")
                    .hasMessageContaining("Couldn't find or create file")
                    .hasMessageContaining("\tat org.apache.kafka.connect.file.FileStreamSinkTask.start");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        } finally {
            connect.deleteConnector(name);
        }
    }

    @Test
    void restErrorsCarryTheHttpStatusAndBody() {
        assertThatThrownBy(() -> connect.deleteConnector("no-such-connector"))
                .isInstanceOfSatisfying(HttpStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.body()).contains("no-such-connector");
                })
                .hasMessageContaining("DELETE /connectors/no-such-connector answered HTTP 404");
        assertThatThrownBy(() -> connect.createOrUpdateConnector("bogus",
                Map.of("connector.class", "com.example.NoSuchConnector")))
                .isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("com.example.NoSuchConnector");
    }

    private static List<String> lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line-" + i).collect(Collectors.toList());
    }

    /** All values of partition 0 once {@code expected} arrived, plus anything within a further 500 ms. */
    private static List<String> readValues(String topic, int expected) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            return values;
        }
    }

    /** connect-file's jar (copied by the build, on no classpath) packed the way STYLE §2 packs our connectors. */
    private static Path connectFileArchive() throws IOException {
        String property = "forestwatch.it.connect-file.jar";
        String jar = System.getProperty(property);
        assertThat(jar).as("system property %s (set by failsafe in local-stack/pom.xml)", property).isNotNull();
        Path jarPath = Path.of(jar);
        Path zip = tmp.resolve("apache-connect-file.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("apache-connect-file/manifest.json"));
            out.write("{\"name\":\"connect-file\",\"component_types\":[\"source\",\"sink\"]}"
                    .getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("apache-connect-file/lib/" + jarPath.getFileName()));
            Files.copy(jarPath, out);
            out.closeEntry();
        }
        return zip;
    }
}
