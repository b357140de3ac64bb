package dev.forestwatch.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.output.OutputRecord;
import dev.forestwatch.streams.topology.Harness.Out;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** ANOMALY_CONFIDENCE and the forecast band through the production topology. */
class RicherOutputTopologyTest {

    private static final int RECORDS = 1500;

    @Test
    void confidenceIsOnByDefaultAndTheBandIsOff() {
        final List<Out> out = run(Map.of(), 300);
        assertThat(out).hasSize(300).allSatisfy(o -> {
            assertThat(o.value().has(OutputRecord.ANOMALY_CONFIDENCE)).isTrue();
            assertThat(o.value().has(OutputRecord.LOWER_BAND)).isFalse();
            assertThat(o.value().has(OutputRecord.EXPECTED_VALUE)).isFalse();
        });
        // 0 while the forest warms up (the first 256 records), then rising
        assertThat(out.subList(0, 256)).allSatisfy(o -> assertThat(confidence(o)).isZero());
        for (int i = 257; i < out.size(); i++) {
            assertThat(confidence(out.get(i))).isGreaterThan(confidence(out.get(i - 1)));
        }
    }

    @Test
    void bothOffLeaveTheOutputAsBefore() {
        assertThat(run(Map.of(AppConfig.CONFIDENCE_ENABLED_CONFIG, false), 50)).hasSize(50)
                .allSatisfy(o -> assertThat(o.value().has(OutputRecord.ANOMALY_CONFIDENCE)).isFalse());
    }

    /**
     * The seed's data: the band (shingle 1: the range of the sensor's typical recent values) holds most normal
     * readings and none of the 100-120 anomalies, and comes only once the forest is ready.
     */
    @Test
    void theBandHoldsMostNormalSeedReadingsAndNoAnomaly() {
        final List<Out> out = run(Map.of(AppConfig.EXPECTED_ENABLED_CONFIG, true), RECORDS);
        assertThat(out.subList(0, 256)).allSatisfy(o -> assertThat(o.value().has(OutputRecord.LOWER_BAND)).isFalse());
        int normal = 0;
        int normalInside = 0;
        int anomalies = 0;
        for (final Out o : out.subList(256, out.size())) {
            final double value = o.value().get("iotValue").asDouble();
            final double lower = o.value().get(OutputRecord.LOWER_BAND).get("iotValue").asDouble();
            final double upper = o.value().get(OutputRecord.UPPER_BAND).get("iotValue").asDouble();
            final double expected = o.value().get(OutputRecord.EXPECTED_VALUE).get("iotValue").asDouble();
            assertThat(expected).isBetween(lower, upper).isBetween(10.0, 20.0);
            if (value >= 100) {
                anomalies++;
                assertThat(value).as("anomaly at offset %d", o.inputOffset()).isGreaterThan(upper);
            } else {
                normal++;
                normalInside += value >= lower && value <= upper ? 1 : 0;
            }
        }
        assertThat(anomalies).isGreaterThan(5);
        // the trees' 10th to 90th percentiles of typical values: 65% here, 78% over 20,000 records
        assertThat((double) normalInside / normal).isGreaterThan(0.6);
    }

    @Test
    void theBandLeavesTheScoresAsTheyWere() {
        final Map<Long, Double> off = scores(run(Map.of(), 600));
        assertThat(scores(run(Map.of(AppConfig.EXPECTED_ENABLED_CONFIG, true), 600))).isEqualTo(off);
        assertThat(off.values().stream().filter(s -> s > 0).count()).isGreaterThan(300);
    }

    private static Map<Long, Double> scores(final List<Out> out) {
        return out.stream().collect(Collectors.toMap(Out::inputOffset, Out::score));
    }

    private static double confidence(final Out o) {
        return o.value().get(OutputRecord.ANOMALY_CONFIDENCE).asDouble();
    }

    /** The seed's generator, one sensor; output in input order. */
    private static List<Out> run(final Map<String, Object> overrides, final int records) {
        try (Harness h = new Harness(overrides)) {
            final Random rnd = new Random(2017);
            for (int i = 0; i < records; i++) {
                h.send("DemoSensor", rnd.nextDouble() < 0.01 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11),
                        Harness.T0.plusMillis(i * 50L));
            }
            h.idle();
            return h.drain().stream().sorted(Comparator.comparingLong(Out::inputOffset)).toList();
        }
    }
}
