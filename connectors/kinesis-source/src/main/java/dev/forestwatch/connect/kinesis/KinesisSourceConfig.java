package dev.forestwatch.connect.kinesis;

import dev.forestwatch.connect.common.AwsConfig;
import dev.forestwatch.connect.common.EnumSetting;
import dev.forestwatch.connect.kinesis.kcl.KclSettings;
import dev.forestwatch.connect.kinesis.kcl.KclSettings.HttpProtocol;
import dev.forestwatch.connect.kinesis.kcl.KclSettings.Retrieval;
import dev.forestwatch.connect.kinesis.kcl.KclSettings.StartPosition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the Kinesis source; the AWS ones come from the fragment the Firehose sink shares. */
public final class KinesisSourceConfig extends AbstractConfig {

    private static final EnumSetting<StartPosition> START_POSITION = EnumSetting.of(StartPosition.class);
    private static final EnumSetting<Retrieval> RETRIEVAL = EnumSetting.of(Retrieval.class);

    private static final String GROUP_STREAM = "Stream";
    private static final String GROUP_AWS = "AWS";
    private static final String GROUP_KCL = "Kinesis Client Library";

    public static final String STREAM_CONFIG = "kinesis.stream";
    private static final String STREAM_DOC = "Kinesis data stream to read, e.g. RawStreamData.";
    public static final String TOPIC_CONFIG = "topic";
    private static final String TOPIC_DOC = "Kafka topic to write the records to.";
    public static final String START_POSITION_CONFIG = "kinesis.start.position";
    private static final String START_POSITION_DOC = "Where a shard without a checkpoint starts: trim_horizon (its oldest record), latest, or at_timestamp (with kinesis.start.timestamp).";
    public static final String START_TIMESTAMP_CONFIG = "kinesis.start.timestamp";
    private static final String START_TIMESTAMP_DOC = "ISO-8601 instant for at_timestamp, e.g. 2026-11-26T04:00:00Z.";
    public static final String KINESIS_ENDPOINT_CONFIG = "aws.kinesis.endpoint";
    public static final String DYNAMODB_ENDPOINT_CONFIG = "aws.dynamodb.endpoint";
    public static final String CLOUDWATCH_ENDPOINT_CONFIG = "aws.cloudwatch.endpoint";
    public static final String KINESIS_HTTP_PROTOCOL_CONFIG = "aws.kinesis.http.protocol";
    private static final String KINESIS_HTTP_PROTOCOL_DOC = "HTTP version of the Kinesis client: http2 (the KCL's choice; enhanced fan-out needs it) or http1.1, for a polling connector behind an HTTP/1.1-only proxy or emulator (forestwatch's fault benchmark injects throttling through one). http1.1 with kcl.retrieval=fanout is refused.";

    public static final String LEASE_TABLE_CONFIG = "kcl.lease.table";
    private static final String LEASE_TABLE_DOC = "DynamoDB table of the KCL's shard leases and checkpoints, one per connector (the tasks share it, so shards are balanced across tasks and workers). Empty: forestwatch-<connector name>.";
    public static final String RETRIEVAL_CONFIG = "kcl.retrieval";
    private static final String RETRIEVAL_DOC = "polling (GetRecords) or fanout (enhanced fan-out, SubscribeToShard: a dedicated 2 MB/s per shard, at extra cost).";
    public static final String MAX_RECORDS_CONFIG = "kcl.max.records";
    private static final String MAX_RECORDS_DOC = "Records per GetRecords call (polling).";
    public static final String IDLE_MS_CONFIG = "kcl.idle.time.between.reads.ms";
    private static final String IDLE_MS_DOC = "Pause between GetRecords calls of a shard (polling); Kinesis allows 5 reads a second per shard, shared by all consumers.";
    public static final String QUEUE_CAPACITY_CONFIG = "queue.capacity";
    private static final String QUEUE_CAPACITY_DOC = "Records buffered between the KCL and the task per task; a full queue makes the KCL wait (back-pressure) instead of filling the heap.";
    public static final String QUEUE_MAX_BYTES_CONFIG = "queue.max.bytes";
    private static final String QUEUE_MAX_BYTES_DOC = "Bytes of record data and partition keys buffered between the KCL and the task, per task: the KCL waits when this budget or queue.capacity is used up, whichever comes first. A record larger than the whole budget still passes, alone. Kinesis records go up to 1 MiB, so queue.capacity alone could buffer 10 GiB.";
    public static final int QUEUE_MAX_BYTES_DEFAULT = 64 * 1024 * 1024;
    public static final String METRICS_LEVEL_CONFIG = "kcl.metrics.level";
    private static final String METRICS_LEVEL_DOC = "KCL CloudWatch metrics: none, summary or detailed.";

    public static final String FAILOVER_MS_CONFIG = "kcl.failover.time.ms";
    private static final String FAILOVER_MS_DOC = "Lease duration: a shard whose owner has not renewed its lease for this long is taken over by another task. Lower fails over faster at the cost of more DynamoDB writes.";
    public static final String SHARD_SYNC_MS_CONFIG = "kcl.shard.sync.interval.ms";
    private static final String SHARD_SYNC_MS_DOC = "How often the KCL lists the stream's shards to find new ones after a split, merge or UpdateShardCount.";
    public static final String PARENT_POLL_MS_CONFIG = "kcl.parent.shard.poll.interval.ms";
    private static final String PARENT_POLL_MS_DOC = "How often a child shard checks whether its parents are finished; it starts only after every parent's records are in Kafka.";
    public static final String LEADER_LEASE_MS_CONFIG = "kcl.leader.lease.duration.ms";
    private static final String LEADER_LEASE_MS_DOC = "How long the KCL's leader lock in DynamoDB lasts. The leader assigns shard leases, so after a worker crash no lease moves until the crashed leader's lock expires; lower recovers faster at the cost of more DynamoDB writes (a heartbeat every quarter of it).";
    public static final String TASK_ID_CONFIG = "task.id";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        final ConfigDef def = new ConfigDef();
        int o = 0;
        def.define(STREAM_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, STREAM_DOC, GROUP_STREAM, ++o, Width.MEDIUM, "Stream");
        def.define(TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, TOPIC_DOC, GROUP_STREAM, ++o, Width.MEDIUM, "Topic");
        def.define(START_POSITION_CONFIG, Type.STRING, "trim_horizon", START_POSITION,
                Importance.MEDIUM, START_POSITION_DOC, GROUP_STREAM, ++o, Width.SHORT, "Start position",
                START_POSITION);
        def.define(START_TIMESTAMP_CONFIG, Type.STRING, "", Importance.LOW, START_TIMESTAMP_DOC, GROUP_STREAM, ++o,
                Width.MEDIUM, "Start timestamp");
        AwsConfig.addTo(def, GROUP_AWS);
        AwsConfig.addEndpoint(def, KINESIS_ENDPOINT_CONFIG, "Kinesis", GROUP_AWS, 100);
        AwsConfig.addEndpoint(def, DYNAMODB_ENDPOINT_CONFIG, "DynamoDB", GROUP_AWS, 101);
        AwsConfig.addEndpoint(def, CLOUDWATCH_ENDPOINT_CONFIG, "CloudWatch", GROUP_AWS, 102);
        def.define(KINESIS_HTTP_PROTOCOL_CONFIG, Type.STRING, HttpProtocol.HTTP2.configName(),
                ConfigDef.ValidString.in(HttpProtocol.HTTP2.configName(), HttpProtocol.HTTP1_1.configName()),
                Importance.LOW, KINESIS_HTTP_PROTOCOL_DOC, GROUP_AWS, 103, Width.SHORT, "Kinesis HTTP protocol");
        o = 0;
        def.define(LEASE_TABLE_CONFIG, Type.STRING, "", Importance.MEDIUM, LEASE_TABLE_DOC, GROUP_KCL, ++o,
                Width.MEDIUM, "Lease table");
        def.define(RETRIEVAL_CONFIG, Type.STRING, "polling", RETRIEVAL, Importance.MEDIUM, RETRIEVAL_DOC,
                GROUP_KCL, ++o, Width.SHORT, "Retrieval", RETRIEVAL);
        def.define(MAX_RECORDS_CONFIG, Type.INT, 10_000, Range.between(1, 10_000), Importance.LOW, MAX_RECORDS_DOC,
                GROUP_KCL, ++o, Width.SHORT, "Max records per read");
        def.define(IDLE_MS_CONFIG, Type.LONG, 1000L, Range.between(200, 60_000), Importance.LOW, IDLE_MS_DOC,
                GROUP_KCL, ++o, Width.SHORT, "Idle between reads (ms)");
        def.define(QUEUE_CAPACITY_CONFIG, Type.INT, 10_000, Range.atLeast(1), Importance.LOW, QUEUE_CAPACITY_DOC,
                GROUP_KCL, ++o, Width.SHORT, "Queue capacity");
        def.define(QUEUE_MAX_BYTES_CONFIG, Type.INT, QUEUE_MAX_BYTES_DEFAULT, Range.atLeast(1), Importance.LOW,
                QUEUE_MAX_BYTES_DOC, GROUP_KCL, ++o, Width.SHORT, "Queue max bytes");
        def.define(METRICS_LEVEL_CONFIG, Type.STRING, "none", ConfigDef.ValidString.in("none", "summary", "detailed"),
                Importance.LOW, METRICS_LEVEL_DOC, GROUP_KCL, ++o, Width.SHORT, "Metrics level");
        def.define(FAILOVER_MS_CONFIG, Type.LONG, 10_000L, Range.between(1_000, 600_000), Importance.LOW,
                FAILOVER_MS_DOC, GROUP_KCL, ++o, Width.SHORT, "Failover time (ms)");
        def.define(SHARD_SYNC_MS_CONFIG, Type.LONG, 60_000L, Range.between(1_000, 3_600_000), Importance.LOW,
                SHARD_SYNC_MS_DOC, GROUP_KCL, ++o, Width.SHORT, "Shard sync interval (ms)");
        def.define(PARENT_POLL_MS_CONFIG, Type.LONG, 10_000L, Range.between(100, 600_000), Importance.LOW,
                PARENT_POLL_MS_DOC, GROUP_KCL, ++o, Width.SHORT, "Parent shard poll interval (ms)");
        def.define(LEADER_LEASE_MS_CONFIG, Type.LONG, 120_000L, Range.between(4_000, 3_600_000), Importance.LOW,
                LEADER_LEASE_MS_DOC, GROUP_KCL, ++o, Width.SHORT, "Leader lease duration (ms)");
        return def;
    }

    private final AwsConfig aws;

    public KinesisSourceConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
        this.aws = new AwsConfig(this);
        if (startPosition() == StartPosition.AT_TIMESTAMP) {
            try {
                startTimestamp();
            } catch (DateTimeParseException e) {
                throw new ConfigException(START_TIMESTAMP_CONFIG, getString(START_TIMESTAMP_CONFIG),
                        "kinesis.start.position=at_timestamp needs an ISO-8601 instant such as 2026-11-26T04:00:00Z");
            }
        }
        if (kinesisHttpProtocol() == HttpProtocol.HTTP1_1 && retrieval() == Retrieval.FANOUT) {
            throw new ConfigException(KINESIS_HTTP_PROTOCOL_CONFIG, getString(KINESIS_HTTP_PROTOCOL_CONFIG),
                    "enhanced fan-out (kcl.retrieval=fanout) needs http2; use kcl.retrieval=polling with http1.1");
        }
    }

    public StartPosition startPosition() {
        return START_POSITION.parse(getString(START_POSITION_CONFIG));
    }
    public Instant startTimestamp() {
        return Instant.parse(getString(START_TIMESTAMP_CONFIG));
    }
    public Retrieval retrieval() {
        return RETRIEVAL.parse(getString(RETRIEVAL_CONFIG));
    }
    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY_CONFIG);
    }
    public int queueMaxBytes() {
        return getInt(QUEUE_MAX_BYTES_CONFIG);
    }
    public String metricsLevel() {
        return getString(METRICS_LEVEL_CONFIG);
    }
    public HttpProtocol kinesisHttpProtocol() {
        return HttpProtocol.of(getString(KINESIS_HTTP_PROTOCOL_CONFIG));
    }

    /** The connector's name, which Connect passes in every connector and task config. */
    private String connectorName() {
        final Object n = originals().get("name");
        return n == null ? "kinesis-source" : n.toString();
    }

    /** The task's number, which the connector adds to each task's config. */
    private int taskId() {
        final Object id = originals().get(TASK_ID_CONFIG);
        return id == null ? 0 : Integer.parseInt(id.toString());
    }

    /** The lease table: configured, or one per connector so two connectors never share leases. */
    public String leaseTable(final String connectorName) {
        final String t = getString(LEASE_TABLE_CONFIG);
        return t.isEmpty() ? "forestwatch-" + connectorName : t;
    }

    /** The KCL worker's settings, as values. */
    public KclSettings kcl() {
        return new KclSettings(getString(STREAM_CONFIG), getString(TOPIC_CONFIG), connectorName() + "-task" + taskId(),
                leaseTable(connectorName()), startPosition(),
                startPosition() == StartPosition.AT_TIMESTAMP ? startTimestamp() : null, retrieval(),
                getInt(MAX_RECORDS_CONFIG), getLong(IDLE_MS_CONFIG), metricsLevel(), getLong(FAILOVER_MS_CONFIG),
                getLong(SHARD_SYNC_MS_CONFIG), getLong(PARENT_POLL_MS_CONFIG), getLong(LEADER_LEASE_MS_CONFIG),
                aws.credentialsProvider(), aws.region(), aws.endpoint(KINESIS_ENDPOINT_CONFIG), kinesisHttpProtocol(),
                aws.endpoint(DYNAMODB_ENDPOINT_CONFIG), aws.endpoint(CLOUDWATCH_ENDPOINT_CONFIG));
    }
}
