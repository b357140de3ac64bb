package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.AwsConfig;
import dev.forestwatch.connect.common.EnumSetting;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
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

    public static final String BEHAVIOR_ON_ERROR_CONFIG = "behavior.on.error";
    private static final String BEHAVIOR_ON_ERROR_DOC = "A record Firehose will never take (over 1,000 KiB with its "
            + "delimiter, or refused with a permanent error code): fail the task, report it to the dead-letter topic "
            + "(errors.deadletterqueue.topic.name with errors.tolerance=all), or ignore it (counted and logged).";

    // ignore has always logged each record it skips here, so it is the shared policy's warn (see behaviorOnError)
    private static final EnumSetting<OnRefusal> BEHAVIOR_ON_ERROR = EnumSetting.of(OnRefusal.class, OnRefusal.FAIL,
            OnRefusal.REPORT, OnRefusal.IGNORE);
    /** The values of behavior.on.error that skip a record, for messages. */
    public static final List<String> SKIP_CHOICES = List.of("ignore");

    private static final SendConfig.Defaults SEND_DEFAULTS = new SendConfig.Defaults("PutRecordBatch call",
            SERVICE_MAX_RECORDS, SERVICE_MAX_RECORDS, " (service limit 500)", SERVICE_MAX_BATCH_BYTES,
            SERVICE_MAX_RECORD_BYTES, SERVICE_MAX_BATCH_BYTES, " (service limit 4 MiB)", 500L, 60_000L, 4,
            SERVICE_MAX_RECORDS, SERVICE_MAX_BATCH_BYTES, "throttling, failed entries, service or network errors");

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
        SendConfig.addTo(def, GROUP_BATCHING, GROUP_ERRORS, SEND_DEFAULTS);
        order = SendConfig.NEXT_ERRORS_ORDER - 1;
        def.define(BEHAVIOR_ON_ERROR_CONFIG, Type.STRING, "fail", BEHAVIOR_ON_ERROR, Importance.MEDIUM,
                BEHAVIOR_ON_ERROR_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Behavior on error", BEHAVIOR_ON_ERROR);
        return def;
    }

    private final AwsConfig aws;
    private final SendConfig send;

    public FirehoseSinkConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
        this.aws = new AwsConfig(this);
        this.send = new SendConfig(this);
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
    public SendConfig send() {
        return send;
    }
    /** The policy for refused records; ignore is warn: each skipped record is logged by its coordinates. */
    public OnRefusal behaviorOnError() {
        final OnRefusal configured = BEHAVIOR_ON_ERROR.parse(getString(BEHAVIOR_ON_ERROR_CONFIG));
        return configured == OnRefusal.IGNORE ? OnRefusal.WARN : configured;
    }
    public String behaviorOnErrorName() {
        return getString(BEHAVIOR_ON_ERROR_CONFIG);
    }
    public byte[] delimiter() {
        return getString(RECORD_DELIMITER_CONFIG).replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t")
                .getBytes(StandardCharsets.UTF_8);
    }
}
