package dev.forestwatch.streams.score;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * detector=forestwatch's second stage: how unusual a sensor's recent forest scores are against that sensor's own
 * earlier scores. The forest's raw score has no common scale across sensors (a noisy sensor scores high all the
 * time) and its distribution is heavy-tailed, so a normal tail calls routine spikes certain; this stage uses the
 * empirical distribution of the sensor's last {@link #HISTORY} values instead, with a fitted exponential tail
 * beyond its top percentile.
 *
 * <p>Per record, learned only from earlier records:
 * <ul>
 *   <li>sustained: the mean of the last {@link #SHORT} forest scores. Its tail probability p among the last
 *       {@link #HISTORY} such means: the empirical fraction at or above it, at least 1 - {@link #QUANTILE}; beyond
 *       the {@link #QUANTILE} quantile u, {@code (1 - QUANTILE) * exp(-(x - u) / beta)} with beta the mean excess
 *       over u of the means above it (peaks over threshold), at least {@link #MIN_SCALE}. The surprise is
 *       {@code s = -log10(p)}. After an alarm ({@code s >= }{@link #ALARM_DECADES}) the channel is damped by
 *       {@link #DAMP} for {@link #QUIET} records unless, after the first {@link #REFRACTORY} of them, it exceeds
 *       the alarm that started the episode, so one event raises one alarm rather than a burst;</li>
 *   <li>seasonal: per field, the change against the same phase one period earlier when the sensor shows a period
 *       ({@link SeasonalChange}), {@link #SEASONAL_HANDICAP} decades handicapped (and log10 of the field count,
 *       as the largest of several fields' surprises is taken); it joins the sustained surprise by max before the
 *       damping, so the two channels share one alarm episode;</li>
 *   <li>point: a single forest score at least {@link #POINT_IQRS} interquartile ranges (at least
 *       {@link #POINT_MIN_IQR}) above the median of the last {@link #HISTORY} scores. It is a rule, not a
 *       probability, so it is reported at exactly the alarm level: it flags the record (never damped), and ranks
 *       below every sustained alarm.</li>
 * </ul>
 * The likelihood is {@code s / (s + ALARM_DECADES)} of the larger surprise: in [0, 1), 0.5 at the alarm level
 * (1 in 1,000). State is bounded ({@link #HISTORY} values per channel) and saved with the forest, so a restored
 * model continues exactly.
 */
final class ScoreLikelihood {

    /** The likelihood at and above which a record is an anomaly. */
    static final double ALARM = 0.5;
    static final double ALARM_DECADES = 3.0;
    static final int SHORT = 5;
    static final int HISTORY = 2000;
    static final double QUANTILE = 0.99;
    /** Values (after the forest's own warm-up) learned before a likelihood other than 0 is given. */
    static final int WARMUP = 100;
    static final int QUIET = 500;
    static final double DAMP = 0.3;
    /**
     * Records after an alarm that are damped even when they exceed it: an event's surprise often climbs for a few
     * records, and NAB (like an operator) counts each of those re-alarms as another false positive.
     */
    static final int REFRACTORY = 100;
    /** Floor of the tail scale, in forest score units: a flat series' tiny spread is not a scale. */
    static final double MIN_SCALE = 0.01;
    static final double POINT_IQRS = 10;
    static final double POINT_MIN_IQR = 0.05;
    /**
     * Decades taken off the seasonal channel's surprise: a period estimated from a few cycles mispredicts now and
     * then, so its surprises are weaker evidence than the forest's.
     */
    static final double SEASONAL_HANDICAP = 1.5;

    private final double[] recent = new double[SHORT];
    private long seen;
    private final Window means = new Window();
    private final Window scores = new Window();
    private int quietLeft;
    private double episodePeak;
    private final SeasonalChange[] seasonal;

    ScoreLikelihood(final int fields) {
        seasonal = new SeasonalChange[fields];
        for (int i = 0; i < fields; i++) {
            seasonal[i] = new SeasonalChange();
        }
    }

    /**
     * The likelihood of this record, given its values and forest score (0 while the forest warms up), then learns
     * them.
     */
    double update(final double[] values, final double forestScore, final boolean forestReady) {
        double change = 0.0;
        for (int i = 0; i < seasonal.length; i++) {
            change = Math.max(change, seasonal[i].update(values[i], forestReady));
        }
        if (!forestReady) {
            return 0.0;
        }
        final double seasonalSurprise = change - SEASONAL_HANDICAP - Math.log10(seasonal.length);
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
        if (means.count >= WARMUP) {
            sustained = damp(Math.max(means.surprise(avg), seasonalSurprise));
            point = scores.farAboveMedian(forestScore) ? ALARM_DECADES : 0.0;
        }
        means.add(avg);
        scores.add(forestScore);
        final double s = Math.max(sustained, point);
        return s / (s + ALARM_DECADES);
    }

    private double damp(final double surprise) {
        if (quietLeft > 0) {
            quietLeft--;
            if (surprise <= episodePeak || QUIET - quietLeft <= REFRACTORY) {
                return surprise * DAMP;
            }
        }
        if (surprise >= ALARM_DECADES) {
            quietLeft = QUIET;
            episodePeak = surprise;
        }
        return surprise;
    }

    /** The last {@link #HISTORY} values, in arrival order (a ring) and sorted. */
    static final class Window {
        final double[] ring = new double[HISTORY];
        final double[] sorted = new double[HISTORY];
        int count;
        int next;

        void add(final double x) {
            if (count == HISTORY) {
                final int at = lowerBound(ring[next], count);
                System.arraycopy(sorted, at + 1, sorted, at, count - at - 1);
                count--;
            }
            final int at = lowerBound(x, count);
            System.arraycopy(sorted, at, sorted, at + 1, count - at);
            sorted[at] = x;
            count++;
            ring[next] = x;
            next = (next + 1) % HISTORY;
        }

        /** The first index of the sorted values holding a value >= x. */
        int lowerBound(final double x, final int size) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                final int mid = (lo + hi) >>> 1;
                if (sorted[mid] < x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** -log10 of x's upper tail probability among the values (empirical, exponential beyond the quantile). */
        double surprise(final double x) {
            final int k = Math.min(count - 1, (int) (QUANTILE * count));
            final double u = sorted[k];
            if (x <= u) {
                final double p = Math.max((double) (count - lowerBound(x, count)) / count, 1 - QUANTILE);
                return -Math.log10(p);
            }
            double excess = 0;
            for (int i = k + 1; i < count; i++) {
                excess += sorted[i];
            }
            final double beta = count - k - 1 > 0 ? Math.max(excess / (count - k - 1) - u, MIN_SCALE) : MIN_SCALE;
            return -Math.log10(1 - QUANTILE) + (x - u) / beta / Math.log(10);
        }

        boolean farAboveMedian(final double x) {
            final double median = sorted[count / 2];
            final double iqr = sorted[(3 * count) / 4] - sorted[count / 4];
            return x - median >= POINT_IQRS * Math.max(iqr, POINT_MIN_IQR);
        }

        void write(final ByteBuffer buf) {
            buf.putInt(count).putInt(next);
            for (int i = 0; i < count; i++) {
                buf.putDouble(ring[i]);
            }
        }

        void read(final ByteBuffer buf) {
            count = buf.getInt();
            next = buf.getInt();
            if (count < 0 || count > HISTORY || next < 0 || next >= HISTORY) {
                throw new IllegalStateException("damaged forest snapshot: likelihood history " + count);
            }
            for (int i = 0; i < count; i++) {
                ring[i] = buf.getDouble();
            }
            System.arraycopy(ring, 0, sorted, 0, count);
            Arrays.sort(sorted, 0, count);
        }

        int encodedSize() {
            return 8 + 8 * count;
        }
    }

    int encodedSize() {
        int size = 4 + 8 * recent.length + 8 + means.encodedSize() + scores.encodedSize() + 4 + 8 + 4;
        for (final SeasonalChange c : seasonal) {
            size += c.encodedSize();
        }
        return size;
    }

    void write(final ByteBuffer buf) {
        buf.putInt(recent.length);
        for (final double r : recent) {
            buf.putDouble(r);
        }
        buf.putLong(seen);
        means.write(buf);
        scores.write(buf);
        buf.putInt(quietLeft).putDouble(episodePeak);
        buf.putInt(seasonal.length);
        for (final SeasonalChange c : seasonal) {
            c.write(buf);
        }
    }

    static ScoreLikelihood read(final ByteBuffer buf, final int fields) {
        final ScoreLikelihood l = new ScoreLikelihood(fields);
        final int n = buf.getInt();
        if (n != l.recent.length) {
            throw new IllegalStateException("damaged forest snapshot: likelihood window " + n);
        }
        for (int i = 0; i < n; i++) {
            l.recent[i] = buf.getDouble();
        }
        l.seen = buf.getLong();
        l.means.read(buf);
        l.scores.read(buf);
        l.quietLeft = buf.getInt();
        l.episodePeak = buf.getDouble();
        final int channels = buf.getInt();
        if (channels != fields) {
            throw new IllegalStateException("damaged forest snapshot: " + channels + " seasonal channels for "
                    + fields + " fields");
        }
        for (int i = 0; i < fields; i++) {
            l.seasonal[i] = SeasonalChange.read(buf);
        }
        return l;
    }
}
