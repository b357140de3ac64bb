package dev.forestwatch.streams.score;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.returntypes.SampleSummary;

/**
 * Reads what a sensor's forest expected of a record. The band is a forecast from the earlier records only: every value
 * field of the newest record is treated as missing and imputed by each tree from the rest of the shingle (with shingle
 * 1, from nothing: each tree's most typical recent value), so the record itself never moves its own band.
 * ThresholdedRandomCutForest's own expected values come only with anomalies and need more than one forest dimension
 * (none with shingle 1 and one field), so they cannot serve as a column. Imputing walks every branch that cuts a
 * missing coordinate, with shingle 1 the whole tree, which is why the band is off by default.
 */
public record ExpectationReader(boolean confidence, boolean band) {

    /** Each tree imputes its most plausible value, not a random one: deterministic, and a range of typical values. */
    private static final double CENTRALITY = 1.0;

    public boolean enabled() {
        return confidence || band;
    }

    /**
     * Call before the model learns the record: the forest's forecast for it, or null when the band is off or the
     * forest still warms up.
     */
    public Expectation.Band forecast(final SensorModel model, final double[] values) {
        if (!band) {
            return null;
        }
        final RandomCutForest rcf = model.forest().getForest();
        if (!rcf.isOutputReady()) {
            return null;
        }
        final float[] point = new float[values.length];
        final int[] missing = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            point[i] = (float) values[i];
            missing[i] = i;
        }
        // project: the summary's coordinates are the missing ones, i.e. the newest record's fields in order
        final SampleSummary s = rcf.getConditionalFieldSummary(point, missing, 1, 0.0, false, true, CENTRALITY, 1);
        return new Expectation.Band(toDouble(s.median), toDouble(s.lower), toDouble(s.upper));
    }

    /** Call after the model has processed the record, with what {@link #forecast} gave before. */
    public Expectation read(final SensorModel model, final Expectation.Band forecast) {
        if (!enabled()) {
            return Expectation.NONE;
        }
        return new Expectation(confidence ? model.dataConfidence() : Double.NaN, forecast);
    }

    private static double[] toDouble(final float[] f) {
        final double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
