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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A DynamoDB emulator ({@code dynalite}) running as a child {@code node} process on 127.0.0.1, with its
 * tables in memory: enough for KCL's lease, checkpoint and coordinator-state tables.
 *
 * <pre>{@code
 * try (EmbeddedDynamo dynamo = EmbeddedDynamo.start()) {
 *     dynamo.createKclLeaseTable("forestwatch-kinesis-source");   // before the KCL 3 Scheduler starts
 * }
 * }</pre>
 *
 * <p>Table creation, update and deletion take effect at once ({@code --createTableMs 0} and friends;
 * dynalite's defaults make each wait ~20 s). dynalite ignores UpdateTable, which KCL 3 uses to add a GSI
 * to its lease table: {@link #createKclLeaseTable} creates that table with the GSI up front.
 */
public final class EmbeddedDynamo implements AutoCloseable {
    public static final Region REGION = Region.US_EAST_1;
    /** KCL 3's lease table GSI, as KCL creates it (name, keys and projection). */
    public static final String KCL_LEASE_OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration TABLE_ACTIVE_TIMEOUT = Duration.ofSeconds(30);
    private static final String PACKAGE = "dynalite";
    private static final String SCRIPT = "cli.js";

    private final NodeEmulator process;
    private final URI endpoint;
    private final DynamoDbClient client;

    private EmbeddedDynamo(NodeEmulator process, URI endpoint, DynamoDbClient client) {
        this.process = process;
        this.endpoint = endpoint;
        this.client = client;
    }

    /** Starts dynalite on a free port and returns once it answers ListTables. */
    public static EmbeddedDynamo start() {
        Path pkg = Emulators.packageDir(PACKAGE, SCRIPT);
        URI[] endpoint = new URI[1];
        DynamoDbClient[] client = new DynamoDbClient[1];
        try {
            NodeEmulator process = NodeEmulator.start(PACKAGE, STARTUP_TIMEOUT, attempt -> {
                int port = FreePort.pick();
                if (client[0] != null) {
                    client[0].close();
                }
                endpoint[0] = URI.create("http://127.0.0.1:" + port);
                client[0] = newClient(endpoint[0]);
                return launch(pkg, port);
            }, () -> {
                client[0].listTables(r -> r.limit(1));
                return true;
            });
            return new EmbeddedDynamo(process, endpoint[0], client[0]);
        } catch (RuntimeException e) {
            if (client[0] != null) {
                client[0].close();
            }
            throw e;
        }
    }

    static NodeEmulator.Launch launch(Path pkg, int port) {
        return new NodeEmulator.Launch() {
            @Override
            public List<String> args() {
                return List.of(pkg.resolve(SCRIPT).toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                        "--createTableMs", "0", "--updateTableMs", "0", "--deleteTableMs", "0");
            }

            @Override
            public Map<String, String> env() {
                return Map.of();
            }

            @Override
            public int port() {
                return port;
            }
        };
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint override for any DynamoDB client (also KCL's). */
    public URI endpoint() {
        return endpoint;
    }

    /** A synchronous client for this emulator, owned by it: do not close it, {@link #close()} does. */
    public DynamoDbClient client() {
        return client;
    }

    /** Static fake credentials; the emulator checks none. */
    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("forestwatch", "forestwatch"));
    }

    /**
     * Creates the lease table a KCL 3 application named {@code name} would create, GSI included (hash key
     * {@code leaseKey} S, on-demand, GSI {@value #KCL_LEASE_OWNER_INDEX} on {@code leaseOwner} HASH +
     * {@code leaseKey} RANGE, keys only), and returns once it is ACTIVE. KCL finds it and uses it as is.
     */
    public void createKclLeaseTable(String name) {
        Objects.requireNonNull(name);
        client.createTable(r -> r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("leaseKey").attributeType(ScalarAttributeType.S)
                                .build(),
                        AttributeDefinition.builder().attributeName("leaseOwner").attributeType(ScalarAttributeType.S)
                                .build())
                .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(KCL_LEASE_OWNER_INDEX)
                        .keySchema(
                                KeySchemaElement.builder().attributeName("leaseOwner").keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.RANGE).build())
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                        .build()));
        Await.until("DynamoDB table " + name + " to be ACTIVE", TABLE_ACTIVE_TIMEOUT, () -> {
            try {
                return client.describeTable(r -> r.tableName(name)).table().tableStatus() == TableStatus.ACTIVE;
            } catch (ResourceNotFoundException e) {
                return false;
            }
        });
    }

    /** dynalite's output (it logs little). */
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

    /** Closes the client, SIGKILLs dynalite and waits until no process of it remains. Idempotent. */
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
        return "EmbeddedDynamo[" + endpoint + "]";
    }

    private static DynamoDbClient newClient(URI endpoint) {
        return DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(30)))
                .region(REGION)
                .credentialsProvider(credentials())
                .endpointOverride(endpoint)
                .build();
    }
}
