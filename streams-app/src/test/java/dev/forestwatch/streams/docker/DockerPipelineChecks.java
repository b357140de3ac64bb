package dev.forestwatch.streams.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.testcontainers.DockerClientFactory;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * What {@link PipelineDockerIT} and {@link DockerComposeIT} share: the checkout's files, the images
 * docker-compose.yml pins, and the end-to-end check that every reading put into Kinesis comes out once in the
 * scored topic, in Elasticsearch and in the S3 objects that LocalStack's Firehose writes.
 */
final class DockerPipelineChecks {
    static final Path REPO = Path.of(System.getProperty("forestwatch.repo.dir", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("forestwatch.version", "0.1.0-SNAPSHOT");
    static final String REGION = "us-east-1";
    /** config/compose/init.sh FIREHOSE_BUCKET and the delivery stream's Prefix. */
    static final String BUCKET = "forestwatch-processed";
    static final String S3_PREFIX = "anomalydata/";
    static final String INDEX = "anomalydata";
    static final String SCORED_TOPIC = "DESTINATION_SQL_STREAM";
    static final String STREAM = "RawStreamData";
    static final Duration ARRIVAL = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DockerPipelineChecks() {
    }

    static final String NO_DOCKER = "no Docker engine reachable (Testcontainers found none): skipped; the Docker-free "
            + "ITs (PipelineIT and the modules' ITs) cover the same pipeline";

    /** Whether Testcontainers reaches a Docker engine (checked once per JVM by Testcontainers itself). */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /**
     * A JUnit assumption in the test method, so that without Docker each test is reported as skipped with the
     * reason (an assumption in {@code @BeforeAll} would only abort the class, and the reports count nothing).
     */
    static void assumeDocker() {
        assumeTrue(dockerAvailable(), NO_DOCKER);
    }

    /** The services of docker-compose.yml. */
    static JsonNode composeServices() {
        try {
            return new YAMLMapper().readTree(REPO.resolve("docker-compose.yml").toFile()).path("services");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read docker-compose.yml under " + REPO, e);
        }
    }

    static String image(String service) {
        final String image = composeServices().path(service).path("image").asText("");
        assertThat(image).as("docker-compose.yml service %s image", service).isNotBlank();
        return image;
    }

    /** A docker-compose.yml service's command, as a list. */
    static List<String> composeCommand(String service) {
        final List<String> out = new ArrayList<>();
        composeServices().path(service).path("command").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The value of SERVICES, or any other environment key, of a docker-compose.yml service. */
    static String environment(String service, String key) {
        return composeServices().path(service).path("environment").path(key).asText("");
    }

    /** A connector's plugin directory, as `mvn package` writes it and docker-compose.yml mounts it. */
    static Path pluginDir(String module) {
        final String name = "forestwatch-" + module + "-" + VERSION;
        final Path dir = REPO.resolve("connectors").resolve(module).resolve("target").resolve(name).resolve(name);
        assertThat(dir.resolve("lib")).as("plugin directory of %s (run mvn package first)", module).isDirectory();
        return dir;
    }

    static Path streamsJar() {
        final Path jar = REPO.resolve("streams-app/target/forestwatch-streams-" + VERSION + "-all.jar");
        assertThat(jar).as("the streams app's shaded jar (run mvn package first)").isRegularFile();
        return jar;
    }

    /** config/connect-distributed.properties with another bootstrap address, for a broker not named kafka:9092. */
    static String workerProperties(String bootstrap) throws IOException {
        final String text = Files.readString(REPO.resolve("config/connect-distributed.properties"));
        final Properties parsed = new Properties();
        parsed.load(new StringReader(text));
        assertThat(parsed.getProperty("bootstrap.servers")).as("worker bootstrap.servers").isNotBlank();
        return text.replaceAll("(?m)^bootstrap\\.servers=.*$",
                "bootstrap.servers=" + Matcher.quoteReplacement(bootstrap));
    }

    static KinesisClient kinesis(URI endpoint) {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * Puts {@code count} readings of three sensors into the stream and returns their recordIds, which the Kinesis
     * source and the streams app derive from shard id, sequence number and subsequence number (0: not aggregated).
     */
    static Set<String> putReadings(URI kinesisEndpoint, int count) {
        final Set<String> ids = new LinkedHashSet<>();
        final SplittableRandom random = new SplittableRandom(7);
        final String run = UUID.randomUUID().toString().substring(0, 8);
        try (KinesisClient kinesis = kinesis(kinesisEndpoint)) {
            for (int sent = 0; sent < count;) {
                final List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (int i = 0; i < 100 && sent + batch.size() < count; i++) {
                    final String sensor = "DockerItSensor-" + run + "-" + (1 + (sent + i) % 3);
                    batch.add(PutRecordsRequestEntry.builder().partitionKey(sensor).data(SdkBytes.fromUtf8String(
                            "{\"iotName\":\"" + sensor + "\",\"iotValue\":" + random.nextInt(10, 21) + "}")).build());
                }
                final PutRecordsResponse response = kinesis.putRecords(r -> r.streamName(STREAM).records(batch));
                for (PutRecordsResultEntry e : response.records()) {
                    if (e.errorCode() == null) {
                        ids.add(e.shardId() + "-" + e.sequenceNumber() + "-0");
                    }
                }
                // Entries that failed (throttling) are simply not counted: only acknowledged readings are checked.
                sent += batch.size();
            }
        }
        assertThat(ids).as("readings Kinesis acknowledged").hasSizeGreaterThan(count / 2);
        return ids;
    }

    /** Every id once in the scored topic, read as the sinks read it (read_committed). */
    static void assertScoredOnce(String bootstrap, Set<String> ids) throws IOException {
        final Map<String, Integer> seen = new HashMap<>();
        final Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "docker-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed", ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(SCORED_TOPIC));
            await("every reading scored in " + SCORED_TOPIC).atMost(ARRIVAL).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            final String id = JSON.readTree(r.value()).path("recordId").asText();
                            if (ids.contains(id)) {
                                seen.merge(id, 1, Integer::sum);
                            }
                        }
                        return seen.keySet().containsAll(ids);
                    });
            // A little longer, so that a duplicate written just after the last first copy is seen too.
            final long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    readId(r.value(), ids, seen);
                }
            }
        }
        assertThat(duplicates(seen)).as("readings scored more than once").isEmpty();
    }

    /** Every id is a document (the sink uses recordId as the document id, so a copy could only overwrite). */
    static void assertIndexed(String elasticsearch, Set<String> ids) {
        await("every reading indexed in " + INDEX).atMost(ARRIVAL).pollInterval(Duration.ofSeconds(2))
                .until(() -> indexed(elasticsearch, ids) == ids.size());
    }

    /** Every id in exactly one line of the objects LocalStack's Firehose wrote to S3. */
    static void assertDeliveredToS3Once(URI s3, Set<String> ids) {
        final Map<String, Integer> seen = new HashMap<>();
        await("every reading in s3://" + BUCKET + "/" + S3_PREFIX).atMost(ARRIVAL).pollInterval(Duration.ofSeconds(5))
                .until(() -> {
                    seen.clear();
                    for (String key : s3Keys(s3)) {
                        for (String line : get(s3.resolve("/" + BUCKET + "/" + key)).split("\n")) {
                            if (!line.isBlank()) {
                                readId(line.getBytes(StandardCharsets.UTF_8), ids, seen);
                            }
                        }
                    }
                    return seen.keySet().containsAll(ids);
                });
        assertThat(duplicates(seen)).as("readings Firehose delivered to S3 more than once").isEmpty();
    }

    private static void readId(byte[] json, Set<String> ids, Map<String, Integer> seen) throws IOException {
        final String id = JSON.readTree(json).path("recordId").asText();
        if (ids.contains(id)) {
            seen.merge(id, 1, Integer::sum);
        }
    }

    private static Map<String, Integer> duplicates(Map<String, Integer> seen) {
        final Map<String, Integer> out = new TreeMap<>();
        seen.forEach((id, n) -> {
            if (n > 1) {
                out.put(id, n);
            }
        });
        return out;
    }

    private static int indexed(String elasticsearch, Set<String> ids) throws IOException, InterruptedException {
        final ObjectNode query = JSON.createObjectNode();
        ids.forEach(query.putObject("query").putObject("ids").putArray("values")::add);
        query.put("size", 0).put("track_total_hits", true);
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(elasticsearch + "/" + INDEX
                + "/_search")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(query.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("hits").path("total").path("value").asInt() : -1;
    }

    /** ListObjectsV2, path style; LocalStack does not check signatures. */
    private static List<String> s3Keys(URI s3) throws Exception {
        final List<String> keys = new ArrayList<>();
        String token = null;
        do {
            String url = "/" + BUCKET + "?list-type=2&prefix=" + URLEncoder.encode(S3_PREFIX, StandardCharsets.UTF_8);
            if (token != null) {
                url += "&continuation-token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            }
            final var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(get(s3.resolve(url)))));
            final NodeList contents = doc.getElementsByTagName("Key");
            for (int i = 0; i < contents.getLength(); i++) {
                keys.add(contents.item(i).getTextContent());
            }
            final NodeList next = doc.getElementsByTagName("NextContinuationToken");
            token = next.getLength() > 0 ? next.item(0).getTextContent() : null;
        } while (token != null);
        return keys;
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri.getPath() + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    /** Matches the first -Xmx in a docker-compose.yml command, so the ITs run the JVMs with the same heaps. */
    static String heap(List<String> command) {
        for (String arg : command) {
            if (Pattern.matches("-Xmx\\d+[kKmMgG]", arg)) {
                return arg;
            }
        }
        return "-Xmx512m";
    }
}
