package dev.forestwatch.local.generator;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The seed's Python generator as a deterministic sequence: with probability {@code anomalyRatio} a
 * value uniform in [100, 120], else uniform in [10, 20] (both inclusive, like Python's randint).
 * Sensors take turns, so each gets an equal share of the rate.
 */
public final class SensorReadingGenerator {
    static final int NORMAL_MIN = 10;
    static final int NORMAL_MAX = 20;
    static final int ANOMALY_MIN = 100;
    static final int ANOMALY_MAX = 120;
    static final String SENSOR_NAME = "DemoSensor";

    private final List<String> sensors;
    private final double anomalyRatio;
    private final SplittableRandom random;
    private long index;

    SensorReadingGenerator(int sensorCount, double anomalyRatio, long seed) {
        this.sensors = sensorNames(sensorCount);
        this.anomalyRatio = anomalyRatio;
        this.random = new SplittableRandom(seed);
    }

    /** {@code DemoSensor} for one sensor (as in the seed), else {@code DemoSensor-1..N}. */
    public static List<String> sensorNames(int count) {
        if (count == 1) {
            return List.of(SENSOR_NAME);
        }
        return IntStream.rangeClosed(1, count).mapToObj(i -> SENSOR_NAME + "-" + i)
                .collect(Collectors.toUnmodifiableList());
    }

    List<String> sensors() {
        return sensors;
    }

    SensorReading next() {
        String sensor = sensors.get((int) (index++ % sensors.size()));
        boolean anomaly = random.nextDouble() < anomalyRatio;
        int value = anomaly
                ? random.nextInt(ANOMALY_MIN, ANOMALY_MAX + 1)
                : random.nextInt(NORMAL_MIN, NORMAL_MAX + 1);
        return new SensorReading(sensor, value, anomaly);
    }
}
