package dev.forestwatch.local.generator;

/** One simulated measurement; {@code anomaly} says whether it was drawn from the anomaly range. */
public record SensorReading(String sensor, int value, boolean anomaly) {

    /**
     * The record value, in exactly the seed generator's shape: {@code {"iotName":"DemoSensor","iotValue":15}}.
     * Sensor names are generated here ({@code DemoSensor[-n]}), so they need no JSON escaping.
     */
    public String toJson() {
        return "{\"iotName\":\"" + sensor + "\",\"iotValue\":" + value + "}";
    }
}
