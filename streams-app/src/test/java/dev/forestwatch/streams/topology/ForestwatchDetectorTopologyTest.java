package dev.forestwatch.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.offline.OfflineScorer;
import dev.forestwatch.streams.topology.Harness.Out;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detector=forestwatch in the production topology: same outputs as offline, exact after restores and evictions. */
class ForestwatchDetectorTopologyTest {

    private static final Map<String, Object> FW = Map.of(AppConfig.DETECTOR_CONFIG, "forestwatch");

    /** What a record's output says, by input offset: score, likelihood, grade and flag, as text to compare exactly. */
    private static List<String> outputs(final List<Out> out, final String sensor) {
        return out.stream().filter(o -> o.sensor().equals(sensor))
                .sorted((x, y) -> Long.compare(x.inputOffset(), y.inputOffset()))
                .map(o -> o.value().get("ANOMALY_SCORE").asText() + "|" + o.value().get("ANOMALY_LIKELIHOOD").asText()
                        + "|" + o.value().get("ANOMALY_GRADE").asText() + "|" + o.value().get("isAnomaly").asText())
                .toList();
    }

    private static double[] seedValues(final int n, final long seed, final boolean[] anomalous) {
        final Random rnd = new Random(seed);
        final double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            final boolean anomaly = rnd.nextDouble() < 0.01;
            if (anomalous != null) {
                anomalous[i] = anomaly;
            }
            v[i] = anomaly ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
        }
        return v;
    }

    @Test
    void theStreamGivesTheOfflineCommandsOutputs(@TempDir final Path tmp) throws IOException {
        final double[] values = seedValues(1500, 5, null);
        final StringBuilder csv = new StringBuilder("iotValue\n");
        for (final double v : values) {
            csv.append((long) v).append('\n');
        }
        final Path in = tmp.resolve("DemoSensor.csv");
        Files.writeString(in, csv, StandardCharsets.UTF_8);
        final Path out = tmp.resolve("scored.csv");
        new OfflineScorer(new AppConfig(new HashMap<>(FW)), new PrintStream(OutputStream.nullOutputStream()))
                .score(in, out);
        final List<String> offline = new ArrayList<>();
        final List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines.get(0))
                .isEqualTo("iotValue,ANOMALY_SCORE,ANOMALY_GRADE,isAnomaly,ANOMALY_LIKELIHOOD,ANOMALY_CONFIDENCE");
        for (final String line : lines.subList(1, lines.size())) {
            final String[] c = line.split(",");
            offline.add(c[1] + "|" + c[4] + "|" + c[2] + "|" + c[3]);
        }
        try (Harness h = new Harness(FW)) {
            for (int i = 0; i < values.length; i++) {
                h.send("DemoSensor", values[i], Harness.T0.plusMillis(i * 50L));
            }
            h.idle();
            assertThat(outputs(h.drain(), "DemoSensor")).hasSize(values.length).isEqualTo(offline);
        }
    }

    /** The seed's point anomalies (1% of readings at 100-120 among 10-20) are flagged, each one, by the point rule. */
    @Test
    void seedDataAnomaliesAreFlaggedAndNormalReadingsAreNot() {
        final boolean[] anomalous = new boolean[4000];
        final double[] values = seedValues(4000, 2017, anomalous);
        try (Harness h = new Harness(FW)) {
            for (int i = 0; i < values.length; i++) {
                h.send("DemoSensor", values[i], Harness.T0.plusMillis(i * 50L));
            }
            h.idle();
            final List<Out> out = h.drain().stream()
                    .sorted((x, y) -> Long.compare(x.inputOffset(), y.inputOffset())).toList();
            int anomalies = 0;
            int flaggedAnomalies = 0;
            int flaggedNormals = 0;
            double minAnomaly = Double.MAX_VALUE;
            double maxNormal = 0;
            for (int i = 400; i < values.length; i++) {
                final double l = out.get(i).value().get("ANOMALY_LIKELIHOOD").asDouble();
                final boolean flagged = out.get(i).value().get("isAnomaly").asBoolean();
                if (anomalous[i]) {
                    anomalies++;
                    flaggedAnomalies += flagged ? 1 : 0;
                    minAnomaly = Math.min(minAnomaly, l);
                } else {
                    flaggedNormals += flagged ? 1 : 0;
                    maxNormal = Math.max(maxNormal, l);
                }
            }
            assertThat(anomalies).isGreaterThan(20);
            assertThat(flaggedAnomalies).isGreaterThanOrEqualTo((int) (anomalies * 0.9));
            assertThat(flaggedNormals).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void stateRestoredFromTheChangelogsGivesTheUninterruptedOutputs() {
        final Map<String, Object> cfg = new HashMap<>(FW);
        cfg.put(AppConfig.SNAPSHOT_INTERVAL_CONFIG, 100);
        final double[] values = seedValues(1400, 21, null);
        final List<String> uninterrupted = new ArrayList<>();
        try (Harness h = new Harness(cfg)) {
            for (int i = 0; i < values.length; i++) {
                h.send(i % 2 == 0 ? "A" : "B", values[i], Harness.T0.plusMillis(i * 100L));
            }
            h.idle();
            final List<Out> out = h.drain();
            uninterrupted.addAll(outputs(out, "A"));
            uninterrupted.addAll(outputs(out, "B"));
        }
        final List<Out> firstOut;
        final List<Out> secondOut;
        final Map<String, Map<Bytes, byte[]>> changelogs = new HashMap<>();
        try (Harness first = new Harness(cfg)) {
            for (int i = 0; i < 951; i++) { // stops between two snapshots: the restore replays the value log
                first.send(i % 2 == 0 ? "A" : "B", values[i], Harness.T0.plusMillis(i * 100L));
            }
            first.idle();
            firstOut = first.drain();
            changelogs.putAll(first.changelogs());
        }
        try (Harness second = new Harness(cfg)) {
            second.restore(changelogs);
            for (int i = 951; i < values.length; i++) {
                second.send(i % 2 == 0 ? "A" : "B", values[i], Harness.T0.plusMillis(i * 100L));
            }
            second.idle();
            secondOut = second.drain();
        }
        final List<String> restored = new ArrayList<>(outputs(firstOut, "A"));
        restored.addAll(outputs(secondOut, "A"));
        restored.addAll(outputs(firstOut, "B"));
        restored.addAll(outputs(secondOut, "B"));
        assertThat(restored).hasSize(values.length).isEqualTo(uninterrupted);
    }

    @Test
    void evictedSensorsGiveTheOutputsOfSensorsNeverEvicted() {
        final Map<String, Object> cramped = new HashMap<>(FW);
        cramped.put(AppConfig.CACHE_MAX_SENSORS_CONFIG, 2);
        cramped.put(AppConfig.SNAPSHOT_INTERVAL_CONFIG, 37);
        assertThat(manySensors(cramped)).isEqualTo(manySensors(FW));
    }

    /** Six sensors taking turns in bursts of 20, so that each comes back after a small cache has dropped it. */
    private static List<String> manySensors(final Map<String, Object> cfg) {
        try (Harness h = new Harness(cfg)) {
            final Random rnd = new Random(11);
            long t = 0;
            for (int round = 0; round < 25; round++) {
                for (int s = 0; s < 6; s++) {
                    for (int i = 0; i < 20; i++) {
                        h.send("sensor-" + s, s * 10 + rnd.nextInt(11), Harness.T0.plusMillis(t += 10));
                    }
                }
            }
            h.idle();
            final List<Out> out = h.drain();
            final List<String> all = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                all.addAll(outputs(out, "sensor-" + s));
            }
            assertThat(all.stream().filter(x -> !x.split("\\|")[1].equals("0.0")).count()).isGreaterThan(6 * 100);
            return all;
        }
    }
}
