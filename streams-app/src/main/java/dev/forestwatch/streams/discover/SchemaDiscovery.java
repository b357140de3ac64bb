package dev.forestwatch.streams.discover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.streams.config.AppConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Infers the app's input settings from a sample of records, as Kinesis Data Analytics' console discovered a schema:
 * each top-level field's type, nulls, values of another type and examples; the suggested {@code sensor.id.field}
 * and {@code value.fields}; and warnings about what the app would dead-letter or what adds nothing to a forest.
 */
public final class SchemaDiscovery {

    /** Names that suggest an id, preferred among the candidates. */
    private static final Pattern ID_NAME = Pattern.compile("(?i).*(id|name|sensor|device|thing|key)$");
    /** Names that suggest a time; with epoch-sized values such a field is a clock, not a reading. */
    private static final Pattern TIME_NAME = Pattern.compile("(?i).*(time|timestamp|date|ts|epoch)$");
    private static final double EPOCH_SECONDS_2001 = 1e9;

    private final Map<String, FieldProfile> fields = new TreeMap<>();
    private long records;
    private long notObjects;

    /** Adds one record; anything but a JSON object counts as not an object, as the app would dead-letter it. */
    public void add(final JsonNode record) {
        if (record == null || !record.isObject()) {
            notObjects++;
            return;
        }
        records++;
        for (final Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext();) {
            final Map.Entry<String, JsonNode> e = it.next();
            fields.computeIfAbsent(e.getKey(), FieldProfile::new).add(e.getValue());
        }
    }

    /** A record that could not be parsed at all (malformed JSON, a CSV row of the wrong width). */
    public void addInvalid() {
        notObjects++;
    }

    /** What the sample says, for an app with this {@code input.max.fields}. */
    public Result result(final int maxFields) {
        final List<String> warnings = new ArrayList<>();
        if (notObjects > 0) {
            warnings.add(String.format(Locale.ROOT, "%,d of %,d records are not JSON objects (or not parsable): "
                    + "the app sends such records to the dead-letter topic", notObjects, records + notObjects));
        }
        final Optional<FieldProfile> id = sensorId();
        final List<String> values = new ArrayList<>();
        for (final FieldProfile f : fields.values()) {
            if (id.isPresent() && id.get() == f) {
                if (f.distinct() == 1 && records > 1) {
                    warnings.add("the sensor id field " + f.name() + " has one value in the sample: one sensor, "
                            + "one forest");
                }
                continue;
            }
            if (f.numbers() > 0 && f.strings() > 0) {
                warnings.add(String.format(Locale.ROOT, "%s is sometimes a string: a number in %,d records, a "
                        + "string in %,d (%,d of them a number in quotes); the app dead-letters the strings as "
                        + "non-numeric-value", f.name(), f.numbers(), f.strings(), f.numericStrings()));
            }
            if (!f.numeric()) {
                if (f.constant()) {
                    warnings.add(f.name() + " is constant (" + f.examples().get(0) + ") in the sample");
                }
                continue;
            }
            if (f.constant()) {
                warnings.add(f.name() + " is constant (" + f.examples().get(0) + ") in the sample: left out of "
                        + AppConfig.VALUE_FIELDS_CONFIG + ", a constant dimension tells a forest nothing");
            } else if (TIME_NAME.matcher(f.name()).matches() && f.min() >= EPOCH_SECONDS_2001) {
                warnings.add(f.name() + " looks like a clock (epoch values): left out of "
                        + AppConfig.VALUE_FIELDS_CONFIG + ", as a forest would find every new time unusual");
            } else {
                values.add(f.name());
                final long missing = f.nullOrMissing(records);
                if (missing > 0) {
                    warnings.add(String.format(Locale.ROOT, "%s is null or missing in %,d records: with it in %s "
                            + "they go to the dead-letter topic as missing-value", f.name(), missing,
                            AppConfig.VALUE_FIELDS_CONFIG));
                }
            }
        }
        final long numeric = fields.values().stream().filter(f -> f.numeric() && !(id.isPresent() && id.get() == f))
                .count();
        if (numeric > maxFields) {
            warnings.add(String.format(Locale.ROOT, "%d numeric fields, more than %s=%d: with %s empty every record "
                    + "would go to the dead-letter topic as too-many-fields; the suggestion keeps the first %d by "
                    + "name, choose yours", numeric, AppConfig.INPUT_MAX_FIELDS_CONFIG, maxFields,
                    AppConfig.VALUE_FIELDS_CONFIG, maxFields));
        }
        final List<String> kept = values.size() > maxFields ? values.subList(0, maxFields) : values;
        if (kept.isEmpty()) {
            warnings.add("no numeric field to score: the app needs at least one (no-numeric-fields)");
        }
        if (id.isEmpty() && records > 0) {
            warnings.add("no string field fits " + AppConfig.SENSOR_ID_FIELD_CONFIG + " (in every record, at most "
                    + "one distinct value per two records): the streams app needs one in each record; the offline "
                    + "scorer (score) treats such a file as one sensor");
        }
        return new Result(records, notObjects, List.copyOf(fields.values()), id.map(FieldProfile::name),
                List.copyOf(kept), List.copyOf(warnings));
    }

    /**
     * A string field in every record with moderate cardinality: at most one distinct value per two records, so
     * each sensor is seen more than once (a per-record id or a time is unique), preferring id-like names.
     */
    private Optional<FieldProfile> sensorId() {
        return fields.values().stream()
                .filter(f -> f.type().equals("string") && f.invalid() == 0 && f.present() == records
                        && f.numericStrings() < f.strings() && !f.manyDistinct()
                        && f.distinct() <= Math.max(1, records / 2))
                .min(Comparator.comparing((FieldProfile f) -> !ID_NAME.matcher(f.name()).matches())
                        .thenComparing(FieldProfile::distinct, Comparator.reverseOrder())
                        .thenComparing(FieldProfile::name));
    }

    /** The inferred fields and settings. */
    public record Result(long records, long notObjects, List<FieldProfile> fields, Optional<String> sensorIdField,
            List<String> valueFields, List<String> warnings) {

        /** The app settings the sample suggests, in the order a properties file lists them. */
        public Map<String, String> settings() {
            final Map<String, String> s = new LinkedHashMap<>();
            sensorIdField.ifPresent(f -> s.put(AppConfig.SENSOR_ID_FIELD_CONFIG, f));
            s.put(AppConfig.VALUE_FIELDS_CONFIG, String.join(",", valueFields));
            return s;
        }
    }
}
