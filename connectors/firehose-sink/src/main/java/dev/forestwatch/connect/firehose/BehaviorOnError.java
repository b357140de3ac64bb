package dev.forestwatch.connect.firehose;

import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;

/** What to do with a record Firehose will never take (too large, or refused with a permanent error). */
public enum BehaviorOnError {
    /** Stop the task: nothing is skipped silently. */
    FAIL,
    /** Send it to the errant record reporter (the connector's dead-letter topic) with the reason, and go on. */
    REPORT,
    /** Skip it, count it, log a warning, and go on. */
    IGNORE;

    public static final ConfigDef.Validator VALIDATOR = ConfigDef.ValidString.in(
            Arrays.stream(values()).map(BehaviorOnError::toString).toArray(String[]::new));

    public static BehaviorOnError of(final String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
