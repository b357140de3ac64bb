package dev.forestwatch.streams.score;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.config.ForestMode;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.returntypes.DiVector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One sensor's forest. ThresholdedRandomCutForest gives both the plain RCF score (identical to
 * RandomCutForest's with the same seed, checked against the NAB KDA outputs) and an anomaly grade.
 * Not thread-safe, as the forest's update is not.
 */
public final class SensorModel {

    /**
     * detector=forestwatch's forest: the kda preset's shape (single records, 100 trees, sample 256, memory of
     * 100,000 records, output after 256), so a point anomaly scores on its own record and the cost stays the kda
     * preset's; what differs is the likelihood stage on top ({@link ScoreLikelihood}).
     */
    static final int FW_SHINGLE = 1;
    static final int FW_TREES = 100;
    static final int FW_SAMPLE = 256;
    static final int FW_OUTPUT_AFTER = 256;
    static final double FW_TIME_DECAY = 100000;

    private final ThresholdedRandomCutForest forest;
    private final String[] fields;
    private final boolean explanation;
    private final ScoreLikelihood likelihood;
    /** The last record's data confidence, for {@link ExpectationReader}; restored forests recompute it exactly. */
    private double dataConfidence = Double.NaN;

    SensorModel(final ThresholdedRandomCutForest forest, final String[] fields, final boolean explanation) {
        this(forest, fields, explanation, null);
    }

    SensorModel(final ThresholdedRandomCutForest forest, final String[] fields, final boolean explanation,
            final ScoreLikelihood likelihood) {
        this.forest = forest;
        this.fields = fields;
        this.explanation = explanation;
        this.likelihood = likelihood;
    }

    public static SensorModel create(final ModelSettings s, final String sensorId, final String[] fields) {
        if (s.detector() == Detector.FORESTWATCH) {
            return createForestwatch(s, sensorId, fields);
        }
        final int dims = fields.length;
        final ThresholdedRandomCutForest forest = ThresholdedRandomCutForest.builder()
                .dimensions(dims * s.shingleSize())
                .shingleSize(s.shingleSize())
                .internalShinglingEnabled(true)
                .numberOfTrees(s.trees())
                .sampleSize(s.sampleSize())
                .timeDecay(1.0 / s.timeDecay())
                .outputAfter(s.outputAfter())
                .randomSeed(seedFor(s.seed(), sensorId))
                .transformMethod(TransformMethod.NONE)
                .forestMode(ForestMode.STANDARD)
                .zFactor(s.zFactor())
                .boundingBoxCacheFraction(s.boundingBoxCacheFraction())
                .build();
        forest.setLowerThreshold(s.lowerThreshold());
        return new SensorModel(forest, fields.clone(), s.explanation());
    }

    private static SensorModel createForestwatch(final ModelSettings s, final String sensorId,
            final String[] fields) {
        final ThresholdedRandomCutForest forest = ThresholdedRandomCutForest.builder()
                .dimensions(fields.length * FW_SHINGLE)
                .shingleSize(FW_SHINGLE)
                .internalShinglingEnabled(true)
                .numberOfTrees(FW_TREES)
                .sampleSize(FW_SAMPLE)
                .timeDecay(1.0 / FW_TIME_DECAY)
                .outputAfter(FW_OUTPUT_AFTER)
                .randomSeed(seedFor(s.seed(), sensorId))
                .transformMethod(TransformMethod.NONE)
                .forestMode(ForestMode.STANDARD)
                .boundingBoxCacheFraction(s.boundingBoxCacheFraction())
                .build();
        return new SensorModel(forest, fields.clone(), s.explanation(), new ScoreLikelihood(fields.length));
    }

    /** A stable per-sensor seed (FNV-1a of the id mixed with the base seed), so replays and restores agree. */
    static long seedFor(final long base, final String sensorId) {
        long h = 0xcbf29ce484222325L;
        for (final byte b : sensorId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return base ^ h;
    }

    /**
     * Scores the values, then learns them. {@code sequence} is the sensor's record number: it, not wall time, is
     * given to the forest so that a replay feeds it exactly what it saw the first time.
     */
    public Score process(final double[] values, final long sequence) {
        double[] high = null;
        double[] low = null;
        if (explanation) {
            final RandomCutForest rcf = forest.getForest();
            final float[] point = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                point[i] = (float) values[i];
            }
            final DiVector attribution = rcf.getAnomalyAttribution(rcf.transformToShingledPoint(point));
            high = new double[fields.length];
            low = new double[fields.length];
            // the shingled point is the last shingleSize records, oldest first, each block one value per field
            for (int d = 0; d < attribution.getDimensions(); d++) {
                high[d % fields.length] += attribution.high[d];
                low[d % fields.length] += attribution.low[d];
            }
        }
        final AnomalyDescriptor d = forest.process(values, sequence);
        dataConfidence = d.getDataConfidence();
        if (likelihood == null) {
            return new Score(d.getRCFScore(), d.getAnomalyGrade(), high, low);
        }
        final double l = likelihood.update(values, d.getRCFScore(), forest.getForest().isOutputReady());
        return new Score(d.getRCFScore(), l >= ScoreLikelihood.ALARM ? l : 0.0, high, low, l);
    }

    public String[] fields() {
        return fields;
    }

    public boolean acceptsFields(final String[] other) {
        return Arrays.equals(fields, other);
    }

    public Detector detector() {
        return likelihood == null ? Detector.KDA : Detector.FORESTWATCH;
    }

    /** ThresholdedRandomCutForest's data confidence for the record last processed (NaN before the first). */
    double dataConfidence() {
        return dataConfidence;
    }

    ScoreLikelihood likelihood() {
        return likelihood;
    }

    ThresholdedRandomCutForest forest() {
        return forest;
    }

}
