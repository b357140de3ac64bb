package dev.forestwatch.streams.score;

/**
 * What a sensor's forest expected of one record, for the output's ANOMALY_CONFIDENCE, EXPECTED_VALUE, LOWER_BAND and
 * UPPER_BAND.
 *
 * @param confidence ThresholdedRandomCutForest's data confidence in [0, 1] (0 while warming up, then rising as the
 *     forest's memory fills); NaN when not asked for
 * @param band the forecast per value field, or null when not asked for or while the forest warms up
 */
public record Expectation(double confidence, Band band) {

    /** Neither asked for. */
    public static final Expectation NONE = new Expectation(Double.NaN, null);

    /**
     * Per value field, in the order of the sensor's fields: the forest's expected value and the band its trees'
     * expectations span.
     */
    public record Band(double[] expected, double[] lower, double[] upper) {
    }

    public boolean hasConfidence() {
        return !Double.isNaN(confidence);
    }

    public boolean hasBand() {
        return band != null;
    }
}
