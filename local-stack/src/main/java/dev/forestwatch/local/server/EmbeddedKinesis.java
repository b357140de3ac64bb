package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
public final class EmbeddedKinesis extends AwsEmulator<KinesisClient> {
    private static final String PACKAGE = "kinesis-local";
    private static final String SCRIPT = "main.js";

    private EmbeddedKinesis(Started<KinesisClient> started) {
        super(started);
    }

    /** Starts kinesis-local on free ports and returns once it answers ListStreams. */
    public static EmbeddedKinesis start() {
        return new EmbeddedKinesis(start(PACKAGE, SCRIPT, (pkg, port) -> launch(pkg, port, FreePort.pick()),
                EmbeddedKinesis::client, client -> client.listStreams(r -> r.limit(1))));
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

    /** A new synchronous client for the emulator at {@code endpoint}; the caller closes it. */
    public static KinesisClient client(URI endpoint) {
        return newClient(KinesisClient.builder(), endpoint);
    }

    /** Creates a provisioned stream and returns once it is ACTIVE (~0.5 s). */
    public void createStream(String name, int shards) {
        Objects.requireNonNull(name);
        if (shards < 1) {
            throw new IllegalArgumentException("A stream needs at least one shard, got " + shards);
        }
        client().createStream(r -> r.streamName(name).shardCount(shards));
        Await.until("Kinesis stream " + name + " to be ACTIVE", ACTIVE_TIMEOUT, () -> {
            try {
                return client().describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary()
                        .streamStatus() == StreamStatus.ACTIVE;
            } catch (ResourceNotFoundException e) {
                return false;
            }
        });
    }
}
