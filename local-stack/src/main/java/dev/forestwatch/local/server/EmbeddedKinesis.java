package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A Kinesis emulator ({@code kinesis-local}, the Node build of kinesis-mock that LocalStack uses) running
 * as a child {@code node} process, for the integration tests and the one-command run.
 *
 * <pre>{@code
 * try (EmbeddedKinesis kinesis = EmbeddedKinesis.start()) {
 *     kinesis.createStream("readings", 2);
 *     kinesis.client().putRecord(r -> r.streamName("readings").partitionKey("s1").data(SdkBytes.fromUtf8String("{}")));
 * }
 * }</pre>
 *
 * <p>It serves plain HTTP on {@link #endpoint()} (and TLS with a self-signed certificate on another
 * port, unused here), both on free ports. It binds 0.0.0.0 (it has no host setting), so the ports are
 * reachable from other hosts. Clients use region {@link #REGION} and any static credentials
 * ({@link #credentials()}). SDK v2's default CBOR encoding works (no {@code aws.cborEnabled=false}
 * needed, unlike kinesalite). It ignores SIGTERM, so {@link #close()} SIGKILLs it. Writes slow down as
 * a shard fills (~580 records/s for a shard's first 5k records, ~64/s near 20k): keep test volumes small.
 */
public final class EmbeddedKinesis implements AutoCloseable {
    public static final Region REGION = Region.US_EAST_1;
    /** kinesis-mock answers ~1-2 s after start here; a loaded CI machine may take several times that. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STREAM_ACTIVE_TIMEOUT = Duration.ofSeconds(30);
    private static final String PACKAGE = "kinesis-local";
    private static final String SCRIPT = "main.js";

    private final NodeEmulator process;
    private final URI endpoint;
    private final KinesisClient client;

    private EmbeddedKinesis(NodeEmulator process, URI endpoint, KinesisClient client) {
        this.process = process;
        this.endpoint = endpoint;
        this.client = client;
    }

    /** Starts kinesis-local on free ports and returns once it answers ListStreams. */
    public static EmbeddedKinesis start() {
        Path pkg = Emulators.packageDir(PACKAGE, SCRIPT);
        URI[] endpoint = new URI[1];
        KinesisClient[] client = new KinesisClient[1];
        try {
            NodeEmulator process = NodeEmulator.start(PACKAGE, STARTUP_TIMEOUT, attempt -> {
                int plainPort = FreePort.pick();
                int tlsPort = FreePort.pick();
                if (client[0] != null) {
                    client[0].close();
                }
                endpoint[0] = URI.create("http://127.0.0.1:" + plainPort);
                client[0] = newClient(endpoint[0]);
                return launch(pkg, plainPort, tlsPort);
            }, () -> {
                client[0].listStreams(r -> r.limit(1));
                return true;
            });
            return new EmbeddedKinesis(process, endpoint[0], client[0]);
        } catch (RuntimeException e) {
            if (client[0] != null) {
                client[0].close();
            }
            throw e;
        }
    }

    static NodeEmulator.Launch launch(Path pkg, int plainPort, int tlsPort) {
        return new NodeEmulator.Launch() {
            @Override
            public List<String> args() {
                return List.of(pkg.resolve(SCRIPT).toString());
            }

            @Override
            public Map<String, String> env() {
                return Map.of(
                        "KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort),
                        "KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort),
                        "KINESIS_MOCK_CERT_PATH", pkg.resolve("server.json").toString(),
                        "AWS_REGION", REGION.id(),
                        "LOG_LEVEL", "WARN");
            }

            @Override
            public int port() {
                return plainPort;
            }
        };
    }

    /** {@code http://127.0.0.1:<plain port>}: the endpoint override for any Kinesis client (also KCL's). */
    public URI endpoint() {
        return endpoint;
    }

    /** A synchronous client for this emulator, owned by it: do not close it, {@link #close()} does. */
    public KinesisClient client() {
        return client;
    }

    /** A new synchronous client for the emulator at {@code endpoint}; the caller closes it. */
    public static KinesisClient client(URI endpoint) {
        return newClient(endpoint);
    }

    /** Static fake credentials; the emulator checks none. */
    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("forestwatch", "forestwatch"));
    }

    /** Creates a provisioned stream and returns once it is ACTIVE (~0.5 s). */
    public void createStream(String name, int shards) {
        Objects.requireNonNull(name);
        if (shards < 1) {
            throw new IllegalArgumentException("A stream needs at least one shard, got " + shards);
        }
        client.createStream(r -> r.streamName(name).shardCount(shards));
        Await.until("Kinesis stream " + name + " to be ACTIVE", STREAM_ACTIVE_TIMEOUT, () -> {
            try {
                return client.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary()
                        .streamStatus() == StreamStatus.ACTIVE;
            } catch (ResourceNotFoundException e) {
                return false;
            }
        });
    }

    /** kinesis-mock's output (warnings and errors only). */
    public Path logFile() {
        return process.logFile();
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** The node process and its descendants while running. */
    List<ProcessHandle> processes() {
        return process.processes();
    }

    /** Closes the client, SIGKILLs the emulator and waits until no process of it remains. Idempotent. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            process.kill();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKinesis[" + endpoint + "]";
    }

    private static KinesisClient newClient(URI endpoint) {
        return KinesisClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(30)))
                .region(REGION)
                .credentialsProvider(credentials())
                .endpointOverride(endpoint)
                .build();
    }
}
