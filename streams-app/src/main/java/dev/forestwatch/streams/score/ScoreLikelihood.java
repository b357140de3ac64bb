package dev.forestwatch.streams.score;

import java.nio.ByteBuffer;

/**
 * detector=forestwatch's second stage: how unusual a sensor's recent forest scores are against that sensor's own
 * earlier scores. The forest's raw score has no common scale across sensors (a noisy sensor scores high all the
 * time); its tail probability under the sensor's recent distribution of scores has one.
 *
 * <p>Per record: the mean of the last {@link #SHORT} scores is compared with an exponentially weighted mean and
 * variance of that same short mean over about {@link #MEMORY} records (a plain average while fewer have been seen),
 * learned only from earlier records. The upper tail probability p of a normal with those moments gives
 * {@code likelihood = -log10(p) / 10}, capped to [0, 1]: 0.5 means as unusual as 1 in 100,000. After an alarm
 * (likelihood at least {@link #ALARM}) the output is damped for {@link #QUIET} records unless it exceeds the alarm
 * that started the episode, so one event raises one alarm rather than a burst. All state is a few numbers, saved
 * with the forest, so a restored model continues exactly.
 */
final class ScoreLikelihood {

    static final double ALARM = 0.5;
    static final int SHORT = Integer.getInteger("fw.short", 10);
    static final double MEMORY = Double.parseDouble(System.getProperty("fw.memory", "2000"));
    static final int WARMUP = Integer.getInteger("fw.warmup", 150);
    static final int QUIET = Integer.getInteger("fw.quiet", 300);
    static final double DAMP = Double.parseDouble(System.getProperty("fw.damp", "0.5"));
    static final double MIN_STD = Double.parseDouble(System.getProperty("fw.minstd", "0.05"));

    private final double[] recent = new double[SHORT];
    private long seen;
    private double mean;
    private double variance;
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
        double likelihood = 0.0;
        if (seen > WARMUP) {
            final double std = Math.max(Math.sqrt(variance), MIN_STD);
            likelihood = logScale(upperTail((avg - mean) / std));
        }
        learn(avg);
        return damp(likelihood);
    }

    private void learn(final double x) {
        final double alpha = Math.max(1.0 / seen, 1.0 / MEMORY);
        final double delta = x - mean;
        mean += alpha * delta;
        variance = (1 - alpha) * (variance + alpha * delta * delta);
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

    /** -log10(p) / 10, in [0, 1]. */
    static double logScale(final double p) {
        if (!(p > 0)) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, -Math.log10(p) / 10.0));
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
        return 4 + 8 * recent.length + 8 + 8 + 8 + 4 + 8;
    }

    void write(final ByteBuffer buf) {
        buf.putInt(recent.length);
        for (final double r : recent) {
            buf.putDouble(r);
        }
        buf.putLong(seen).putDouble(mean).putDouble(variance).putInt(quietLeft).putDouble(episodePeak);
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
        l.quietLeft = buf.getInt();
        l.episodePeak = buf.getDouble();
        return l;
    }
}
