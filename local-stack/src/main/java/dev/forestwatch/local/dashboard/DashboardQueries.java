package dev.forestwatch.local.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Elasticsearch searches behind the dashboard's JSON endpoints, and the shaping of their answers
 * into what the page draws. Pure functions of a clock reading and a JSON tree, so they are unit tested
 * without a server. Field names are those of the Elasticsearch sink's index template: {@code created}
 * (date, the record's second), {@code iotName} (keyword), {@code ANOMALY_SCORE} (double).
 */
final class DashboardQueries {
    static final String TIME_FIELD = "created";
    static final String SENSOR_FIELD = "iotName";
    static final String SCORE_FIELD = "ANOMALY_SCORE";
    static final String VALUE_FIELD = "iotValue";
    static final String ID_FIELD = "recordId";
    static final int MAX_MINUTES = 60;
    static final int MAX_TOP = 100;
    /** More series than this make an unreadable chart; the busiest ones are drawn. */
    static final int MAX_SENSORS = 10;
    private static final long SECOND_MS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardQueries() {
    }

    /** The last {@code minutes} whole seconds up to and including the current one: [from, to) in epoch ms. */
    record Window(long fromMs, long toMs) {
        static Window lastMinutes(Instant now, int minutes) {
            long to = now.truncatedTo(ChronoUnit.SECONDS).toEpochMilli() + SECOND_MS;
            return new Window(to - Duration.ofMinutes(minutes).toMillis(), to);
        }
    }

    /**
     * Per sensor (the {@value #MAX_SENSORS} with most records), per second: the record count, the max
     * score, and the mean value with the band's extent. Empty seconds come back as buckets with doc_count 0, so the chart needs no gap filling.
     */
    static ObjectNode seriesQuery(Window w) {
        ObjectNode histogram = JSON.createObjectNode()
                .put("field", TIME_FIELD)
                .put("fixed_interval", "1s")
                .put("min_doc_count", 0);
        histogram.putObject("extended_bounds").put("min", w.fromMs()).put("max", w.toMs() - SECOND_MS);
        ObjectNode perSecond = JSON.createObjectNode();
        perSecond.set("date_histogram", histogram);
        ObjectNode aggs = perSecond.putObject("aggs");
        aggs.putObject("max_score").putObject("max").put("field", SCORE_FIELD);
        // the streams app's forecast band (anomaly.expected.enabled): null when the records carry none
        aggs.putObject("value").putObject("avg").put("field", VALUE_FIELD);
        aggs.putObject("lower").putObject("min").put("field", "LOWER_BAND." + VALUE_FIELD);
        aggs.putObject("upper").putObject("max").put("field", "UPPER_BAND." + VALUE_FIELD);

        ObjectNode sensors = JSON.createObjectNode();
        sensors.putObject("terms").put("field", SENSOR_FIELD).put("size", MAX_SENSORS);
        sensors.putObject("aggs").set("per_second", perSecond);

        ObjectNode query = JSON.createObjectNode().put("size", 0).put("track_total_hits", true);
        query.set("query", range(w));
        query.putObject("aggs").set("sensors", sensors);
        return query;
    }

    /** The {@code size} highest-scored records of the window, the newest first among equal scores. */
    static ObjectNode topQuery(Window w, int size) {
        ObjectNode query = JSON.createObjectNode().put("size", size).put("track_total_hits", false);
        query.set("query", range(w));
        ArrayNode sort = query.putArray("sort");
        // unmapped_type: an index created without the template (or not yet) sorts instead of failing.
        sort.addObject().putObject(SCORE_FIELD).put("order", "desc").put("unmapped_type", "double");
        sort.addObject().putObject(TIME_FIELD).put("order", "desc").put("unmapped_type", "date");
        query.putArray("_source").add(ID_FIELD).add(SENSOR_FIELD).add(VALUE_FIELD).add(SCORE_FIELD).add(TIME_FIELD);
        return query;
    }

    private static ObjectNode range(Window w) {
        ObjectNode bounds = JSON.createObjectNode()
                .put("gte", w.fromMs())
                .put("lt", w.toMs())
                .put("format", "epoch_millis");
        ObjectNode query = JSON.createObjectNode();
        query.putObject("range").set(TIME_FIELD, bounds);
        return query;
    }

    /**
     * {@code {"from","to","intervalMs","lastDataMs","total","otherRecords","sensors":[{"name","total","points":[[t, count, maxScore|null]...]}]}},
     * a point followed by {@code meanValue, lower, upper} in seconds whose records carry the forecast band,
     * sensors sorted by name. Points stop at {@code lastDataMs}, the latest second any sensor has records
     * in: the seconds after it are not indexed yet (pipeline lag), and drawing them as zeros would show a
     * drop that is not there.
     */
    static ObjectNode shapeSeries(Window w, JsonNode answer) {
        JsonNode sensorAgg = answer.path("aggregations").path("sensors");
        long lastData = Long.MIN_VALUE;
        for (JsonNode sensor : sensorAgg.path("buckets")) {
            for (JsonNode second : sensor.path("per_second").path("buckets")) {
                if (second.path("doc_count").asLong() > 0) {
                    lastData = Math.max(lastData, second.path("key").asLong());
                }
            }
        }
        List<ObjectNode> sensors = new ArrayList<>();
        for (JsonNode sensor : sensorAgg.path("buckets")) {
            ObjectNode out = JSON.createObjectNode()
                    .put("name", sensor.path("key").asText())
                    .put("total", sensor.path("doc_count").asLong());
            ArrayNode points = out.putArray("points");
            for (JsonNode second : sensor.path("per_second").path("buckets")) {
                long t = second.path("key").asLong();
                if (t < w.fromMs() || t > lastData) {
                    continue;
                }
                ArrayNode point = points.addArray().add(t).add(second.path("doc_count").asLong());
                JsonNode max = second.path("max_score").path("value");
                if (max.isNumber()) {
                    point.add(max.asDouble());
                } else {
                    point.addNull(); // no record that second, or none with a score
                }
                JsonNode lower = second.path("lower").path("value");
                JsonNode upper = second.path("upper").path("value");
                if (lower.isNumber() && upper.isNumber()) {
                    point.add(second.path("value").path("value").asDouble()).add(lower.asDouble())
                            .add(upper.asDouble());
                }
            }
            sensors.add(out);
        }
        sensors.sort(Comparator.comparing(s -> s.path("name").asText(), DashboardQueries::naturalOrder));

        ObjectNode shaped = JSON.createObjectNode()
                .put("from", w.fromMs())
                .put("to", w.toMs())
                .put("intervalMs", SECOND_MS)
                .put("total", answer.path("hits").path("total").path("value").asLong())
                .put("otherRecords", sensorAgg.path("sum_other_doc_count").asLong());
        if (lastData == Long.MIN_VALUE) {
            shaped.putNull("lastDataMs");
        } else {
            shaped.put("lastDataMs", lastData);
        }
        shaped.putArray("sensors").addAll(sensors);
        return shaped;
    }

    /** {@code {"records":[{"recordId","iotName","iotValue","ANOMALY_SCORE","created"}...]}}, in score order. */
    static ObjectNode shapeTop(JsonNode answer) {
        ObjectNode shaped = JSON.createObjectNode();
        ArrayNode records = shaped.putArray("records");
        for (JsonNode hit : answer.path("hits").path("hits")) {
            JsonNode source = hit.path("_source");
            ObjectNode record = records.addObject();
            // Documents written without a recordId field still have an _id to tell rows apart by.
            record.put(ID_FIELD,
                    source.hasNonNull(ID_FIELD) ? source.get(ID_FIELD).asText() : hit.path("_id").asText());
            for (String field : List.of(SENSOR_FIELD, VALUE_FIELD, SCORE_FIELD, TIME_FIELD)) {
                record.set(field, source.has(field) ? source.get(field) : JSON.nullNode());
            }
        }
        return shaped;
    }

    /** "DemoSensor-2" before "DemoSensor-10": runs of digits compare as numbers. */
    static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int endA = digitsEnd(a, i);
                int endB = digitsEnd(b, j);
                String da = a.substring(i, endA).replaceFirst("^0+(?=.)", "");
                String db = b.substring(j, endB).replaceFirst("^0+(?=.)", "");
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
                i = endA;
                j = endB;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int digitsEnd(String s, int from) {
        int end = from;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }
}
