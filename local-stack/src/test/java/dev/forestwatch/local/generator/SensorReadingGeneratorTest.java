package dev.forestwatch.local.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SensorReadingGeneratorTest {

    @Test
    void oneSensorIsNamedLikeTheSeedSeveralAreNumbered() {
        assertThat(SensorReadingGenerator.sensorNames(1)).containsExactly("DemoSensor");
        assertThat(SensorReadingGenerator.sensorNames(3)).containsExactly("DemoSensor-1", "DemoSensor-2",
                "DemoSensor-3");
    }

    @Test
    void valuesComeFromTheSeedRangesAndTheAnomalyShareIsAboutTheRatio() {
        List<SensorReading> readings = generate(new SensorReadingGenerator(1, 0.05, 42), 20_000);

        assertThat(readings).allSatisfy(r -> {
            if (r.anomaly()) {
                assertThat(r.value()).isBetween(100, 120);
            } else {
                assertThat(r.value()).isBetween(10, 20);
            }
        });
        // Both ends of both ranges occur: the bounds are inclusive, like Python's randint.
        assertThat(readings).extracting(SensorReading::value).contains(10, 20, 100, 120);
        double share = readings.stream().filter(SensorReading::anomaly).count() / 20_000.0;
        assertThat(share).isBetween(0.04, 0.06);
    }

    @Test
    void sensorsTakeTurns() {
        List<String> sensors = generate(new SensorReadingGenerator(3, 0.01, 1), 6).stream()
                .map(SensorReading::sensor).collect(Collectors.toList());

        assertThat(sensors).containsExactly("DemoSensor-1", "DemoSensor-2", "DemoSensor-3",
                "DemoSensor-1", "DemoSensor-2", "DemoSensor-3");
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        assertThat(generate(new SensorReadingGenerator(2, 0.2, 99), 500))
                .isEqualTo(generate(new SensorReadingGenerator(2, 0.2, 99), 500));
    }

    @Test
    void ratioZeroAndOneAreExact() {
        assertThat(generate(new SensorReadingGenerator(1, 0, 5), 1000)).noneMatch(SensorReading::anomaly);
        assertThat(generate(new SensorReadingGenerator(1, 1, 5), 1000)).allMatch(SensorReading::anomaly);
    }

    @Test
    void jsonHasExactlyTheSeedShape() {
        assertThat(new SensorReading("DemoSensor", 15, false).toJson())
                .isEqualTo("{\"iotName\":\"DemoSensor\",\"iotValue\":15}");
    }

    private static List<SensorReading> generate(SensorReadingGenerator generator, int n) {
        return IntStream.range(0, n).mapToObj(i -> generator.next()).collect(Collectors.toList());
    }
}
