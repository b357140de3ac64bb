package dev.forestwatch.streams.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's input, generated once so that every mode scores exactly the same records: the seed's readings
 * (value uniform in 10-20, with probability 1% uniform in 100-120), sensors taking turns, a fixed number of
 * records per simulated second.
 */
final class BenchData {

    static final int NORMAL_MIN = 10;
    static final int NORMAL_MAX = 20;
    static final int ANOMALY_MIN = 100;
    static final int ANOMALY_MAX = 120;
    static final double ANOMALY_RATIO = 0.01;

    /** One input record: its sensor, value, event time and the JSON the app reads. */
    record Rec(String sensor, double value, long timestampMs, byte[] json) {
    }

    private BenchData() {
    }

    static List<Rec> generate(final int count, final int sensors, final int perSecond, final long seed,
            final long startMs) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Rec> recs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String sensor = sensorName(i % sensors, sensors);
            final int value = nextValue(random);
            recs.add(new Rec(sensor, value, startMs + i * 1000L / perSecond, json(sensor, value)));
        }
        return recs;
    }

    /** {@code DemoSensor} for one sensor, as in the seed, else {@code DemoSensor-1..N}. */
    static String sensorName(final int index, final int sensors) {
        return sensors == 1 ? "DemoSensor" : "DemoSensor-" + (index + 1);
    }

    static int nextValue(final SplittableRandom random) {
        return random.nextDouble() < ANOMALY_RATIO
                ? random.nextInt(ANOMALY_MIN, ANOMALY_MAX + 1)
                : random.nextInt(NORMAL_MIN, NORMAL_MAX + 1);
    }

    static byte[] json(final String sensor, final int value) {
        return ("{\"iotName\":\"" + sensor + "\",\"iotValue\":" + value + "}").getBytes(StandardCharsets.UTF_8);
    }
}
