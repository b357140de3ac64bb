package dev.forestwatch.streams.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.score.Score;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The output JSON: every input field as it came, then the service's ANOMALY_SCORE and created, then what
 * forestwatch adds (ANOMALY_GRADE, isAnomaly, recordId and, when on, ANOMALY_EXPLANATION).
 */
public final class OutputRecord {

    public static final String ANOMALY_SCORE = "ANOMALY_SCORE";
    public static final String CREATED = "created";
    public static final String ANOMALY_GRADE = "ANOMALY_GRADE";
    public static final String IS_ANOMALY = "isAnomaly";
    public static final String RECORD_ID = "recordId";
    public static final String ANOMALY_EXPLANATION = "ANOMALY_EXPLANATION";

    private OutputRecord() {}

    /** The second a record belongs to, as the service's FLOOR(ROWTIME TO SECOND). */
    public static long secondOf(final long timestampMs) {
        return Math.floorDiv(timestampMs, 1000L);
    }

    public static ObjectNode build(final Reading reading, final Score score, final long timestampMs) {
        final ObjectNode out;
        try {
            out = (ObjectNode) ReadingParser.MAPPER.readTree(reading.json());
        } catch (IOException e) {
            // the parser accepted these bytes moments ago, so this is a bug, not bad input
            throw new UncheckedIOException(e);
        }
        out.put(ANOMALY_SCORE, score.score());
        out.put(CREATED, Instant.ofEpochSecond(secondOf(timestampMs)).toString());
        addGrade(out, reading.fields(), score);
        out.put(RECORD_ID, reading.recordId());
        return out;
    }

    /** The score columns without the stream's created and recordId, for the offline scorer. */
    public static void addScore(final ObjectNode out, final String[] fields, final Score score) {
        out.put(ANOMALY_SCORE, score.score());
        addGrade(out, fields, score);
    }

    private static void addGrade(final ObjectNode out, final String[] fields, final Score score) {
        out.put(ANOMALY_GRADE, score.grade());
        out.put(IS_ANOMALY, score.isAnomaly());
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

    public static byte[] toBytes(final ObjectNode node) {
        try {
            return ReadingParser.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
