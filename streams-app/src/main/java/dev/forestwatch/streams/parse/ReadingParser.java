package dev.forestwatch.streams.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.RejectReason;
import dev.forestwatch.streams.model.Rejected;
import dev.forestwatch.streams.model.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one input record into a {@link Reading} or says precisely why it cannot be scored. Never throws for bad
 * input: everything it refuses becomes a {@link Rejected} for the dead-letter topic.
 */
public final class ReadingParser {

    /**
     * Strict JSON: no trailing garbage, no NaN tokens (Jackson's default), exact big numbers not needed, and no
     * duplicate keys: parsers disagree on which of two keys wins, so a record such as
     * {@code {"iotName":"a","iotName":"b"}} would be scored as one sensor here and read as another downstream.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Longest numeric field name scored, in UTF-8 bytes. Names are stored with every forest snapshot, and a record
     * with a huge name would otherwise make every snapshot of its sensor huge.
     */
    public static final int MAX_FIELD_NAME_BYTES = 256;

    /**
     * Longest sensor id accepted, in UTF-8 bytes. The id is the key of every value-log, snapshot and output record
     * of its sensor, so one hostile id of 100 KB would cost 100 KB of changelog for each of its readings.
     */
    public static final int MAX_SENSOR_ID_BYTES = 256;

    private final String sensorIdField;
    private final List<String> valueFields;
    private final int maxBytes;
    private final List<String> recordIdHeaders;
    private final int maxFields;

    /**
     * @param maxFields most value fields a record may have (each is a forest dimension; memory grows with them)
     * @throws ConfigException if the configured value fields break that limit or the name limit
     */
    public ReadingParser(final String sensorIdField, final List<String> valueFields, final int maxBytes,
            final List<String> recordIdHeaders, final int maxFields) {
        this.sensorIdField = sensorIdField;
        this.valueFields = List.copyOf(valueFields);
        this.maxBytes = maxBytes;
        this.recordIdHeaders = List.copyOf(recordIdHeaders);
        this.maxFields = maxFields;
        if (valueFields.size() > maxFields) {
            throw new ConfigException(AppConfig.VALUE_FIELDS_CONFIG, valueFields,
                    "lists more than " + AppConfig.INPUT_MAX_FIELDS_CONFIG + "=" + maxFields + " fields");
        }
        for (final String f : valueFields) {
            if (!nameFits(f)) {
                throw new ConfigException(AppConfig.VALUE_FIELDS_CONFIG, valueFields,
                        "has a field name longer than " + MAX_FIELD_NAME_BYTES + " UTF-8 bytes");
            }
        }
    }

    private static boolean nameFits(final String name) {
        return fits(name, MAX_FIELD_NAME_BYTES);
    }

    private static boolean fits(final String s, final int maxBytes) {
        // a char is at most 3 UTF-8 bytes, so short strings skip the encoding
        return s.length() * 3L <= maxBytes || (s.length() <= maxBytes
                && s.getBytes(StandardCharsets.UTF_8).length <= maxBytes);
    }

    public Message parse(final byte[] key, final byte[] value, final Headers headers, final Source source) {
        if (value == null || value.length == 0) {
            return reject(RejectReason.EMPTY, "record value is empty", source, key, value);
        }
        if (value.length > maxBytes) {
            return reject(RejectReason.OVERSIZED, value.length + " bytes exceed input.max.bytes=" + maxBytes, source,
                    key, value);
        }
        final JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            return reject(RejectReason.MALFORMED_JSON, e.getOriginalMessage(), source, key, value);
        } catch (IOException e) {
            return reject(RejectReason.MALFORMED_JSON, String.valueOf(e.getMessage()), source, key, value);
        }
        if (root == null || !root.isObject()) {
            return reject(RejectReason.NOT_AN_OBJECT, "expected a JSON object", source, key, value);
        }
        final JsonNode idNode = root.get(sensorIdField);
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isEmpty()) {
            return reject(RejectReason.MISSING_SENSOR_ID,
                    "no string field '" + sensorIdField + "' (sensor.id.field)", source, key, value);
        }
        final String sensorId = idNode.asText();
        if (!fits(sensorId, MAX_SENSOR_ID_BYTES)) {
            return reject(RejectReason.SENSOR_ID_TOO_LONG, "'" + sensorIdField + "' is longer than "
                    + MAX_SENSOR_ID_BYTES + " UTF-8 bytes", source, key, value);
        }
        final String[] fields;
        final double[] values;
        if (valueFields.isEmpty()) {
            final List<String> names = new ArrayList<>();
            final Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                final Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNumber() && !e.getKey().equals(sensorIdField)) {
                    if (names.size() == maxFields) {
                        return reject(RejectReason.TOO_MANY_FIELDS, "more than " + maxFields
                                + " numeric fields (" + AppConfig.INPUT_MAX_FIELDS_CONFIG + ")", source, key, value);
                    }
                    if (!nameFits(e.getKey())) {
                        return reject(RejectReason.FIELD_NAME_TOO_LONG, "a numeric field's name is longer than "
                                + MAX_FIELD_NAME_BYTES + " UTF-8 bytes", source, key, value);
                    }
                    names.add(e.getKey());
                }
            }
            if (names.isEmpty()) {
                return reject(RejectReason.NO_NUMERIC_FIELDS, "no numeric field to score", source, key, value);
            }
            Collections.sort(names);
            fields = names.toArray(new String[0]);
        } else {
            fields = valueFields.toArray(new String[0]);
        }
        values = new double[fields.length];
        for (int i = 0; i < fields.length; i++) {
            final JsonNode n = root.get(fields[i]);
            if (n == null || n.isNull()) {
                return reject(RejectReason.MISSING_VALUE, "no value field '" + fields[i] + "' (value.fields)", source,
                        key, value);
            }
            if (!n.isNumber()) {
                return reject(RejectReason.NON_NUMERIC_VALUE, "field '" + fields[i] + "' is not a number", source, key,
                        value);
            }
            final double d = n.asDouble();
            if (!Double.isFinite(d)) {
                return reject(RejectReason.NON_FINITE_VALUE, "field '" + fields[i] + "' is not finite", source, key,
                        value);
            }
            // the forest computes in float: beyond its range a value becomes infinite there and breaks the forest
            if (Math.abs(d) > Float.MAX_VALUE) {
                return reject(RejectReason.VALUE_OUT_OF_RANGE, "field '" + fields[i] + "' is beyond +-"
                        + Float.MAX_VALUE + ", the forest's (float) range", source, key, value);
            }
            values[i] = d;
        }
        return new Reading(sensorId, recordId(headers, source), source, fields, values, value);
    }

    /** Origin coordinates when a source connector supplied them, so a re-read record keeps its id end to end. */
    String recordId(final Headers headers, final Source source) {
        if (headers != null && recordIdHeaders.size() >= 2) {
            final StringBuilder id = new StringBuilder();
            for (int i = 0; i < recordIdHeaders.size(); i++) {
                final Header h = headers.lastHeader(recordIdHeaders.get(i));
                if (h == null || h.value() == null) {
                    if (i < 2) {
                        return source.coordinates();
                    }
                    continue;
                }
                if (id.length() > 0) {
                    id.append('-');
                }
                id.append(new String(h.value(), StandardCharsets.UTF_8));
            }
            return id.toString();
        }
        return source.coordinates();
    }

    private static Rejected reject(final RejectReason reason, final String detail, final Source source,
            final byte[] key, final byte[] value) {
        return new Rejected(reason, detail, source, key, value);
    }
}
