package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.AwsConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the Firehose sink; limits default to (and may not exceed) the service's. */
public final class FirehoseSinkConfig extends AbstractConfig {

    /** PutRecordBatch limits of the service. */
    public static final int SERVICE_MAX_RECORDS = 500;
    public static final int SERVICE_MAX_BATCH_BYTES = 4 * 1024 * 1024;
    public static final int SERVICE_MAX_RECORD_BYTES = 1000 * 1024;

    private static final String GROUP_FIREHOSE = "Firehose";
    private static final String GROUP_AWS = "AWS";
    private static final String GROUP_BATCHING = "Batching";
    private static final String GROUP_ERRORS = "Retries and errors";

    public static final String DELIVERY_STREAM_CONFIG = "delivery.stream";
    private static final String DELIVERY_STREAM_DOC = "Name of the Firehose delivery stream, e.g. ProcessedStreamData.";
    public static final String ENDPOINT_CONFIG = "aws.firehose.endpoint";
    public static final String RECORD_DELIMITER_CONFIG = "record.delimiter";
    private static final String RECORD_DELIMITER_DOC = "Appended to every record so that the destination (S3 objects, "
            + "say) can split them again; Firehose concatenates records as they are. Escapes \\n, \\r, \\t are "
            + "understood; empty for none.";

    public static final String BATCH_MAX_RECORDS_CONFIG = "batch.max.records";
    private static final String BATCH_MAX_RECORDS_DOC = "Records per PutRecordBatch call (service limit 500).";
    public static final String BATCH_MAX_BYTES_CONFIG = "batch.max.bytes";
    private static final String BATCH_MAX_BYTES_DOC = "Bytes of data per PutRecordBatch call (service limit 4 MiB).";
    public static final String LINGER_MS_CONFIG = "linger.ms";
    private static final String LINGER_MS_DOC = "How long a record may wait for a batch to fill before a smaller one is sent.";
    public static final String MAX_IN_FLIGHT_CONFIG = "max.in.flight.requests";
    private static final String MAX_IN_FLIGHT_DOC = "PutRecordBatch calls at once per task. Calls never share a Kafka "
            + "partition, so each partition's records are sent in offset order.";
    public static final String BUFFER_MAX_RECORDS_CONFIG = "buffer.max.records";
    private static final String BUFFER_MAX_RECORDS_DOC = "Records buffered per task before its partitions are paused "
            + "(resumed at half), so a slow or unavailable stream cannot fill the heap.";
    public static final String BUFFER_MAX_BYTES_CONFIG = "buffer.max.bytes";
    private static final String BUFFER_MAX_BYTES_DOC = "Bytes buffered per task before its partitions are paused.";

    public static final String RETRY_MAX_DURATION_MS_CONFIG = "retry.max.duration.ms";
    private static final String RETRY_MAX_DURATION_MS_DOC = "How long a record's delivery is retried (throttling, "
            + "failed entries, service or network errors) before the task fails, like Firehose's own retry duration "
            + "(300 s in the seed).";
    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "First retry delay; it doubles, with jitter, up to retry.backoff.max.ms.";
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Largest retry delay.";
    public static final String BEHAVIOR_ON_ERROR_CONFIG = "behavior.on.error";
    private static final String BEHAVIOR_ON_ERROR_DOC = "A record Firehose will never take (over 1,000 KiB with its "
            + "delimiter, or refused with a permanent error code): fail the task, report it to the dead-letter topic "
            + "(errors.deadletterqueue.topic.name with errors.tolerance=all), or ignore it (counted and logged).";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        final ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(DELIVERY_STREAM_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, DELIVERY_STREAM_DOC, GROUP_FIREHOSE, ++order, Width.MEDIUM, "Delivery stream");
        def.define(RECORD_DELIMITER_CONFIG, Type.STRING, "\\n", Importance.MEDIUM, RECORD_DELIMITER_DOC,
                GROUP_FIREHOSE, ++order, Width.SHORT, "Record delimiter");
        AwsConfig.addTo(def, GROUP_AWS);
        AwsConfig.addEndpoint(def, ENDPOINT_CONFIG, "Firehose", GROUP_AWS, 100);
        order = 0;
        def.define(BATCH_MAX_RECORDS_CONFIG, Type.INT, SERVICE_MAX_RECORDS, Range.between(1, SERVICE_MAX_RECORDS),
                Importance.MEDIUM, BATCH_MAX_RECORDS_DOC, GROUP_BATCHING, ++order, Width.SHORT, "Max records per call");
        def.define(BATCH_MAX_BYTES_CONFIG, Type.INT, SERVICE_MAX_BATCH_BYTES,
                Range.between(SERVICE_MAX_RECORD_BYTES, SERVICE_MAX_BATCH_BYTES), Importance.LOW, BATCH_MAX_BYTES_DOC,
                GROUP_BATCHING, ++order, Width.SHORT, "Max bytes per call");
        def.define(LINGER_MS_CONFIG, Type.LONG, 500L, Range.between(0, 60_000), Importance.MEDIUM, LINGER_MS_DOC,
                GROUP_BATCHING, ++order, Width.SHORT, "Linger (ms)");
        def.define(MAX_IN_FLIGHT_CONFIG, Type.INT, 4, Range.between(1, 64), Importance.LOW, MAX_IN_FLIGHT_DOC,
                GROUP_BATCHING, ++order, Width.SHORT, "Calls in flight");
        def.define(BUFFER_MAX_RECORDS_CONFIG, Type.INT, 20_000, Range.atLeast(SERVICE_MAX_RECORDS), Importance.LOW,
                BUFFER_MAX_RECORDS_DOC, GROUP_BATCHING, ++order, Width.SHORT, "Max buffered records");
        def.define(BUFFER_MAX_BYTES_CONFIG, Type.LONG, 64L * 1024 * 1024, Range.atLeast(SERVICE_MAX_BATCH_BYTES),
                Importance.LOW, BUFFER_MAX_BYTES_DOC, GROUP_BATCHING, ++order, Width.SHORT, "Max buffered bytes");
        order = 0;
        def.define(RETRY_MAX_DURATION_MS_CONFIG, Type.LONG, 300_000L, Range.between(0, 7_200_000), Importance.MEDIUM,
                RETRY_MAX_DURATION_MS_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Retry duration (ms)");
        def.define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, Range.atLeast(1), Importance.LOW, RETRY_BACKOFF_MS_DOC,
                GROUP_ERRORS, ++order, Width.SHORT, "Retry backoff (ms)");
        def.define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                RETRY_BACKOFF_MAX_MS_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Max retry backoff (ms)");
        def.define(BEHAVIOR_ON_ERROR_CONFIG, Type.STRING, BehaviorOnError.FAIL.toString(), BehaviorOnError.VALIDATOR,
                Importance.MEDIUM, BEHAVIOR_ON_ERROR_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Behavior on error");
        return def;
    }

    private final AwsConfig aws;

    public FirehoseSinkConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
        this.aws = new AwsConfig(this);
        if (retryBackoffMaxMs() < retryBackoffMs()) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS_CONFIG, retryBackoffMaxMs(),
                    "must be at least " + RETRY_BACKOFF_MS_CONFIG + " (" + retryBackoffMs() + ")");
        }
        if (delimiter().length >= SERVICE_MAX_RECORD_BYTES) {
            throw new ConfigException(RECORD_DELIMITER_CONFIG, "(long)", "leaves no room for a record");
        }
    }

    public String deliveryStream() {
        return getString(DELIVERY_STREAM_CONFIG);
    }
    public AwsConfig aws() {
        return aws;
    }
    public URI endpoint() {
        return aws.endpoint(ENDPOINT_CONFIG);
    }
    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS_CONFIG);
    }
    public int batchMaxBytes() {
        return getInt(BATCH_MAX_BYTES_CONFIG);
    }
    public Duration linger() {
        return Duration.ofMillis(getLong(LINGER_MS_CONFIG));
    }
    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT_CONFIG);
    }
    public int bufferMaxRecords() {
        return getInt(BUFFER_MAX_RECORDS_CONFIG);
    }
    public long bufferMaxBytes() {
        return getLong(BUFFER_MAX_BYTES_CONFIG);
    }
    public long retryMaxDurationMs() {
        return getLong(RETRY_MAX_DURATION_MS_CONFIG);
    }
    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS_CONFIG);
    }
    public long retryBackoffMaxMs() {
        return getLong(RETRY_BACKOFF_MAX_MS_CONFIG);
    }
    public BehaviorOnError behaviorOnError() {
        return BehaviorOnError.of(getString(BEHAVIOR_ON_ERROR_CONFIG));
    }

    public byte[] delimiter() {
        return getString(RECORD_DELIMITER_CONFIG).replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t")
                .getBytes(StandardCharsets.UTF_8);
    }
}
