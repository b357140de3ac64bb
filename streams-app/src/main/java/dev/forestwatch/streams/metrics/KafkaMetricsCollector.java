package dev.forestwatch.streams.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Kafka metrics (Streams' own, its clients', forestwatch's task metrics) as Prometheus series, read when scraped:
 * the record path keeps recording into Kafka's sensors only, so serving Prometheus costs nothing per record.
 *
 * <p>forestwatch's group becomes {@code forestwatch_*} with the task as label {@code task}; the per-reason dead-letter
 * counters become one family, {@code forestwatch_dead_letters_total{reason=...}} (their sum and every {@code -rate}
 * are left out: Prometheus computes both). Every other group becomes {@code kafka_streams_<group>_<name>}. Names
 * ending in {@code -total} (Kafka's cumulative counts and sums) are counters, the rest gauges; values that are not
 * numbers (versions, ids, states) are skipped.
 */
public final class KafkaMetricsCollector implements MultiCollector {

    private static final Pattern DEAD_LETTER_REASON = Pattern.compile("dead-letter-(.+)-total");
    private static final String STREAM_PREFIX = "stream-";
    private static final String GROUP_SUFFIX = "-metrics";

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;

    public KafkaMetricsCollector(final Supplier<Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = metrics;
    }

    /** One series before it is grouped into a family. */
    private record Point(String family, boolean counter, String help, Labels labels, double value) {
    }

    @Override
    public MetricSnapshots collect() {
        final Map<String, List<Point>> families = new TreeMap<>();
        for (final Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
            final Object v = e.getValue().metricValue();
            if (v instanceof Number n) {
                final Point p = point(e.getKey(), n.doubleValue());
                if (p != null) {
                    families.computeIfAbsent(p.family(), f -> new ArrayList<>()).add(p);
                }
            }
        }
        final List<MetricSnapshot> out = new ArrayList<>(families.size());
        families.values().forEach(points -> {
            final MetricSnapshot s = snapshot(points);
            if (s != null) {
                out.add(s);
            }
        });
        return new MetricSnapshots(out);
    }

    /** The series a Kafka metric becomes, or null for the ones left out. */
    static Point point(final MetricName m, final double value) {
        final String name = m.name();
        if (name.endsWith("-rate")) {
            return null; // Prometheus' rate() over the counter is the rate
        }
        final boolean counter = name.endsWith("-total");
        final String base = counter ? name.substring(0, name.length() - "-total".length()) : name;
        final Labels.Builder labels = Labels.builder();
        if (TaskMetrics.GROUP.equals(m.group())) {
            if (name.equals("dead-letter-total")) {
                return null; // the sum of the per-reason series
            }
            String family = TaskMetrics.SCOPE + "_" + base;
            final Matcher reason = DEAD_LETTER_REASON.matcher(name);
            if (reason.matches()) {
                family = TaskMetrics.SCOPE + "_dead_letters";
                labels.label("reason", reason.group(1));
            }
            m.tags().forEach((k, v) -> labels.label(TaskMetrics.TASK_TAG.equals(k) ? "task" : label(k), v));
            return new Point(metricName(family), counter, m.description(), labels.build(), value);
        }
        m.tags().forEach((k, v) -> labels.label(label(k), v));
        return new Point(metricName("kafka_streams_" + groupPart(m.group()) + "_" + base), counter,
                m.description(), labels.build(), value);
    }

    /** {@code stream-thread-metrics} -> {@code thread}, {@code consumer-fetch-manager-metrics} -> as is, less the suffix. */
    private static String groupPart(final String group) {
        String g = group.endsWith(GROUP_SUFFIX) ? group.substring(0, group.length() - GROUP_SUFFIX.length()) : group;
        if (g.startsWith(STREAM_PREFIX)) {
            g = g.substring(STREAM_PREFIX.length());
        }
        return g.equals("stream") ? "client" : g;
    }

    private static String metricName(final String raw) {
        return PrometheusNaming.sanitizeMetricName(raw.replace('-', '_').replace('.', '_'));
    }

    private static String label(final String raw) {
        return PrometheusNaming.sanitizeLabelName(raw.replace('-', '_').replace('.', '_'));
    }

    /**
     * One family; null when its points disagree on the type or repeat a label set (two Kafka names that sanitize to
     * one), which a scraper would refuse: better one family missing than the whole scrape.
     */
    private static MetricSnapshot snapshot(final List<Point> points) {
        final Point first = points.get(0);
        final String help = first.help() == null || first.help().isEmpty() ? first.family() : first.help();
        try {
            if (first.counter()) {
                final CounterSnapshot.Builder b = CounterSnapshot.builder().name(first.family()).help(help);
                for (final Point p : points) {
                    if (!p.counter()) {
                        return null;
                    }
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(p.labels())
                            .value(Math.max(p.value(), 0.0)).build());
                }
                return b.build();
            }
            final GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(first.family()).help(help);
            for (final Point p : points) {
                if (p.counter()) {
                    return null;
                }
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(p.labels()).value(p.value())
                        .build());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
