package dev.forestwatch.streams.metrics;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * forestwatch's counters, registered as Kafka Streams metrics (group {@code stream-forestwatch-metrics}, tag
 * {@code forestwatch-id} = task id) so they show up in JMX next to Streams' own, each as a -total and a -rate, and
 * on the Prometheus endpoint ({@link PrometheusEndpoint}), which reads them when scraped.
 */
public final class TaskMetrics {

    public static final String SCOPE = "forestwatch";
    public static final String GROUP = "stream-" + SCOPE + "-metrics";
    public static final String TASK_TAG = SCOPE + "-id";

    private final StreamsMetrics metrics;
    private final String entity;
    private final Map<String, Sensor> sensors = new HashMap<>();
    /** Sensors of this task's own making (gauges, sums): removed on close, so a task gone elsewhere stops reporting. */
    private final Map<String, Sensor> owned = new HashMap<>();

    public TaskMetrics(final StreamsMetrics metrics, final String taskId) {
        this.metrics = metrics;
        this.entity = taskId;
    }

    public void record(final String operation) {
        sensors.computeIfAbsent(operation,
                op -> metrics.addRateTotalSensor(SCOPE, entity, op, Sensor.RecordingLevel.INFO)).record();
    }

    /** Adds {@code amount} to {@code <name>-total} (e.g. bytes written), beside a count kept by {@link #record}. */
    public void add(final String name, final double amount) {
        owned.computeIfAbsent(name, n -> {
            final Sensor s = sensor(n);
            s.add(metricName(n + "-total", "Sum of " + n), new CumulativeSum());
            return s;
        }).record(amount);
    }

    /** Sets the gauge {@code name} to its latest value and keeps {@code name-max}, the largest of the last minute. */
    public void gauge(final String name, final double value) {
        owned.computeIfAbsent(name, n -> {
            final Sensor s = sensor(n);
            s.add(metricName(n, "Latest " + n), new Value());
            s.add(metricName(n + "-max", "Largest " + n + " in the last samples"), new Max());
            return s;
        }).record(value);
    }

    /** Removes this task's gauges and sums; the rate/total sensors stay, as Streams keeps its own. */
    public void close() {
        owned.values().forEach(metrics::removeSensor);
        owned.clear();
    }

    private Sensor sensor(final String name) {
        return metrics.addSensor(SCOPE + "." + entity + "." + name, Sensor.RecordingLevel.INFO);
    }

    private MetricName metricName(final String name, final String description) {
        return new MetricName(name, GROUP, description, Map.of(TASK_TAG, entity));
    }
}
