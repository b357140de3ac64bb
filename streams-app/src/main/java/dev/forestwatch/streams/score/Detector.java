package dev.forestwatch.streams.score;

import java.util.Arrays;
import java.util.Locale;

/** The detector preset a sensor's model runs. */
public enum Detector {
    /** RANDOM_CUT_FOREST as Kinesis Data Analytics ran it: ANOMALY_SCORE, graded by ThresholdedRandomCutForest. */
    KDA,
    /**
     * The kda preset's forest, whose scores are turned into ANOMALY_LIKELIHOOD against the empirical distribution of
     * the sensor's own recent scores ({@link ScoreLikelihood}); ANOMALY_GRADE and isAnomaly come from the likelihood.
     */
    FORESTWATCH;

    /** The name used in configuration: lowercase. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Detector fromConfig(final String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(Detector::configName).toArray(String[]::new);
    }

    /** The byte a snapshot stores. */
    byte code() {
        return (byte) ordinal();
    }

    static Detector ofCode(final byte code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalStateException("damaged forest snapshot: unknown detector " + code);
        }
        return values()[code];
    }
}
