package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
public final class EmbeddedDynamo extends AwsEmulator<DynamoDbClient> {
    /** KCL 3's lease table GSI, as KCL creates it (name, keys and projection). */
    public static final String KCL_LEASE_OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";
    private static final String PACKAGE = "dynalite";
    private static final String SCRIPT = "cli.js";

    private EmbeddedDynamo(Started<DynamoDbClient> started) {
        super(started);
    }

    /** Starts dynalite on a free port and returns once it answers ListTables. */
    public static EmbeddedDynamo start() {
        return new EmbeddedDynamo(start(PACKAGE, SCRIPT, EmbeddedDynamo::launch,
                EmbeddedDynamo::newClient, client -> client.listTables(r -> r.limit(1))));
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

    /**
     * Creates the lease table a KCL 3 application named {@code name} would create, GSI included (hash key
     * {@code leaseKey} S, on-demand, GSI {@value #KCL_LEASE_OWNER_INDEX} on {@code leaseOwner} HASH +
     * {@code leaseKey} RANGE, keys only), and returns once it is ACTIVE. KCL finds it and uses it as is.
     */
    public void createKclLeaseTable(String name) {
        Objects.requireNonNull(name);
        client().createTable(r -> r.tableName(name)
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
        Await.until("DynamoDB table " + name + " to be ACTIVE", ACTIVE_TIMEOUT, () -> {
            try {
                return client().describeTable(r -> r.tableName(name)).table().tableStatus() == TableStatus.ACTIVE;
            } catch (ResourceNotFoundException e) {
                return false;
            }
        });
    }

    private static DynamoDbClient newClient(URI endpoint) {
        return newClient(DynamoDbClient.builder(), endpoint);
    }
}
