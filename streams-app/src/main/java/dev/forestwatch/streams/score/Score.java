package dev.forestwatch.streams.score;

/**
 * One record's result.
 *
 * @param score RANDOM_CUT_FOREST's ANOMALY_SCORE (0 while the forest warms up)
 * @param grade ThresholdedRandomCutForest's anomaly grade in [0, 1]; above 0 means anomalous
 * @param high per value field, the part of the score from the value being higher than expected (null unless
 *     explanation is on)
 * @param low likewise for lower than expected
 */
public record Score(double score, double grade, double[] high, double[] low) {

    public boolean isAnomaly() {
        return grade > 0.0;
    }
}
