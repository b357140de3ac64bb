package dev.forestwatch.streams.model;

import java.util.Locale;

/** Why an input record cannot be scored. The name (lowercase, dashed) is the dead-letter reason header. */
public enum RejectReason {
    EMPTY,
    OVERSIZED,
    MALFORMED_JSON,
    NOT_AN_OBJECT,
    MISSING_SENSOR_ID,
    MISSING_VALUE,
    NON_NUMERIC_VALUE,
    NON_FINITE_VALUE,
    NO_NUMERIC_FIELDS,
    DIMENSION_MISMATCH;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
