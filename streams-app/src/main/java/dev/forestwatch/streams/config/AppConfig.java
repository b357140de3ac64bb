package dev.forestwatch.streams.config;

import dev.forestwatch.streams.score.Detector;
import dev.forestwatch.streams.score.ExpectationReader;
import dev.forestwatch.streams.score.ForestCache;
import dev.forestwatch.streams.score.ModelSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * forestwatch's own settings. Every other key in the same properties file is handed to Kafka Streams
 * unchanged (see {@link #streamsProperties()}), so one file configures the whole app.
 *
 * <p>Longer than 400 lines on purpose: each setting is a key, a documentation string, a define and a getter, and
 * keeping them in one ConfigDef is what generates the one reference (docs/config/streams-app.md) users read.
 */
public final class AppConfig extends AbstractConfig {

    private static final String GROUP_TOPICS = "Topics";
    private static final String GROUP_INPUT = "Input";
    private static final String GROUP_FOREST = "Random Cut Forest";
    private static final String GROUP_THRESHOLD = "Anomaly grade";
    private static final String GROUP_STATE = "Model state";
    private static final String GROUP_ORDER = "Ordering per second";
    private static final String GROUP_ERRORS = "Errors";

    public static final String INPUT_TOPIC_CONFIG = "input.topic";
    public static final String INPUT_TOPIC_DEFAULT = "RawStreamData";
    private static final String INPUT_TOPIC_DOC = "Topic of JSON sensor readings, e.g. {\"iotName\":\"DemoSensor\",\"iotValue\":15}. Keys are ignored unless input.partitioned.by.sensor is true.";

    public static final String OUTPUT_TOPIC_CONFIG = "output.topic";
    public static final String OUTPUT_TOPIC_DEFAULT = "DESTINATION_SQL_STREAM";
    private static final String OUTPUT_TOPIC_DOC = "Topic of scored records (input fields plus ANOMALY_SCORE, ANOMALY_GRADE, isAnomaly, created, recordId). Keyed by sensor id and partitioned by second, so each second's records sit in one partition in descending ANOMALY_SCORE order.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "dead.letter.topic";
    public static final String DEAD_LETTER_TOPIC_DEFAULT = "forestwatch-dlq";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic that receives input the app cannot score, unchanged, with the reason and the source topic, partition and offset in forestwatch.error.* headers.";

    public static final String INPUT_PARTITIONED_BY_SENSOR_CONFIG = "input.partitioned.by.sensor";
    private static final String INPUT_PARTITIONED_BY_SENSOR_DOC = "Set true only when every input record is keyed by its sensor id as a UTF-8 string with the default partitioner (e.g. the Kinesis source with partition key = sensor id). The app then skips the repartition by sensor. If false (the default), records are re-keyed by sensor id through an internal topic, which is always correct.";

    public static final String SENSOR_ID_FIELD_CONFIG = "sensor.id.field";
    public static final String SENSOR_ID_FIELD_DEFAULT = "iotName";
    private static final String SENSOR_ID_FIELD_DOC = "JSON field naming the sensor (a string or an integer). Each sensor gets its own forest. A record without it goes to the dead-letter topic (missing-sensor-id), as does one whose id is longer than 256 UTF-8 bytes (sensor-id-too-long).";

    public static final String VALUE_FIELDS_CONFIG = "value.fields";
    private static final String VALUE_FIELDS_DOC = "JSON fields scored by the forest, in this order. Empty (the default) means every top-level numeric field except the sensor id, ordered by name, as RANDOM_CUT_FOREST used every numeric column. Each listed field must be a finite JSON number.";

    public static final String INPUT_MAX_BYTES_CONFIG = "input.max.bytes";
    private static final String INPUT_MAX_BYTES_DOC = "Largest input record accepted, in bytes (Kinesis' record limit is 1 MiB). Larger records go to the dead-letter topic.";

    public static final String DROP_REPLAYS_CONFIG = "input.drop.replays";
    private static final String DROP_REPLAYS_DOC = "Drop records an at-least-once source wrote again, recognized by the origin headers of record.id.headers (shard id, sequence number, sub-sequence number) together with the stream headers kinesis.stream and kinesis.stream.created: per input partition, stream and shard, a record inside the range of positions already passed is a replay (the Kinesis source re-reads from its last checkpoint after a crash). A position below that range cannot be a replay (e.g. a re-created stream without kinesis.stream.created): it passes, is counted as replay-position-resets and logged. Without this, a replayed record updates its sensor's forest twice. Records without those headers always pass.";
    public static final String RECORD_ID_HEADERS_CONFIG = "record.id.headers";
    public static final String RECORD_ID_HEADERS_DEFAULT = "kinesis.shard.id,kinesis.sequence.number,kinesis.subsequence.number";
    private static final String RECORD_ID_HEADERS_DOC = "Input headers that identify a record at its origin. When the first two are present (the Kinesis source adds shard id and sequence number), recordId is built from these headers' values, so a record re-read from Kinesis keeps its id; otherwise recordId is <topic>-<partition>-<offset> of the input record. Sinks use recordId as the document id.";

    public static final String DETECTOR_CONFIG = "detector";
    public static final String DETECTOR_DEFAULT = "kda";
    private static final String DETECTOR_DOC = "Detector preset per sensor. kda (the default) is RANDOM_CUT_FOREST as Kinesis Data Analytics ran it: ANOMALY_SCORE as the service computed it, ANOMALY_GRADE and isAnomaly from ThresholdedRandomCutForest (anomaly.threshold.lower, anomaly.z.factor). forestwatch adds ANOMALY_LIKELIHOOD in [0,1], comparable across sensors: a forest of the kda shape (its own fixed parameters; of the forest.* keys only forest.seed applies) whose 5-record mean score is set against the empirical distribution of the sensor's last 2,000 such means (an exponential tail beyond their 99th percentile), and, per field with a period evident in its last 2,000 values, the change against the same phase one period earlier ranked the same way (1.5 decades handicapped); of the larger, s = -log10(tail probability) and the likelihood is s / (s + 3), so 0.5 is 1 in 1,000; repeated alarms are damped for 500 records (always in the first 100), and a single score 10 interquartile ranges above the recent median is flagged at exactly 0.5. isAnomaly is ANOMALY_LIKELIHOOD >= 0.5 and ANOMALY_GRADE is the likelihood there (0 below). Its ANOMALY_SCORE is its own forest's score. Both are causal, deterministic and restored exactly. A sensor whose saved model was built by the other preset (or an earlier forestwatch layout) starts a new model.";
    public static final String FOREST_BOUNDING_BOX_CACHE_FRACTION_CONFIG = "forest.bounding.box.cache.fraction";
    private static final String FOREST_BOUNDING_BOX_CACHE_FRACTION_DOC = "Share of each tree's bounding boxes kept in memory (the library's boundingBoxCacheFraction). It changes memory and speed, never scores: at the service's defaults a warmed forest took 0.93 MB of heap at 1.0 and about 0.5 MB at 0.1 (measured here, scores identical). Applies to forests built after the change.";
    public static final String FOREST_TREES_CONFIG = "forest.trees";
    private static final String FOREST_TREES_DOC = "Trees per forest (RANDOM_CUT_FOREST numberOfTrees).";
    public static final String FOREST_SAMPLE_SIZE_CONFIG = "forest.sample.size";
    private static final String FOREST_SAMPLE_SIZE_DOC = "Points kept per tree (RANDOM_CUT_FOREST subSampleSize).";
    public static final String FOREST_TIME_DECAY_CONFIG = "forest.time.decay";
    private static final String FOREST_TIME_DECAY_DOC = "How many recent records the forest mostly remembers (RANDOM_CUT_FOREST timeDecay); the forest's lambda is 1/this. Must exceed forest.sample.size.";
    public static final String FOREST_SHINGLE_SIZE_CONFIG = "forest.shingle.size";
    private static final String FOREST_SHINGLE_SIZE_DOC = "Consecutive records of a sensor scored together as one point (RANDOM_CUT_FOREST shingleSize).";
    public static final String FOREST_OUTPUT_AFTER_CONFIG = "forest.output.after";
    private static final String FOREST_OUTPUT_AFTER_DOC = "Records a sensor's forest sees before it emits scores other than 0. -1 means forest.sample.size, as the service emitted 0 while warming.";
    public static final String FOREST_SEED_CONFIG = "forest.seed";
    private static final String FOREST_SEED_DOC = "Base random seed. Each sensor's forest is seeded from it and the sensor id, so a replay scores identically.";

    public static final String ANOMALY_LOWER_THRESHOLD_CONFIG = "anomaly.threshold.lower";
    private static final String ANOMALY_LOWER_THRESHOLD_DOC = "Scores below this are never graded anomalous (ThresholdedRandomCutForest lower threshold). On the seed's data normal scores stay below 1.4 and anomalies score above 2.9.";
    public static final String ANOMALY_Z_FACTOR_CONFIG = "anomaly.z.factor";
    private static final String ANOMALY_Z_FACTOR_DOC = "Standard deviations above the running mean score at which ThresholdedRandomCutForest grades a record anomalous.";
    public static final String EXPLANATION_ENABLED_CONFIG = "anomaly.explanation.enabled";
    private static final String EXPLANATION_ENABLED_DOC = "Add ANOMALY_EXPLANATION with each value field's ATTRIBUTION_SCORE, STRENGTH and DIRECTION, like RANDOM_CUT_FOREST_WITH_EXPLANATION. Costs about one more forest traversal per record.";

    public static final String CONFIDENCE_ENABLED_CONFIG = "anomaly.confidence.enabled";
    private static final String CONFIDENCE_ENABLED_DOC = "Add ANOMALY_CONFIDENCE in [0,1], ThresholdedRandomCutForest's data confidence: how much of the sensor's history backs the score, not how likely an anomaly is. 0 while the forest warms up, then about 1 - forest.output.after / records seen (0.75 after 1,000 records, 0.97 after 10,000 at the defaults), reaching 1 as the forest's memory (forest.time.decay) fills. Read from the forest's result, so it costs no measurable time.";
    public static final String EXPECTED_ENABLED_CONFIG = "anomaly.expected.enabled";
    private static final String EXPECTED_ENABLED_DOC = "Add EXPECTED_VALUE, LOWER_BAND and UPPER_BAND, each an object with one number per value field: the sensor's forest's forecast of the record from its earlier records only (every tree imputes the record's values from the previous forest.shingle.size - 1 records, or from nothing with shingle 1; the median and the 10th and 90th percentiles over the trees), computed before the record is learned, restored exactly like the score, absent while the forest warms up. With shingle 1 the band is the range of the sensor's typical recent values, not a calibrated interval (the trees' 10th to 90th percentiles): on the seed's data 65-80% of normal readings fall inside and no anomaly does. Imputing walks every tree branch that cuts a missing value (with shingle 1 every node), which took 3-11x the forest's own time per record here, so it is off by default.";

    public static final String CACHE_MAX_SENSORS_CONFIG = "forest.cache.max.sensors";
    private static final String CACHE_MAX_SENSORS_DOC = "Live forests kept in memory per stream task (a warmed 100-tree forest is about 1 MB of heap). The least recently used forest beyond this is written to the state store and dropped; its next record restores it exactly.";
    public static final String SNAPSHOT_INTERVAL_CONFIG = "forest.snapshot.interval.records";
    private static final String SNAPSHOT_INTERVAL_DOC = "A sensor's full forest is written to the state store after this many of its records; in between only each record's values are logged. Larger means less snapshot I/O but longer restores (replaying up to this many records).";

    public static final String STORE_TYPE_CONFIG = "store.type";
    public static final String STORE_TYPE_ROCKSDB = "rocksdb";
    public static final String STORE_TYPE_IN_MEMORY = "in-memory";
    private static final String STORE_TYPE_DOC = "Where the forest snapshots, value log and ordering buffer live. rocksdb (the default) keeps them on local disk and restores only what changed since the last checkpoint. in-memory keeps them on the heap (a snapshot is ~0.4-0.6 MB per sensor, on top of the live forest) and re-reads their changelogs on every start; it suits tests and small deployments.";

    public static final String ORDER_TIME_CONFIG = "order.time";
    public static final String ORDER_TIME_INGEST = "ingest";
    public static final String ORDER_TIME_EVENT = "event";
    private static final String ORDER_TIME_DOC = "The ROWTIME that seconds are cut from (created is its second). "
            + "ingest (the default): the time the record entered the input topic, i.e. its Kafka timestamp with message.timestamp.type=LogAppendTime, held non-decreasing per input partition, as Kinesis Data Analytics' ROWTIME was the time a row entered the in-application stream. It never goes backwards, so every second comes out as one block, also through backlogs, restarts and failovers. "
            + "event: the source's arrival time (the input.arrival.time.header header, else the Kafka timestamp), which can go backwards across shards; records later than order.grace.ms are emitted on their own with header forestwatch.late=true.";
    public static final String INPUT_ARRIVAL_TIME_HEADER_CONFIG = "input.arrival.time.header";
    private static final String INPUT_ARRIVAL_TIME_HEADER_DOC = "Input header holding the time the record reached its origin, in epoch milliseconds as a decimal string (the Kinesis source writes ApproximateArrivalTimestamp there). It becomes the output field APPROXIMATE_ARRIVAL_TIME and the order time of order.time=event. Records without it use their Kafka timestamp.";
    public static final String ORDER_GRACE_MS_CONFIG = "order.grace.ms";
    private static final String ORDER_GRACE_MS_DOC = "A second is emitted, in descending score order, once every scoring task has scored past its end plus this much (in ROWTIME). Empty (the default) means 0 with order.time=ingest, where times never go backwards and no grace is needed, and 1000 with order.time=event, where the grace absorbs records that reach a task out of timestamp order; there a record arriving after its second was emitted is emitted at once, on its own, with header forestwatch.late=true.";
    public static final String ORDER_IDLE_FLUSH_MS_CONFIG = "order.idle.flush.ms";
    private static final String ORDER_IDLE_FLUSH_MS_DOC = "Wall-clock time without input after which a scoring task stops holding back the emission of seconds, so output does not stall when input stops or a partition stays empty.";
    public static final String ORDER_WATERMARK_INTERVAL_MS_CONFIG = "order.watermark.interval.ms";
    private static final String ORDER_WATERMARK_INTERVAL_MS_DOC = "How often each scoring task tells every ordering task how far it has scored. Adds at most this much to the output latency; each tick writes one small record per by-second partition.";
    public static final String ORDER_MAX_WAIT_MS_CONFIG = "order.max.wait.ms";
    private static final String ORDER_MAX_WAIT_MS_DOC = "Wall-clock time the ordering step waits for a scoring task that has gone silent (its instance died or is restoring) before emitting without it. Its records for seconds emitted meanwhile come out late, on their own. Larger keeps order through longer failovers; smaller bounds latency.";

    public static final String OUTPUT_MAX_MESSAGE_BYTES_CONFIG = "output.topic.max.message.bytes";
    private static final String OUTPUT_MAX_MESSAGE_BYTES_DOC = "Largest record the output topic accepts (its max.message.bytes). 0 (the default) means look it up at start. A scored record larger than this goes to the dead-letter topic as output-too-large instead of failing the app.";
    public static final String DEAD_LETTER_MAX_MESSAGE_BYTES_CONFIG = "dead.letter.topic.max.message.bytes";
    private static final String DEAD_LETTER_MAX_MESSAGE_BYTES_DOC = "Largest record the dead-letter topic accepts (its max.message.bytes). 0 (the default) means look it up at start. A dead letter whose value would not fit is written without its value, with header forestwatch.error.value.omitted = its size; the forestwatch.error.topic/partition/offset headers still point at the original.";
    public static final String INPUT_PARTITIONS_CONFIG = "input.partitions";
    private static final String INPUT_PARTITIONS_DOC = "Partitions of the input topic. 0 (the default) means look it up at start. The ordering step waits until as many parsing and scoring tasks as this have reported progress, so that none is forgotten on a fresh start with a backlog.";

    public static final String ORDER_PARTITIONS_CONFIG = "order.partitions";
    private static final String ORDER_PARTITIONS_DOC = "Partitions of the internal by-second topic. 0 (the default) means as many as the output topic has, looked up at start: then each output partition is written by exactly one ordering task, so within a partition every second is one block, seconds ascend and scores descend.";

    public static final String THREAD_REPLACEMENTS_MAX_CONFIG = "errors.thread.replacements.max";
    private static final String THREAD_REPLACEMENTS_MAX_DOC = "A stream thread that dies of an unexpected error is replaced up to this many times per hour; past that the app shuts down rather than loop.";

    private static final String GROUP_LIMITS = "Limits and retention";

    public static final String INPUT_MAX_FIELDS_CONFIG = "input.max.fields";
    public static final int INPUT_MAX_FIELDS_DEFAULT = 30;
    private static final String INPUT_MAX_FIELDS_DOC = "Most value fields (forest dimensions) a record may have, as RANDOM_CUT_FOREST used at most 30 numeric columns. With value.fields empty a record with more numeric fields goes to the dead-letter topic (too-many-fields); a forest's memory grows with its dimensions. Numeric field names longer than 256 UTF-8 bytes are refused too (field-name-too-long).";
    public static final String FOREST_IDLE_TTL_MS_CONFIG = "forest.idle.ttl.ms";
    public static final long FOREST_IDLE_TTL_MS_DEFAULT = 7L * 24 * 60 * 60 * 1000;
    private static final String FOREST_IDLE_TTL_MS_DOC = "A sensor without records for this long, in record time (the scoring task's stream time), is forgotten: its forest snapshot, value log and live forest are deleted, and a later record starts a new forest that warms up again. Checked in slices of sensors as stream time advances. 0 keeps every sensor forever.";
    public static final String FOREST_MAX_SENSORS_PER_TASK_CONFIG = "forest.max.sensors.per.task";
    public static final int FOREST_MAX_SENSORS_PER_TASK_DEFAULT = 100_000;
    private static final String FOREST_MAX_SENSORS_PER_TASK_DOC = "Most sensors whose forests a stream task keeps in its state stores (each snapshot is ~0.4-0.6 MB). A record of a new sensor beyond this goes to the dead-letter topic (too-many-sensors) until forest.idle.ttl.ms frees room.";

    private static final String GROUP_METRICS = "Metrics";

    public static final String METRICS_PROMETHEUS_PORT_CONFIG = "metrics.prometheus.port";
    private static final String METRICS_PROMETHEUS_PORT_DOC = "Port of the Prometheus endpoint (GET /metrics, text format): forestwatch's counters (scored, dead letters by reason, late, delayed, restores, evictions, snapshots and their bytes, live forests, emission lag) and every numeric Kafka Streams metric, read when scraped, so nothing is added to the record path. 0 (the default) serves none; ./forestwatch up and docker-compose.yml turn it on.";
    public static final String METRICS_PROMETHEUS_HOST_CONFIG = "metrics.prometheus.host";
    private static final String METRICS_PROMETHEUS_HOST_DOC = "Address the Prometheus endpoint binds to. 127.0.0.1 (the default) serves this host only; 0.0.0.0 serves every interface, as a container needs.";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static void addLimitsConfigs(final ConfigDef def) {
        int order = 0;
        def.define(INPUT_MAX_FIELDS_CONFIG, Type.INT, INPUT_MAX_FIELDS_DEFAULT, Range.between(1, 100), Importance.LOW,
                INPUT_MAX_FIELDS_DOC, GROUP_LIMITS, ++order, Width.SHORT, "Max value fields");
        def.define(FOREST_IDLE_TTL_MS_CONFIG, Type.LONG, FOREST_IDLE_TTL_MS_DEFAULT, Range.atLeast(0),
                Importance.MEDIUM, FOREST_IDLE_TTL_MS_DOC, GROUP_LIMITS, ++order, Width.SHORT, "Idle sensor TTL (ms)");
        def.define(FOREST_MAX_SENSORS_PER_TASK_CONFIG, Type.INT, FOREST_MAX_SENSORS_PER_TASK_DEFAULT,
                Range.atLeast(1), Importance.MEDIUM, FOREST_MAX_SENSORS_PER_TASK_DOC, GROUP_LIMITS, ++order,
                Width.SHORT, "Max sensors per task");
    }

    private static void addMetricsConfigs(final ConfigDef def) {
        int order = 0;
        def.define(METRICS_PROMETHEUS_PORT_CONFIG, Type.INT, 0, Range.between(0, 65535), Importance.LOW,
                METRICS_PROMETHEUS_PORT_DOC, GROUP_METRICS, ++order, Width.SHORT, "Prometheus port");
        def.define(METRICS_PROMETHEUS_HOST_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(),
                Importance.LOW, METRICS_PROMETHEUS_HOST_DOC, GROUP_METRICS, ++order, Width.MEDIUM, "Prometheus host");
    }

    public int metricsPrometheusPort() {
        return getInt(METRICS_PROMETHEUS_PORT_CONFIG);
    }

    public String metricsPrometheusHost() {
        return getString(METRICS_PROMETHEUS_HOST_CONFIG);
    }

    public int inputMaxFields() {
        return getInt(INPUT_MAX_FIELDS_CONFIG);
    }

    private static ConfigDef configDef() {
        final ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(INPUT_TOPIC_CONFIG, Type.STRING, INPUT_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                INPUT_TOPIC_DOC, GROUP_TOPICS, ++order, Width.MEDIUM, "Input topic");
        def.define(OUTPUT_TOPIC_CONFIG, Type.STRING, OUTPUT_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                OUTPUT_TOPIC_DOC, GROUP_TOPICS, ++order, Width.MEDIUM, "Output topic");
        def.define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, DEAD_LETTER_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, DEAD_LETTER_TOPIC_DOC, GROUP_TOPICS, ++order, Width.MEDIUM, "Dead-letter topic");
        def.define(INPUT_PARTITIONED_BY_SENSOR_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                INPUT_PARTITIONED_BY_SENSOR_DOC, GROUP_TOPICS, ++order, Width.SHORT, "Input keyed by sensor");
        def.define(OUTPUT_MAX_MESSAGE_BYTES_CONFIG, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                OUTPUT_MAX_MESSAGE_BYTES_DOC, GROUP_TOPICS, ++order, Width.SHORT, "Output topic max message bytes");
        def.define(DEAD_LETTER_MAX_MESSAGE_BYTES_CONFIG, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                DEAD_LETTER_MAX_MESSAGE_BYTES_DOC, GROUP_TOPICS, ++order, Width.SHORT,
                "Dead-letter topic max message bytes");
        order = 0;
        def.define(SENSOR_ID_FIELD_CONFIG, Type.STRING, SENSOR_ID_FIELD_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, SENSOR_ID_FIELD_DOC, GROUP_INPUT, ++order, Width.MEDIUM, "Sensor id field");
        def.define(VALUE_FIELDS_CONFIG, Type.LIST, "", Importance.HIGH, VALUE_FIELDS_DOC, GROUP_INPUT, ++order,
                Width.LONG, "Value fields");
        def.define(INPUT_MAX_BYTES_CONFIG, Type.INT, 1024 * 1024, Range.between(16, 8 * 1024 * 1024), Importance.LOW,
                INPUT_MAX_BYTES_DOC, GROUP_INPUT, ++order, Width.SHORT, "Max input record bytes");
        def.define(RECORD_ID_HEADERS_CONFIG, Type.LIST, RECORD_ID_HEADERS_DEFAULT, Importance.LOW,
                RECORD_ID_HEADERS_DOC, GROUP_INPUT, ++order, Width.LONG, "Record id headers");
        def.define(DROP_REPLAYS_CONFIG, Type.BOOLEAN, true, Importance.LOW, DROP_REPLAYS_DOC, GROUP_INPUT, ++order,
                Width.SHORT, "Drop replays");
        def.define(INPUT_ARRIVAL_TIME_HEADER_CONFIG, Type.STRING, "kinesis.approximate.arrival.timestamp",
                Importance.LOW, INPUT_ARRIVAL_TIME_HEADER_DOC, GROUP_INPUT, ++order, Width.MEDIUM,
                "Arrival time header");
        order = 0;
        def.define(DETECTOR_CONFIG, Type.STRING, DETECTOR_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in(Detector.configNames()),
                Importance.HIGH, DETECTOR_DOC, GROUP_FOREST, ++order, Width.SHORT, "Detector preset");
        def.define(FOREST_TREES_CONFIG, Type.INT, 100, Range.between(1, 1000), Importance.MEDIUM, FOREST_TREES_DOC,
                GROUP_FOREST, ++order, Width.SHORT, "Trees");
        def.define(FOREST_SAMPLE_SIZE_CONFIG, Type.INT, 256, Range.between(10, 1000), Importance.MEDIUM,
                FOREST_SAMPLE_SIZE_DOC, GROUP_FOREST, ++order, Width.SHORT, "Sample size");
        def.define(FOREST_TIME_DECAY_CONFIG, Type.LONG, 100_000L, Range.atLeast(11), Importance.MEDIUM,
                FOREST_TIME_DECAY_DOC, GROUP_FOREST, ++order, Width.SHORT, "Time decay");
        def.define(FOREST_SHINGLE_SIZE_CONFIG, Type.INT, 1, Range.between(1, 30), Importance.MEDIUM,
                FOREST_SHINGLE_SIZE_DOC, GROUP_FOREST, ++order, Width.SHORT, "Shingle size");
        def.define(FOREST_OUTPUT_AFTER_CONFIG, Type.INT, -1, Range.atLeast(-1), Importance.LOW,
                FOREST_OUTPUT_AFTER_DOC, GROUP_FOREST, ++order, Width.SHORT, "Output after");
        def.define(FOREST_SEED_CONFIG, Type.LONG, 42L, Importance.LOW, FOREST_SEED_DOC, GROUP_FOREST, ++order,
                Width.SHORT, "Seed");
        def.define(FOREST_BOUNDING_BOX_CACHE_FRACTION_CONFIG, Type.DOUBLE, 1.0, Range.between(0.0, 1.0),
                Importance.LOW, FOREST_BOUNDING_BOX_CACHE_FRACTION_DOC, GROUP_FOREST, ++order, Width.SHORT,
                "Bounding box cache fraction");
        order = 0;
        def.define(ANOMALY_LOWER_THRESHOLD_CONFIG, Type.DOUBLE, 1.5, Range.atLeast(0.0), Importance.MEDIUM,
                ANOMALY_LOWER_THRESHOLD_DOC, GROUP_THRESHOLD, ++order, Width.SHORT, "Lower threshold");
        def.define(ANOMALY_Z_FACTOR_CONFIG, Type.DOUBLE, 3.0, Range.atLeast(1.0), Importance.LOW,
                ANOMALY_Z_FACTOR_DOC, GROUP_THRESHOLD, ++order, Width.SHORT, "Z factor");
        def.define(EXPLANATION_ENABLED_CONFIG, Type.BOOLEAN, false, Importance.LOW, EXPLANATION_ENABLED_DOC,
                GROUP_THRESHOLD, ++order, Width.SHORT, "Explanation");
        def.define(CONFIDENCE_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.LOW, CONFIDENCE_ENABLED_DOC,
                GROUP_THRESHOLD, ++order, Width.SHORT, "Confidence");
        def.define(EXPECTED_ENABLED_CONFIG, Type.BOOLEAN, false, Importance.LOW, EXPECTED_ENABLED_DOC,
                GROUP_THRESHOLD, ++order, Width.SHORT, "Expected value and band");
        order = 0;
        def.define(CACHE_MAX_SENSORS_CONFIG, Type.INT, 1000, Range.atLeast(1), Importance.MEDIUM,
                CACHE_MAX_SENSORS_DOC, GROUP_STATE, ++order, Width.SHORT, "Live forests per task");
        def.define(SNAPSHOT_INTERVAL_CONFIG, Type.INT, 1000, Range.between(1, 1_000_000), Importance.LOW,
                SNAPSHOT_INTERVAL_DOC, GROUP_STATE, ++order, Width.SHORT, "Snapshot interval");
        def.define(STORE_TYPE_CONFIG, Type.STRING, STORE_TYPE_ROCKSDB,
                ConfigDef.ValidString.in(STORE_TYPE_ROCKSDB, STORE_TYPE_IN_MEMORY), Importance.LOW, STORE_TYPE_DOC,
                GROUP_STATE, ++order, Width.SHORT, "Store type");
        order = 0;
        def.define(ORDER_TIME_CONFIG, Type.STRING, ORDER_TIME_INGEST,
                ConfigDef.ValidString.in(ORDER_TIME_INGEST, ORDER_TIME_EVENT), Importance.MEDIUM, ORDER_TIME_DOC,
                GROUP_ORDER, ++order, Width.SHORT, "Order time");
        def.define(ORDER_GRACE_MS_CONFIG, Type.LONG, null, new ConfigDef.Validator() {
            @Override
            public void ensureValid(final String name, final Object value) {
                if (value != null && (Long) value < 0) {
                    throw new ConfigException(name, value, "must be at least 0");
                }
            }

            @Override
            public String toString() {
                return "empty or [0,...]";
            }
        }, Importance.MEDIUM, ORDER_GRACE_MS_DOC, GROUP_ORDER, ++order, Width.SHORT, "Grace (ms)");
        def.define(ORDER_IDLE_FLUSH_MS_CONFIG, Type.LONG, 2000L, Range.atLeast(1), Importance.LOW,
                ORDER_IDLE_FLUSH_MS_DOC, GROUP_ORDER, ++order, Width.SHORT, "Idle flush (ms)");
        def.define(ORDER_WATERMARK_INTERVAL_MS_CONFIG, Type.LONG, 500L, Range.between(10, 60_000), Importance.LOW,
                ORDER_WATERMARK_INTERVAL_MS_DOC, GROUP_ORDER, ++order, Width.SHORT, "Watermark interval (ms)");
        def.define(ORDER_MAX_WAIT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                ORDER_MAX_WAIT_MS_DOC, GROUP_ORDER, ++order, Width.SHORT, "Max wait for a silent task (ms)");
        def.define(INPUT_PARTITIONS_CONFIG, Type.INT, 0, Range.atLeast(0), Importance.LOW, INPUT_PARTITIONS_DOC,
                GROUP_ORDER, ++order, Width.SHORT, "Input partitions");
        def.define(ORDER_PARTITIONS_CONFIG, Type.INT, 0, Range.atLeast(0), Importance.LOW, ORDER_PARTITIONS_DOC,
                GROUP_ORDER, ++order, Width.SHORT, "By-second partitions");
        order = 0;
        def.define(THREAD_REPLACEMENTS_MAX_CONFIG, Type.INT, 5, Range.atLeast(0), Importance.LOW,
                THREAD_REPLACEMENTS_MAX_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Thread replacements per hour");
        addLimitsConfigs(def);
        addMetricsConfigs(def);
        return def;
    }

    private final Map<String, Object> streamsOverrides;
    private final Map<?, ?> originalProps;

    public AppConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
        this.originalProps = Map.copyOf(props);
        this.streamsOverrides = new HashMap<>();
        props.forEach((k, v) -> {
            if (!CONFIG_DEF.names().contains(String.valueOf(k))) {
                streamsOverrides.put(String.valueOf(k), v);
            }
        });
        validateCombinations();
    }

    /** The same settings with some replaced, e.g. a value looked up at start. */
    public AppConfig with(final String key, final Object value) {
        final Map<Object, Object> m = new HashMap<>(originalProps);
        m.put(key, value);
        return new AppConfig(m);
    }

    private void validateCombinations() {
        if (forestTimeDecay() <= forestSampleSize()) {
            throw new ConfigException(FOREST_TIME_DECAY_CONFIG, forestTimeDecay(),
                    "must be greater than " + FOREST_SAMPLE_SIZE_CONFIG + " (" + forestSampleSize() + ")");
        }
        if (valueFields().contains(sensorIdField())) {
            throw new ConfigException(VALUE_FIELDS_CONFIG, valueFields(),
                    "must not contain the sensor id field '" + sensorIdField() + "' (" + SENSOR_ID_FIELD_CONFIG + ")");
        }
        if (recordIdHeaders().size() == 1) {
            throw new ConfigException(RECORD_ID_HEADERS_CONFIG, recordIdHeaders(),
                    "needs at least two headers (e.g. shard id and sequence number) or none");
        }
        if (inputTopic().equals(outputTopic()) || inputTopic().equals(deadLetterTopic())) {
            throw new ConfigException(INPUT_TOPIC_CONFIG, inputTopic(),
                    "must differ from " + OUTPUT_TOPIC_CONFIG + " and " + DEAD_LETTER_TOPIC_CONFIG);
        }
    }

    public String inputTopic() {
        return getString(INPUT_TOPIC_CONFIG);
    }
    public String outputTopic() {
        return getString(OUTPUT_TOPIC_CONFIG);
    }
    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG);
    }
    public boolean inputPartitionedBySensor() {
        return getBoolean(INPUT_PARTITIONED_BY_SENSOR_CONFIG);
    }
    public String sensorIdField() {
        return getString(SENSOR_ID_FIELD_CONFIG);
    }
    public List<String> valueFields() {
        return getList(VALUE_FIELDS_CONFIG);
    }
    public int inputMaxBytes() {
        return getInt(INPUT_MAX_BYTES_CONFIG);
    }
    public List<String> recordIdHeaders() {
        return getList(RECORD_ID_HEADERS_CONFIG);
    }
    public boolean dropReplays() {
        return getBoolean(DROP_REPLAYS_CONFIG);
    }
    public Detector detector() {
        return Detector.fromConfig(getString(DETECTOR_CONFIG));
    }

    /** The forest parameters every sensor's model is built with. */
    public ModelSettings modelSettings() {
        return new ModelSettings(getInt(FOREST_TREES_CONFIG), forestSampleSize(), forestTimeDecay(),
                getInt(FOREST_SHINGLE_SIZE_CONFIG), forestOutputAfter(), getLong(FOREST_SEED_CONFIG),
                getDouble(ANOMALY_LOWER_THRESHOLD_CONFIG), getDouble(ANOMALY_Z_FACTOR_CONFIG),
                getBoolean(EXPLANATION_ENABLED_CONFIG), detector(),
                getDouble(FOREST_BOUNDING_BOX_CACHE_FRACTION_CONFIG));
    }

    /** Every sensor's model, how many forests a task keeps in memory, snapshot cadence and retention. */
    public ForestCache.Settings forestCache() {
        return new ForestCache.Settings(modelSettings(), getInt(CACHE_MAX_SENSORS_CONFIG),
                getInt(SNAPSHOT_INTERVAL_CONFIG),
                new ForestCache.Retention(getLong(FOREST_IDLE_TTL_MS_CONFIG),
                        getInt(FOREST_MAX_SENSORS_PER_TASK_CONFIG)));
    }

    /** Which of the forest's expectations (confidence, expected value and band) each output record carries. */
    public ExpectationReader expectationReader() {
        return new ExpectationReader(getBoolean(CONFIDENCE_ENABLED_CONFIG), getBoolean(EXPECTED_ENABLED_CONFIG));
    }
    private int forestSampleSize() {
        return getInt(FOREST_SAMPLE_SIZE_CONFIG);
    }
    private long forestTimeDecay() {
        return getLong(FOREST_TIME_DECAY_CONFIG);
    }
    public boolean inMemoryStores() {
        return STORE_TYPE_IN_MEMORY.equals(getString(STORE_TYPE_CONFIG));
    }
    public boolean orderByIngestTime() {
        return ORDER_TIME_INGEST.equals(getString(ORDER_TIME_CONFIG));
    }
    public String arrivalTimeHeader() {
        return getString(INPUT_ARRIVAL_TIME_HEADER_CONFIG);
    }

    public long orderGraceMs() {
        final Long configured = getLong(ORDER_GRACE_MS_CONFIG);
        if (configured != null) {
            return configured;
        }
        return orderByIngestTime() ? 0L : 1000L;
    }
    public long orderIdleFlushMs() {
        return getLong(ORDER_IDLE_FLUSH_MS_CONFIG);
    }
    public long orderWatermarkIntervalMs() {
        return getLong(ORDER_WATERMARK_INTERVAL_MS_CONFIG);
    }
    public long orderMaxWaitMs() {
        return getLong(ORDER_MAX_WAIT_MS_CONFIG);
    }
    public int inputPartitions() {
        return getInt(INPUT_PARTITIONS_CONFIG);
    }
    public int outputMaxMessageBytes() {
        return getInt(OUTPUT_MAX_MESSAGE_BYTES_CONFIG);
    }
    public int deadLetterMaxMessageBytes() {
        return getInt(DEAD_LETTER_MAX_MESSAGE_BYTES_CONFIG);
    }
    public int orderPartitions() {
        return getInt(ORDER_PARTITIONS_CONFIG);
    }
    public int threadReplacementsMax() {
        return getInt(THREAD_REPLACEMENTS_MAX_CONFIG);
    }

    private int forestOutputAfter() {
        final int configured = getInt(FOREST_OUTPUT_AFTER_CONFIG);
        return configured < 0 ? forestSampleSize() : configured;
    }

    /**
     * Kafka Streams settings: forestwatch's safe defaults, overridden by any non-forestwatch key of the file.
     * Exactly-once is the default because a forest is only exact if every record updates it exactly once.
     */
    public Properties streamsProperties() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "forestwatch");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                dev.forestwatch.streams.errors.InternalTopicDeserializationHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                dev.forestwatch.streams.errors.LoggingProductionExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler.class.getName());
        // a record with a broken timestamp takes its partition's time instead of failing the app
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp.class.getName());
        // Forest snapshots are ~0.4-0.6 MB; the default 1 MB request limit leaves too little headroom.
        p.put(StreamsConfig.producerPrefix("max.request.size"), 16 * 1024 * 1024);
        // repartition topics carry a reading (by sensor) or its output (by second), both somewhat larger than the
        // input record: with the broker's 1 MiB default an input near input.max.bytes could never pass them
        p.put(StreamsConfig.topicPrefix("max.message.bytes"), Integer.toString(16 * 1024 * 1024));
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        p.putAll(streamsOverrides);
        return p;
    }
}
