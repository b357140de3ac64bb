package dev.forestwatch.streams.score;

import java.nio.ByteBuffer;

/**
 * detector=forestwatch's second stage: how unusual a sensor's recent forest scores are against that sensor's own
 * earlier scores. The forest's raw score has no common scale across sensors (a noisy sensor scores high all the
 * time); its tail probability under the sensor's recent distribution of scores has one.
 *
 * <p>Per record, two channels, each compared with an exponentially weighted mean and variance of itself over about
 * {@link #MEMORY} records (a plain average while fewer have been seen), learned only from earlier records:
 * <ul>
 *   <li>sustained: the mean of the last {@link #SHORT} scores; its upper tail probability p under a normal with
 *       those moments gives {@code -log10(p) / 10} (0.5 means as unusual as 1 in 100,000). After an alarm (at least
 *       {@link #ALARM}) this channel is damped by {@link #DAMP} for {@link #QUIET} records unless it exceeds the
 *       alarm that started the episode, so that one event raises one alarm rather than a burst;</li>
 *   <li>point: the record's own score, scaled {@code -log10(p) / 20} (0.5 needs 1 in 10^10), never damped, so a
 *       single reading far outside anything recent is always reported.</li>
 * </ul>
 * The likelihood is the larger of the two, capped to [0, 1]. All state is a few numbers, saved with the forest, so a
 * restored model continues exactly.
 */
final class ScoreLikelihood {

    static final double ALARM = 0.5;
    static final int SHORT = 20;
    static final double MEMORY = 8000;
    /** Scores (after the forest's own warm-up) learned before a likelihood other than 0 is given. */
    static final int WARMUP = 150;
    static final int QUIET = 1000;
    static final double DAMP = 0.3;
    /** Floor of the standard deviations, in forest score units: a flat series' tiny spread is not a scale. */
    static final double MIN_STD = 0.05;

    private final double[] recent = new double[SHORT];
    private long seen;
    private double mean;
    private double variance;
    private double pointMean;
    private double pointVariance;
    private int quietLeft;
    private double episodePeak;

    /** The likelihood of this record, given its forest score (0 while the forest warms up), then learns it. */
    double update(final double forestScore, final boolean forestReady) {
        if (!forestReady) {
            return 0.0;
        }
        recent[(int) (seen % SHORT)] = forestScore;
        seen++;
        final int n = (int) Math.min(seen, SHORT);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += recent[i];
        }
        final double avg = sum / n;
        double sustained = 0.0;
        double point = 0.0;
        if (seen > WARMUP) {
            sustained = logScale(upperTail((avg - mean) / Math.max(Math.sqrt(variance), MIN_STD)), 10.0);
            point = logScale(upperTail((forestScore - pointMean) / Math.max(Math.sqrt(pointVariance), MIN_STD)),
                    20.0);
        }
        final double alpha = Math.max(1.0 / seen, 1.0 / MEMORY);
        double delta = avg - mean;
        mean += alpha * delta;
        variance = (1 - alpha) * (variance + alpha * delta * delta);
        delta = forestScore - pointMean;
        pointMean += alpha * delta;
        pointVariance = (1 - alpha) * (pointVariance + alpha * delta * delta);
        return Math.max(damp(sustained), point);
    }

    private double damp(final double likelihood) {
        if (quietLeft > 0) {
            quietLeft--;
            if (likelihood <= episodePeak) {
                return likelihood * DAMP;
            }
        }
        if (likelihood >= ALARM) {
            quietLeft = QUIET;
            episodePeak = likelihood;
        }
        return likelihood;
    }

    /** P(Z >= z) for a standard normal. */
    static double upperTail(final double z) {
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }

    /** -log10(p) / decades, in [0, 1]. */
    static double logScale(final double p, final double decades) {
        if (!(p > 0)) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, -Math.log10(p) / decades));
    }

    /** Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere. */
    static double erfc(final double x) {
        final double z = Math.abs(x);
        final double t = 1.0 / (1.0 + 0.5 * z);
        final double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    int encodedSize() {
        return 4 + 8 * recent.length + 8 + 4 * 8 + 4 + 8;
    }

    void write(final ByteBuffer buf) {
        buf.putInt(recent.length);
        for (final double r : recent) {
            buf.putDouble(r);
        }
        buf.putLong(seen).putDouble(mean).putDouble(variance).putDouble(pointMean).putDouble(pointVariance)
                .putInt(quietLeft).putDouble(episodePeak);
    }

    static ScoreLikelihood read(final ByteBuffer buf) {
        final ScoreLikelihood l = new ScoreLikelihood();
        final int n = buf.getInt();
        if (n != l.recent.length) {
            throw new IllegalStateException("damaged forest snapshot: likelihood window " + n);
        }
        for (int i = 0; i < n; i++) {
            l.recent[i] = buf.getDouble();
        }
        l.seen = buf.getLong();
        l.mean = buf.getDouble();
        l.variance = buf.getDouble();
        l.pointMean = buf.getDouble();
        l.pointVariance = buf.getDouble();
        l.quietLeft = buf.getInt();
        l.episodePeak = buf.getDouble();
        return l;
    }
}
