package dev.forestwatch.streams.score;

/** The forest parameters every sensor's model is built with. Defaults equal RANDOM_CUT_FOREST's. */
public record ModelSettings(int trees, int sampleSize, long timeDecay, int shingleSize, int outputAfter, long seed,
        double lowerThreshold, double zFactor, boolean explanation, Detector detector,
        double boundingBoxCacheFraction) {

    /** A kda model with these forest parameters, every bounding box cached (the library's default). */
    public ModelSettings(final int trees, final int sampleSize, final long timeDecay, final int shingleSize,
            final int outputAfter, final long seed, final double lowerThreshold, final double zFactor,
            final boolean explanation) {
        this(trees, sampleSize, timeDecay, shingleSize, outputAfter, seed, lowerThreshold, zFactor, explanation,
                Detector.KDA, 1.0);
    }

    /** The service's defaults: 100 trees, sample 256, time decay 100000, shingle 1, zeros while warming. */
    public static ModelSettings serviceDefaults() {
        return new ModelSettings(100, 256, 100_000L, 1, 256, 42L, 1.5, 3.0, false);
    }

    public ModelSettings withDetector(final Detector d) {
        return new ModelSettings(trees, sampleSize, timeDecay, shingleSize, outputAfter, seed, lowerThreshold,
                zFactor, explanation, d, boundingBoxCacheFraction);
    }

    public ModelSettings withBoundingBoxCacheFraction(final double fraction) {
        return new ModelSettings(trees, sampleSize, timeDecay, shingleSize, outputAfter, seed, lowerThreshold,
                zFactor, explanation, detector, fraction);
    }
}
