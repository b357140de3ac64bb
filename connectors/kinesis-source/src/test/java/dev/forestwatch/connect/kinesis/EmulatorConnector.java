package dev.forestwatch.connect.kinesis;

import dev.forestwatch.local.server.EmbeddedDynamo;
import dev.forestwatch.local.server.EmbeddedKinesis;
import java.util.HashMap;
import java.util.Map;

/** The connector's config against the npm emulators, with KCL timings short enough for tests and benchmarks. */
public final class EmulatorConnector {

    private EmulatorConnector() {
    }

    /**
     * Reads {@code stream} into {@code topic} with a fresh lease table, which this creates first: dynalite ignores
     * the UpdateTable that adds KCL 3's index, so the table is made with it up front.
     */
    public static Map<String, String> config(final EmbeddedKinesis kinesis, final EmbeddedDynamo dynamo,
            final String stream, final String topic, final String leaseTable, final int tasks) {
        dynamo.createKclLeaseTable(leaseTable);
        final Map<String, String> c = new HashMap<>();
        c.put("connector.class", KinesisSourceConnector.class.getName());
        c.put("tasks.max", Integer.toString(tasks));
        // the partition key is a string; StringConverter writes its UTF-8 bytes
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        // the connector refuses to start unless a 1 MiB Kinesis record fits one produce request
        c.put(DeliveryGuard.MAX_REQUEST_SIZE, "2097152");
        c.put(KinesisSourceConfig.STREAM_CONFIG, stream);
        c.put(KinesisSourceConfig.TOPIC_CONFIG, topic);
        c.put(KinesisSourceConfig.LEASE_TABLE_CONFIG, leaseTable);
        c.put(KinesisSourceConfig.START_POSITION_CONFIG, "trim_horizon");
        c.put("aws.region", "us-east-1");
        c.put("aws.access.key.id", "AKIAFAKEFORTESTS");
        c.put("aws.secret.access.key", "fake-secret");
        c.put(KinesisSourceConfig.KINESIS_ENDPOINT_CONFIG, kinesis.endpoint().toString());
        c.put(KinesisSourceConfig.DYNAMODB_ENDPOINT_CONFIG, dynamo.endpoint().toString());
        c.put(KinesisSourceConfig.IDLE_MS_CONFIG, "200");
        c.put(KinesisSourceConfig.FAILOVER_MS_CONFIG, "5000");
        c.put(KinesisSourceConfig.SHARD_SYNC_MS_CONFIG, "1000");
        c.put(KinesisSourceConfig.PARENT_POLL_MS_CONFIG, "500");
        return c;
    }
}
