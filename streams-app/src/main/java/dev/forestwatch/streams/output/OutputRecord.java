package dev.forestwatch.streams.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.score.Detector;
import dev.forestwatch.streams.score.Expectation;
import dev.forestwatch.streams.score.Score;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The output JSON: every input field as it came, then the service's ANOMALY_SCORE, created and
 * APPROXIMATE_ARRIVAL_TIME, then what
 * forestwatch adds (ANOMALY_GRADE, isAnomaly, recordId and, when on, ANOMALY_EXPLANATION, ANOMALY_CONFIDENCE and the
 * forecast band).
 */
public final class OutputRecord {

    public static final String ANOMALY_SCORE = "ANOMALY_SCORE";
    public static final String CREATED = "created";
    /** Kinesis Data Analytics' own column name for the time a record reached the stream. */
    public static final String APPROXIMATE_ARRIVAL_TIME = "APPROXIMATE_ARRIVAL_TIME";
    public static final String ANOMALY_GRADE = "ANOMALY_GRADE";
    /** detector=forestwatch: how unusual the sensor's recent scores are, in [0, 1] on a log scale. */
    public static final String ANOMALY_LIKELIHOOD = "ANOMALY_LIKELIHOOD";

    /** The column a detector's records are ranked by, e.g. for an evaluation. */
    public static String rankingColumn(final Detector detector) {
        return detector == Detector.FORESTWATCH ? ANOMALY_LIKELIHOOD : ANOMALY_SCORE;
    }
    public static final String IS_ANOMALY = "isAnomaly";
    public static final String RECORD_ID = "recordId";
    public static final String ANOMALY_EXPLANATION = "ANOMALY_EXPLANATION";
    public static final String ANOMALY_CONFIDENCE = "ANOMALY_CONFIDENCE";
    /** Objects with one number per value field, as Amazon Managed Prometheus' detector gives lower_band/upper_band. */
    public static final String EXPECTED_VALUE = "EXPECTED_VALUE";
    public static final String LOWER_BAND = "LOWER_BAND";
    public static final String UPPER_BAND = "UPPER_BAND";

    private OutputRecord() {
    }

    /** The second a record belongs to, as the service's FLOOR(ROWTIME TO SECOND). */
    public static long secondOf(final long timestampMs) {
        return Math.floorDiv(timestampMs, 1000L);
    }

    public static ObjectNode build(final Reading reading, final Score score, final long timestampMs) {
        return build(reading, score, Expectation.NONE, timestampMs);
    }

    public static ObjectNode build(final Reading reading, final Score score, final Expectation expectation,
            final long timestampMs) {
        final ObjectNode out = object(reading.json());
        out.put(ANOMALY_SCORE, score.score());
        out.put(CREATED, created(secondOf(timestampMs)));
        if (reading.arrivalMs() >= 0) {
            out.put(APPROXIMATE_ARRIVAL_TIME, Instant.ofEpochMilli(reading.arrivalMs()).toString());
        }
        addGrade(out, reading.fields(), score);
        addExpectation(out, reading.fields(), expectation);
        out.put(RECORD_ID, reading.recordId());
        return out;
    }

    /** The created column: FLOOR(ROWTIME TO SECOND) as an ISO-8601 instant. */
    public static String created(final long second) {
        return Instant.ofEpochSecond(second).toString();
    }

    /** The same output record moved to another second, for a record whose ROWTIME had to move on. */
    public static byte[] withCreated(final byte[] json, final long second) {
        final ObjectNode out = object(json);
        out.put(CREATED, created(second));
        return toBytes(out);
    }

    /** The score columns without the stream's created and recordId, for the offline scorer. */
    public static void addScore(final ObjectNode out, final String[] fields, final Score score,
            final Expectation expectation) {
        out.put(ANOMALY_SCORE, score.score());
        addGrade(out, fields, score);
        addExpectation(out, fields, expectation);
    }

    private static void addExpectation(final ObjectNode out, final String[] fields, final Expectation e) {
        if (e.hasConfidence()) {
            out.put(ANOMALY_CONFIDENCE, e.confidence());
        }
        if (e.hasBand()) {
            putPerField(out.putObject(EXPECTED_VALUE), fields, e.band().expected());
            putPerField(out.putObject(LOWER_BAND), fields, e.band().lower());
            putPerField(out.putObject(UPPER_BAND), fields, e.band().upper());
        }
    }

    private static void putPerField(final ObjectNode target, final String[] fields, final double[] values) {
        for (int i = 0; i < fields.length; i++) {
            target.put(fields[i], values[i]);
        }
    }

    private static void addGrade(final ObjectNode out, final String[] fields, final Score score) {
        out.put(ANOMALY_GRADE, score.grade());
        out.put(IS_ANOMALY, score.isAnomaly());
        if (score.hasLikelihood()) {
            out.put(ANOMALY_LIKELIHOOD, score.likelihood());
        }
        if (score.high() != null) {
            final ObjectNode explanation = out.putObject(ANOMALY_EXPLANATION);
            for (int i = 0; i < fields.length; i++) {
                final double high = score.high()[i];
                final double low = score.low()[i];
                final ObjectNode f = explanation.putObject(fields[i]);
                f.put("ATTRIBUTION_SCORE", high + low);
                f.put("STRENGTH", Math.abs(high - low));
                f.put("DIRECTION", high >= low ? "HIGH" : "LOW");
            }
        }
    }

    private static ObjectNode object(final byte[] json) {
        try {
            return (ObjectNode) ReadingParser.MAPPER.readTree(json);
        } catch (IOException e) {
            // these bytes were accepted by the parser or written by this class, so this is a bug, not bad input
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] toBytes(final ObjectNode node) {
        try {
            return ReadingParser.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
