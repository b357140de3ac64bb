package dev.forestwatch.streams.metrics;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * forestwatch's counters, registered as Kafka Streams metrics (group {@code stream-forestwatch-metrics}, tag
 * {@code forestwatch-id} = task id) so they show up in JMX next to Streams' own, each as a -total and a -rate.
 */
public final class TaskMetrics {

    public static final String SCOPE = "forestwatch";

    private final StreamsMetrics metrics;
    private final String entity;
    private final Map<String, Sensor> sensors = new HashMap<>();

    public TaskMetrics(final StreamsMetrics metrics, final String taskId) {
        this.metrics = metrics;
        this.entity = taskId;
    }

    public void record(final String operation) {
        sensors.computeIfAbsent(operation,
                op -> metrics.addRateTotalSensor(SCOPE, entity, op, Sensor.RecordingLevel.INFO)).record();
    }
}
