package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A smaller bounding-box cache trades CPU for heap and must never change a score. */
class BoundingBoxCacheTest {

    @Test
    void aPartialBoundingBoxCacheScoresExactlyLikeAFullOne() {
        for (final Detector detector : Detector.values()) {
            final ModelSettings full = ModelSettings.serviceDefaults().withDetector(detector);
            final SensorModel cached = SensorModel.create(full, "s", new String[]{"v"});
            final SensorModel partial = SensorModel.create(full.withBoundingBoxCacheFraction(0.1), "s",
                    new String[]{"v"});
            final Random rnd = new Random(11);
            int positive = 0;
            for (int i = 1; i <= 2000; i++) {
                final double v = rnd.nextDouble() < 0.01 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
                final Score a = cached.process(new double[]{v}, i);
                final Score b = partial.process(new double[]{v}, i);
                assertThat(b.score()).as("%s score at %d", detector, i).isEqualTo(a.score());
                assertThat(b.grade()).as("%s grade at %d", detector, i).isEqualTo(a.grade());
                positive += a.score() > 0 ? 1 : 0;
            }
            assertThat(positive).isGreaterThan(1000);
        }
    }
}
