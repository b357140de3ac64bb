package dev.forestwatch.streams.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offline scorer keeps at most forest.cache.max.sensors forests in memory; a sensor evicted and restored
 * through the snapshot codec must score exactly as if it had stayed, or the bound would change the output.
 */
class OfflineScorerCacheTest {

    private static final int SENSORS = 3;
    /** Past the 256-record warm-up, so the later records get a non-zero score that a lossy restore would change. */
    private static final int PER_SENSOR = 300;

    @ParameterizedTest
    @ValueSource(strings = {"kda", "forestwatch"})
    void scoresIdenticallyWithACacheSmallerThanTheSensors(final String detector, @TempDir final Path tmp)
            throws IOException {
        final Path in = tmp.resolve("readings.ndjson");
        Files.write(in, readings(), StandardCharsets.UTF_8);

        final Path bounded = tmp.resolve("cache-2.ndjson");
        final OfflineScorer.Summary small = scorer(detector, 2).score(in, bounded);
        final Path unbounded = tmp.resolve("cache-1000.ndjson");
        final OfflineScorer.Summary large = scorer(detector, 1000).score(in, unbounded);

        assertThat(small.records()).isEqualTo((long) SENSORS * PER_SENSOR).isEqualTo(large.records());
        assertThat(small.sensors()).isEqualTo(SENSORS).isEqualTo(large.sensors());
        final List<String> expected = Files.readAllLines(unbounded, StandardCharsets.UTF_8);
        assertThat(expected.stream().filter(l -> !l.contains("\"ANOMALY_SCORE\":0.0")))
                .hasSizeGreaterThanOrEqualTo(SENSORS * (PER_SENSOR - 256));
        assertThat(Files.readAllLines(bounded, StandardCharsets.UTF_8)).containsExactlyElementsOf(expected);
        assertThat(expected.stream().filter(l -> l.contains("\"LOWER_BAND\":{\"iotValue\""))).hasSize(
                SENSORS * (PER_SENSOR - 256));
    }

    /** The CSV gets one column per value field for each part of the band, empty while the forest warms up. */
    @Test
    void csvOutputHasTheConfidenceAndBandColumns(@TempDir final Path tmp) throws IOException {
        final Path in = tmp.resolve("series.csv");
        final List<String> rows = new ArrayList<>(List.of("timestamp,value"));
        for (int i = 0; i < 300; i++) {
            rows.add("2026-01-01 00:" + (i / 60) + ":" + (i % 60) + "," + (10 + i % 11));
        }
        Files.write(in, rows, StandardCharsets.UTF_8);
        final Path out = tmp.resolve("scored.csv");
        scorer("kda", 1000).score(in, out);
        final List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(301);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,ANOMALY_SCORE,ANOMALY_GRADE,isAnomaly,ANOMALY_CONFIDENCE,"
                + "EXPECTED_VALUE.value,LOWER_BAND.value,UPPER_BAND.value");
        assertThat(lines.get(1)).endsWith(",0.0,,,");
        final String[] last = lines.get(300).split(",");
        assertThat(Double.parseDouble(last[5])).isPositive();
        assertThat(Double.parseDouble(last[7])).isLessThanOrEqualTo(Double.parseDouble(last[6]))
                .isGreaterThanOrEqualTo(10.0);
        assertThat(Double.parseDouble(last[8])).isGreaterThanOrEqualTo(Double.parseDouble(last[6]))
                .isLessThanOrEqualTo(20.0);
    }

    private static OfflineScorer scorer(final String detector, final int cacheSensors) {
        final Map<String, Object> settings = new HashMap<>();
        settings.put(AppConfig.DETECTOR_CONFIG, detector);
        settings.put(AppConfig.CACHE_MAX_SENSORS_CONFIG, Integer.toString(cacheSensors));
        settings.put(AppConfig.EXPECTED_ENABLED_CONFIG, "true");
        return new OfflineScorer(new AppConfig(settings), new PrintStream(OutputStream.nullOutputStream()));
    }

    /**
     * Sensors take turns in a shuffled order, so with a cache of 2 nearly every record evicts one forest and
     * restores another, at every point of the warm-up and likelihood history.
     */
    private static List<String> readings() {
        final Random rnd = new Random(7);
        final List<String> lines = new ArrayList<>();
        final int[] next = new int[SENSORS];
        while (lines.size() < SENSORS * PER_SENSOR) {
            final int s = rnd.nextInt(SENSORS);
            if (next[s] == PER_SENSOR) {
                continue;
            }
            final int i = next[s]++;
            final double value = 10 + s + Math.sin(i / 10.0) + rnd.nextGaussian() * 0.3 + (i % 97 == 0 ? 8 : 0);
            lines.add("{\"iotName\":\"sensor-" + s + "\",\"iotValue\":" + value + "}");
        }
        return lines;
    }
}
