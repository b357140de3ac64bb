package dev.forestwatch.streams.score;

/**
 * One record's result.
 *
 * @param score RANDOM_CUT_FOREST's ANOMALY_SCORE (0 while the forest warms up)
 * @param grade the anomaly grade in [0, 1]; above 0 means anomalous (ThresholdedRandomCutForest's with
 *     detector=kda, from the likelihood with detector=forestwatch)
 * @param high per value field, the part of the score from the value being higher than expected (null unless
 *     explanation is on)
 * @param low likewise for lower than expected
 * @param likelihood detector=forestwatch's ANOMALY_LIKELIHOOD in [0, 1]; NaN with detector=kda
 */
public record Score(double score, double grade, double[] high, double[] low, double likelihood) {

    public Score(final double score, final double grade, final double[] high, final double[] low) {
        this(score, grade, high, low, Double.NaN);
    }

    public boolean isAnomaly() {
        return grade > 0.0;
    }

    public boolean hasLikelihood() {
        return !Double.isNaN(likelihood);
    }
}
