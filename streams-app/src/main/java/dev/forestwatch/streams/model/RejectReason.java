package dev.forestwatch.streams.model;

import java.util.Locale;

/** Why an input record cannot be scored. The name (lowercase, dashed) is the dead-letter reason header. */
public enum RejectReason {
    EMPTY, OVERSIZED, MALFORMED_JSON, NOT_AN_OBJECT, MISSING_SENSOR_ID,
    /** The sensor id is longer than the parser's limit: it keys every stored and output record of its sensor. */
    SENSOR_ID_TOO_LONG, MISSING_VALUE, NON_NUMERIC_VALUE, NON_FINITE_VALUE, NO_NUMERIC_FIELDS, DIMENSION_MISMATCH,
    /** Finite as a double but beyond float range, where the forest computes: it broke the forest. */
    VALUE_OUT_OF_RANGE, TOO_MANY_FIELDS, FIELD_NAME_TOO_LONG,
    /** The forest scored the record NaN or infinite; it is not learned, so the forest stays usable. */
    NON_FINITE_SCORE,
    /** The sensor's model threw; the record is not learned and the model is rebuilt from its stores. */
    MODEL_FAILURE, TOO_MANY_SENSORS,
    /** Scored (and learned), but its output record is larger than the output topic accepts. */
    OUTPUT_TOO_LARGE;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
