package dev.forestwatch.streams.docker;

import static dev.forestwatch.streams.docker.DockerPipelineChecks.REPO;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The whole pipeline on the images docker-compose.yml pins, where a Docker engine is reachable: readings put into
 * Kinesis (LocalStack) -> Kinesis source (Connect, plugins from their built directories) -> Kafka -> the streams
 * app's shaded jar -> Elasticsearch sink -> Elasticsearch, and Firehose sink -> LocalStack Firehose -> S3. The
 * topics, stream, bucket, delivery stream and connectors come from config/compose/init.sh in the image of
 * config/compose/init.Dockerfile, as under compose. Without Docker the class is skipped (an assumption), and the
 * Docker-free PipelineIT and module ITs still run.
 */
class PipelineDockerIT {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineDockerIT.class);
    /** Kafka's listener inside the network: Testcontainers' broker keeps 9092 for its own listeners. */
    private static final String KAFKA_IN_NETWORK = "kafka:19092";
    private static final int READINGS = 600;

    private static Network network;
    private static final List<GenericContainer<?>> STARTED = new ArrayList<>();
    private static KafkaContainer kafka;
    private static LocalStackContainer localstack;
    private static ElasticsearchContainer elasticsearch;

    @BeforeAll
    static void startPipeline() throws Exception {
        if (!DockerPipelineChecks.dockerAvailable()) {
            return; // the test reports the skip
        }
        network = Network.newNetwork();

        kafka = new KafkaContainer(DockerImageName.parse(DockerPipelineChecks.image("kafka")))
                .withNetwork(network).withNetworkAliases("kafka").withListener(KAFKA_IN_NETWORK);
        localstack = new LocalStackContainer(DockerImageName.parse(DockerPipelineChecks.image("localstack")))
                .withNetwork(network).withNetworkAliases("localstack")
                .withEnv("SERVICES", DockerPipelineChecks.environment("localstack", "SERVICES"))
                .withEnv("EAGER_SERVICE_LOADING", "1");
        elasticsearch = new ElasticsearchContainer(DockerImageName.parse(DockerPipelineChecks.image("elasticsearch")))
                .withNetwork(network).withNetworkAliases("elasticsearch")
                .withEnv("xpack.security.enabled", "false")
                .withEnv("ES_JAVA_OPTS", DockerPipelineChecks.environment("elasticsearch", "ES_JAVA_OPTS"))
                .withEnv("cluster.routing.allocation.disk.threshold_enabled", "false")
                .waitingFor(Wait.forHttp("/_cluster/health?wait_for_status=yellow&timeout=5s").forPort(9200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        Startables.deepStart(Stream.of(kafka, localstack, elasticsearch)).join();

        GenericContainer<?> connect = new GenericContainer<>(
                DockerImageName.parse(DockerPipelineChecks.image("connect")))
                .withNetwork(network).withNetworkAliases("connect").withExposedPorts(8083)
                .withEnv("KAFKA_HEAP_OPTS", DockerPipelineChecks.environment("connect", "KAFKA_HEAP_OPTS"))
                .withCopyToContainer(org.testcontainers.images.builder.Transferable.of(
                        DockerPipelineChecks.workerProperties(KAFKA_IN_NETWORK)),
                        "/etc/forestwatch/connect-distributed.properties")
                .withCommand("/opt/kafka/bin/connect-distributed.sh", "/etc/forestwatch/connect-distributed.properties")
                .waitingFor(Wait.forHttp("/health").forPort(8083).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        for (String module : List.of("kinesis-source", "elasticsearch-sink", "firehose-sink")) {
            connect.withFileSystemBind(DockerPipelineChecks.pluginDir(module).toString(),
                    "/plugins/forestwatch-" + module,
                    BindMode.READ_ONLY);
        }
        start(connect, "connect");

        // init.sh exits non-zero on the first failure, and a one-shot check turns that into a failed start.
        GenericContainer<?> init = new GenericContainer<>(new ImageFromDockerfile("forestwatch-init-it", false)
                .withDockerfile(REPO.resolve("config/compose/init.Dockerfile")))
                .withNetwork(network)
                .withEnv("KAFKA_BOOTSTRAP", KAFKA_IN_NETWORK)
                .withEnv("CONNECT_URL", "http://connect:8083")
                .withEnv("LOCALSTACK_URL", "http://localstack:4566")
                .withEnv("ELASTICSEARCH_URL", "http://elasticsearch:9200")
                .withEnv("AWS_REGION", DockerPipelineChecks.REGION)
                .withEnv("CONFIG_DIR", "/config")
                .withEnv("FIREHOSE_SINK", "true")
                .withFileSystemBind(REPO.resolve("config").toString(), "/config", BindMode.READ_ONLY)
                .withFileSystemBind(REPO.resolve("config/compose").toString(), "/compose", BindMode.READ_ONLY)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(6)));
        start(init, "init");

        List<String> command = new ArrayList<>(List.of("java",
                DockerPipelineChecks.heap(DockerPipelineChecks.composeCommand("streams-app")), "-jar", "/app/app.jar",
                "run", "--config", "/config/streams-app.properties", "--set", "bootstrap.servers=" + KAFKA_IN_NETWORK,
                "--set", "state.dir=/tmp/forestwatch"));
        GenericContainer<?> app = new GenericContainer<>(
                DockerImageName.parse(DockerPipelineChecks.image("streams-app")))
                .withNetwork(network)
                .withCopyFileToContainer(MountableFile.forHostPath(DockerPipelineChecks.streamsJar()), "/app/app.jar")
                .withCopyFileToContainer(MountableFile.forHostPath(REPO.resolve("config/streams-app.properties")),
                        "/config/streams-app.properties")
                .withCommand(command.toArray(String[]::new));
        start(app, "streams-app");
    }

    private static void start(GenericContainer<?> container, String name) {
        container.withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("docker." + name)));
        STARTED.add(container);
        LOG.info("starting {}", name);
        container.start();
    }

    @AfterAll
    static void stopPipeline() {
        for (int i = STARTED.size() - 1; i >= 0; i--) {
            STARTED.get(i).stop();
        }
        Stream.of(elasticsearch, localstack, kafka).filter(c -> c != null && c.isRunning())
                .forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    void everyReadingPutIntoKinesisIsScoredIndexedAndDeliveredToS3Once() throws Exception {
        DockerPipelineChecks.assumeDocker();
        URI aws = localstack.getEndpoint();
        Set<String> ids = DockerPipelineChecks.putReadings(aws, READINGS);
        DockerPipelineChecks.assertScoredOnce(kafka.getBootstrapServers(), ids);
        DockerPipelineChecks.assertIndexed("http://" + elasticsearch.getHttpHostAddress(), ids);
        DockerPipelineChecks.assertDeliveredToS3Once(aws, ids);
    }
}
