package dev.forestwatch.connect.common.send;

import dev.forestwatch.connect.common.batch.BatchingWriter;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The batching and retry settings every forestwatch sink shares, as one config fragment (like the AWS one): a sink's
 * ConfigDef adds them with {@link #addTo}, with its own defaults and limits, and reads them through this class as
 * the writer's limits and the send loop's retry settings.
 */
public final class SendConfig {

    public static final String BATCH_MAX_RECORDS_CONFIG = "batch.max.records";
    public static final String BATCH_MAX_BYTES_CONFIG = "batch.max.bytes";
    public static final String LINGER_MS_CONFIG = "linger.ms";
    private static final String LINGER_MS_DOC = "How long a record may wait for a batch to fill before a smaller one "
            + "is sent.";
    public static final String MAX_IN_FLIGHT_CONFIG = "max.in.flight.requests";
    public static final String BUFFER_MAX_RECORDS_CONFIG = "buffer.max.records";
    private static final String BUFFER_MAX_RECORDS_DOC = "Records buffered per task before its partitions are paused "
            + "(resumed at half), so a slow or unavailable destination cannot fill the heap.";
    public static final String BUFFER_MAX_BYTES_CONFIG = "buffer.max.bytes";
    private static final String BUFFER_MAX_BYTES_DOC = "Bytes buffered per task before its partitions are paused.";

    public static final String RETRY_MAX_DURATION_MS_CONFIG = "retry.max.duration.ms";
    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "First retry delay; it doubles, with jitter, up to "
            + "retry.backoff.max.ms.";
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Largest retry delay.";

    /**
     * A sink's defaults and limits, and the words its docs use.
     *
     * @param call
     *            one request, e.g. "_bulk request", "PutRecordBatch call"
     * @param retried
     *            what is retried, e.g. "429, 5xx, connection failures"
     */
    public record Defaults(String call, int maxRecords, int maxRecordsLimit, String maxRecordsNote, int maxBytes,
            int minBytes, int maxBytesLimit, String maxBytesNote, long lingerMs, long lingerMaxMs, int maxInFlight,
            int bufferMinRecords, long bufferMinBytes, String retried) {
    }

    private final AbstractConfig config;

    /** Reads the fragment's settings; throws ConfigException naming the setting if they do not fit together. */
    public SendConfig(final AbstractConfig config) {
        this.config = config;
        if (config.getLong(RETRY_BACKOFF_MAX_MS_CONFIG) < config.getLong(RETRY_BACKOFF_MS_CONFIG)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS_CONFIG, config.getLong(RETRY_BACKOFF_MAX_MS_CONFIG),
                    "must be at least " + RETRY_BACKOFF_MS_CONFIG + " (" + config.getLong(RETRY_BACKOFF_MS_CONFIG)
                            + ")");
        }
    }

    /**
     * Adds the batching keys to {@code batchingGroup} and the retry keys to {@code errorsGroup} (orders 1 to 3; the
     * sink's own error keys follow from {@link #NEXT_ERRORS_ORDER}).
     */
    public static ConfigDef addTo(final ConfigDef def, final String batchingGroup, final String errorsGroup,
            final Defaults d) {
        int o = 0;
        def.define(BATCH_MAX_RECORDS_CONFIG, Type.INT, d.maxRecords(), Range.between(1, d.maxRecordsLimit()),
                Importance.MEDIUM, "Records per " + d.call() + d.maxRecordsNote() + ".", batchingGroup, ++o,
                Width.SHORT, "Max records per request");
        def.define(BATCH_MAX_BYTES_CONFIG, Type.INT, d.maxBytes(), Range.between(d.minBytes(), d.maxBytesLimit()),
                Importance.LOW, "Bytes of data per " + d.call() + d.maxBytesNote() + ".", batchingGroup, ++o,
                Width.SHORT, "Max bytes per request");
        def.define(LINGER_MS_CONFIG, Type.LONG, d.lingerMs(), Range.between(0, d.lingerMaxMs()), Importance.MEDIUM,
                LINGER_MS_DOC, batchingGroup, ++o, Width.SHORT, "Linger (ms)");
        def.define(MAX_IN_FLIGHT_CONFIG, Type.INT, d.maxInFlight(), Range.between(1, 64), Importance.LOW,
                d.call() + "s at once per task. They never share a Kafka partition, so each partition's records are "
                        + "sent in offset order.",
                batchingGroup, ++o, Width.SHORT, "Requests in flight");
        def.define(BUFFER_MAX_RECORDS_CONFIG, Type.INT, 20_000, Range.atLeast(d.bufferMinRecords()), Importance.LOW,
                BUFFER_MAX_RECORDS_DOC, batchingGroup, ++o, Width.SHORT, "Max buffered records");
        def.define(BUFFER_MAX_BYTES_CONFIG, Type.LONG, 64L * 1024 * 1024, Range.atLeast(d.bufferMinBytes()),
                Importance.LOW, BUFFER_MAX_BYTES_DOC, batchingGroup, ++o, Width.SHORT, "Max buffered bytes");
        o = 0;
        def.define(RETRY_MAX_DURATION_MS_CONFIG, Type.LONG, 300_000L, Range.between(0, 7_200_000), Importance.MEDIUM,
                "How long a record's delivery is retried (" + d.retried() + ") before the task fails; 300 s as the "
                        + "seed's Firehose retry duration. Failed attempts are logged as WARN (the first of a "
                        + "batch, then at most one per 30 s), and so is a give-up.",
                errorsGroup, ++o, Width.SHORT, "Retry duration (ms)");
        def.define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, Range.atLeast(1), Importance.LOW, RETRY_BACKOFF_MS_DOC,
                errorsGroup, ++o, Width.SHORT, "Retry backoff (ms)");
        def.define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                RETRY_BACKOFF_MAX_MS_DOC, errorsGroup, ++o, Width.SHORT, "Max retry backoff (ms)");
        return def;
    }

    /** The order in the errors group after the fragment's keys. */
    public static final int NEXT_ERRORS_ORDER = 4;

    public BatchingWriter.Limits limits() {
        return new BatchingWriter.Limits(config.getInt(BATCH_MAX_RECORDS_CONFIG), config.getInt(BATCH_MAX_BYTES_CONFIG),
                Duration.ofMillis(config.getLong(LINGER_MS_CONFIG)), config.getInt(MAX_IN_FLIGHT_CONFIG),
                config.getInt(BUFFER_MAX_RECORDS_CONFIG), config.getLong(BUFFER_MAX_BYTES_CONFIG));
    }

    public RetrySettings retry() {
        return new RetrySettings(config.getLong(RETRY_BACKOFF_MS_CONFIG), config.getLong(RETRY_BACKOFF_MAX_MS_CONFIG),
                config.getLong(RETRY_MAX_DURATION_MS_CONFIG), RETRY_MAX_DURATION_MS_CONFIG);
    }
}
