package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpectationReaderTest {

    private static final ExpectationReader BOTH = new ExpectationReader(true, true);

    private static ModelSettings small(final int shingle) {
        return new ModelSettings(30, 64, 10_000, shingle, 64, 1L, 1.5, 3.0, false);
    }

    private static double seedValue(final Random rnd) {
        return rnd.nextDouble() < 0.01 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
    }

    @Test
    void noBandWhileTheForestWarmsUpNorWhenOff() {
        final SensorModel m = SensorModel.create(small(1), "S", new String[]{"v"});
        final Random rnd = new Random(1);
        for (int i = 1; i <= 64; i++) {
            final double v = seedValue(rnd);
            assertThat(BOTH.forecast(m, new double[]{v})).isNull();
            m.process(new double[]{v}, i);
            assertThat(BOTH.read(m, null).confidence()).isZero();
        }
        assertThat(BOTH.forecast(m, new double[]{15})).isNotNull();
        assertThat(new ExpectationReader(true, false).forecast(m, new double[]{15})).isNull();
        assertThat(new ExpectationReader(false, false).read(m, null)).isEqualTo(Expectation.NONE);
    }

    /** Causal: the band is what the forest expected before it saw the record, so the record cannot move it. */
    @Test
    void theRecordsOwnValueDoesNotMoveItsBand() {
        final SensorModel m = warmed(small(1), 500, 2);
        final Expectation.Band normal = BOTH.forecast(m, new double[]{15});
        final Expectation.Band anomaly = BOTH.forecast(m, new double[]{115});
        assertThat(anomaly).usingRecursiveComparison().isEqualTo(normal);
        assertThat(normal.lower()[0]).isBetween(10.0, 15.0);
        assertThat(normal.upper()[0]).isBetween(15.0, 20.0);
        assertThat(normal.expected()[0]).isBetween(normal.lower()[0], normal.upper()[0]);
    }

    /** Taking the forecast reads the forest only: a twin that never forecasts scores the same. */
    @Test
    void forecastingLeavesTheScoresAsTheyWere() {
        final SensorModel with = SensorModel.create(small(1), "S", new String[]{"v"});
        final SensorModel without = SensorModel.create(small(1), "S", new String[]{"v"});
        final Random rnd = new Random(3);
        for (int i = 1; i <= 400; i++) {
            final double[] v = {seedValue(rnd)};
            BOTH.forecast(with, v);
            assertThat(with.process(v, i).score()).isEqualTo(without.process(v, i).score());
        }
    }

    @Test
    void aRestoredForestForecastsAndConfidesExactlyAsTheOriginal() {
        final SensorModel original = warmed(small(4), 300, 4);
        final SensorModel restored = ModelCodec.decode(ModelCodec.encode(original, 300), false).model();
        final double[] next = {14};
        final Expectation.Band originalBand = BOTH.forecast(original, next);
        final Expectation.Band restoredBand = BOTH.forecast(restored, next);
        assertThat(restored.process(next, 301).score()).isEqualTo(original.process(next, 301).score());
        final Expectation a = BOTH.read(original, originalBand);
        assertThat(BOTH.read(restored, restoredBand)).usingRecursiveComparison().isEqualTo(a);
        assertThat(a.confidence()).isGreaterThan(0.0).isLessThan(1.0);
    }

    /** With a shingle the band is conditioned on the preceding records: a repeating cycle is forecast in step. */
    @Test
    void withAShingleTheForecastFollowsTheRecentRecords() {
        final SensorModel m = SensorModel.create(small(4), "S", new String[]{"v"});
        final double[] cycle = {10, 20, 30, 40};
        final Random rnd = new Random(5);
        for (int i = 0; i < 600; i++) {
            m.process(new double[]{cycle[i % 4] + rnd.nextGaussian() * 0.5}, i + 1);
        }
        for (int i = 600; i < 608; i++) {
            final double due = cycle[i % 4];
            final Expectation.Band band = BOTH.forecast(m, new double[]{0});
            assertThat(band.expected()[0]).as("record %d", i).isCloseTo(due, org.assertj.core.data.Offset.offset(2.0));
            assertThat(band.lower()[0]).isLessThanOrEqualTo(due + 1);
            assertThat(band.upper()[0]).isGreaterThanOrEqualTo(due - 1);
            m.process(new double[]{due}, i + 1);
        }
    }

    @Test
    void eachValueFieldGetsItsOwnBand() {
        final SensorModel m = SensorModel.create(small(1), "S", new String[]{"temp", "humidity"});
        final Random rnd = new Random(6);
        for (int i = 1; i <= 300; i++) {
            m.process(new double[]{20 + rnd.nextInt(3), 60 + rnd.nextInt(5)}, i);
        }
        final Expectation.Band band = BOTH.forecast(m, new double[]{21, 62});
        assertThat(band.expected()[0]).isBetween(20.0, 22.0);
        assertThat(band.expected()[1]).isBetween(60.0, 64.0);
        assertThat(band.lower()).hasSize(2);
        assertThat(band.upper()[1]).isGreaterThanOrEqualTo(band.lower()[1]);
    }

    private static SensorModel warmed(final ModelSettings s, final int records, final long seed) {
        final SensorModel m = SensorModel.create(s, "S", new String[]{"v"});
        final Random rnd = new Random(seed);
        for (int i = 1; i <= records; i++) {
            m.process(new double[]{seedValue(rnd)}, i);
        }
        return m;
    }
}
