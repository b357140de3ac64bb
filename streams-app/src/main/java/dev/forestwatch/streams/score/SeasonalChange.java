package dev.forestwatch.streams.score;

import java.nio.ByteBuffer;

/**
 * detector=forestwatch's slow channel for one field: how far the field has moved from where it was one period ago,
 * when the sensor's own recent history shows a period. A single-record forest cannot see a daily pattern that fails
 * to happen (every value is a normal value at some hour); the change against the same phase one period earlier can.
 *
 * <p>Every {@link #EVERY} records the period is re-estimated from the last {@link ScoreLikelihood#HISTORY} values:
 * the lag in [{@link #MIN_PERIOD}, {@link #MAX_PERIOD}] (at most half the history) with the highest autocorrelation
 * among the autocorrelation's local peaks, if that is above {@link #MIN_ACF}; none otherwise. With a period P the
 * statistic is {@code |mean of the last SHORT (x_t - x_(t-P))|}, and its surprise is ranked against the channel's own
 * last {@link ScoreLikelihood#HISTORY} values as the forest's scores are ({@link ScoreLikelihood.Window#surprise});
 * a new period starts that history afresh. Everything is learned from earlier records only, and saved, so a restored
 * model continues exactly.
 */
final class SeasonalChange {

    static final int EVERY = 250;
    static final int MIN_PERIOD = 4;
    static final int MAX_PERIOD = 700;
    static final double MIN_ACF = 0.5;

    private final double[] values = new double[ScoreLikelihood.HISTORY];
    private int count;
    private int next;
    private long seen;
    private int period;
    private final double[] diffs = new double[ScoreLikelihood.SHORT];
    private int diffCount;
    private int diffNext;
    private ScoreLikelihood.Window changes = new ScoreLikelihood.Window();

    /** The surprise (-log10 tail probability) of this value's change against one period ago, then learns it. */
    double update(final double x, final boolean scoring) {
        values[next] = x;
        next = (next + 1) % values.length;
        count = Math.min(count + 1, values.length);
        seen++;
        if (seen % EVERY == 0) {
            final int p = estimatePeriod();
            if (p != period) {
                period = p;
                changes = new ScoreLikelihood.Window();
                diffCount = 0;
                diffNext = 0;
            }
        }
        if (period == 0 || count <= period) {
            return 0.0;
        }
        diffs[diffNext] = x - valueAgo(period);
        diffNext = (diffNext + 1) % diffs.length;
        diffCount = Math.min(diffCount + 1, diffs.length);
        double sum = 0;
        for (int i = 0; i < diffCount; i++) {
            sum += diffs[i];
        }
        final double change = Math.abs(sum / diffCount);
        final double surprise = scoring && changes.count >= ScoreLikelihood.WARMUP ? changes.surprise(change) : 0.0;
        changes.add(change);
        return surprise;
    }

    /** The period in use, in records; 0 when none is evident. */
    int period() {
        return period;
    }

    /** The value {@code lag} records before the newest (lag 0 is the newest). */
    private double valueAgo(final int lag) {
        return values[Math.floorMod(next - 1 - lag, values.length)];
    }

    /** The history oldest first, minus its mean. */
    private double[] centred() {
        final double[] h = new double[count];
        double mean = 0;
        for (int i = 0; i < count; i++) {
            h[i] = valueAgo(count - 1 - i);
            mean += h[i];
        }
        mean /= count;
        for (int i = 0; i < count; i++) {
            h[i] -= mean;
        }
        return h;
    }

    private int estimatePeriod() {
        final int maxLag = Math.min(MAX_PERIOD, count / 2);
        if (maxLag <= MIN_PERIOD) {
            return 0;
        }
        final double[] h = centred();
        double variance = 0;
        for (final double v : h) {
            variance += v * v;
        }
        if (variance <= 1e-12) {
            return 0;
        }
        // acf[l] for lags MIN_PERIOD - 1 .. maxLag, so each candidate has both neighbours
        final double[] acf = new double[maxLag + 1];
        for (int lag = MIN_PERIOD - 1; lag <= maxLag; lag++) {
            double s = 0;
            for (int i = 0; i + lag < h.length; i++) {
                s += h[i] * h[i + lag];
            }
            acf[lag] = s / variance;
        }
        int best = 0;
        double bestAcf = MIN_ACF;
        for (int lag = MIN_PERIOD; lag < maxLag - 1; lag++) {
            if (acf[lag] > bestAcf && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) {
                best = lag;
                bestAcf = acf[lag];
            }
        }
        return best;
    }

    int encodedSize() {
        return 4 + 4 + 8 + 8 * count + 4 + 4 + 4 + 8 * diffs.length + changes.encodedSize();
    }

    void write(final ByteBuffer buf) {
        buf.putInt(count).putInt(next).putLong(seen);
        for (int i = 0; i < count; i++) {
            buf.putDouble(values[i]);
        }
        buf.putInt(period).putInt(diffCount).putInt(diffNext);
        for (final double d : diffs) {
            buf.putDouble(d);
        }
        changes.write(buf);
    }

    static SeasonalChange read(final ByteBuffer buf) {
        final SeasonalChange c = new SeasonalChange();
        c.count = buf.getInt();
        c.next = buf.getInt();
        c.seen = buf.getLong();
        if (c.count < 0 || c.count > c.values.length || c.next < 0 || c.next >= c.values.length) {
            throw new IllegalStateException("damaged forest snapshot: seasonal history " + c.count);
        }
        for (int i = 0; i < c.count; i++) {
            c.values[i] = buf.getDouble();
        }
        c.period = buf.getInt();
        c.diffCount = buf.getInt();
        c.diffNext = buf.getInt();
        if (c.period < 0 || c.period > MAX_PERIOD || c.diffCount < 0 || c.diffCount > c.diffs.length
                || c.diffNext < 0 || c.diffNext >= c.diffs.length) {
            throw new IllegalStateException("damaged forest snapshot: seasonal period " + c.period);
        }
        for (int i = 0; i < c.diffs.length; i++) {
            c.diffs[i] = buf.getDouble();
        }
        c.changes.read(buf);
        return c;
    }
}
