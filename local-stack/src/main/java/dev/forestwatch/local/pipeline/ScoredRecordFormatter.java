package dev.forestwatch.local.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Turns one output record of the streams app into one terminal line, e.g.
 * {@code 04:46:19 DemoSensor-2  iotValue=15   ANOMALY_SCORE=0.8312}, and decides whether it is an
 * anomaly ({@code isAnomaly} true, or a score at or above the threshold).
 */
final class ScoredRecordFormatter {
    static final String ANOMALY_MARK = "<-- anomaly";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RED = "\u001b[31;1m";
    private static final String RESET = "\u001b[0m";

    private final double scoreThreshold;
    private final int nameWidth;
    private final DateTimeFormatter time;
    private final boolean color;

    /**
     * @param nameWidth column width for the sensor name, so the values line up
     * @param color whether to highlight anomalies with ANSI colours (only when writing to a terminal)
     */
    ScoredRecordFormatter(double scoreThreshold, int nameWidth, ZoneId zone, boolean color) {
        this.scoreThreshold = scoreThreshold;
        this.nameWidth = nameWidth;
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
        this.color = color;
    }

    /** A formatted line and whether it is an anomaly. */
    record Line(String text, boolean anomaly) {
    }

    /**
     * @param value the record value (JSON); anything unparsable is shown raw rather than dropped
     * @param timestamp the record timestamp, shown when the value has no usable {@code created}
     */
    Line format(String value, long timestamp) {
        JsonNode node;
        try {
            node = value == null ? null : JSON.readTree(value);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            return new Line(time.format(Instant.ofEpochMilli(timestamp)) + " (not JSON) " + value, false);
        }
        JsonNode score = node.path("ANOMALY_SCORE");
        boolean anomaly = node.path("isAnomaly").asBoolean(false)
                || (score.isNumber() && score.asDouble() >= scoreThreshold);
        String text = String.format(Locale.ROOT, "%s %-" + nameWidth + "s iotValue=%-4s ANOMALY_SCORE=%s",
                time.format(created(node, timestamp)),
                node.path("iotName").asText("?"),
                node.path("iotValue").asText("?"),
                score.isNumber() ? String.format(Locale.ROOT, "%.4f", score.asDouble()) : "?");
        if (anomaly) {
            JsonNode grade = node.path("ANOMALY_GRADE");
            if (grade.isNumber()) {
                text += String.format(Locale.ROOT, " ANOMALY_GRADE=%.2f", grade.asDouble());
            }
            text += "  " + ANOMALY_MARK;
            if (color) {
                text = RED + text + RESET;
            }
        }
        return new Line(text, anomaly);
    }

    private static Instant created(JsonNode node, long timestamp) {
        String created = node.path("created").asText(null);
        if (created != null) {
            try {
                return Instant.parse(created);
            } catch (DateTimeParseException e) {
                // fall back to the record timestamp
            }
        }
        return Instant.ofEpochMilli(timestamp);
    }
}
