package dev.forestwatch.streams.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with the service forestwatch replaces: the offline command at RANDOM_CUT_FOREST's defaults against the
 * KDA outputs published with NAB ({@code kda-rcf-results/}, scores divided by 8 there).
 */
class NabParityTest {

    @Test
    void reproducesTheKinesisDataAnalyticsScoresOnNab(@TempDir final Path tmp) throws IOException {
        final Path nab = nabDir();
        final List<Path> series;
        try (Stream<Path> s = Files.walk(nab.resolve("data"))) {
            series = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        assertThat(series).hasSizeGreaterThanOrEqualTo(18);
        final List<Double> correlations = new ArrayList<>();
        final StringBuilder table = new StringBuilder("| series | records | Pearson r |\n|---|---|---|\n");
        for (final Path csv : series) {
            final Path out = tmp.resolve(csv.getFileName());
            final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            new OfflineScorer(new AppConfig(Map.of()), quiet).score(csv, out);
            final double[] ours = column(out, "ANOMALY_SCORE", 1.0 / 8.0);
            final Path kdaFile = nab.resolve("kda-rcf-results").resolve(nab.resolve("data").relativize(csv).getParent())
                    .resolve("randomCutForest_" + csv.getFileName());
            final double[] kda = column(kdaFile, "anomaly_score", 1.0);
            assertThat(ours).as(csv.getFileName().toString()).hasSameSizeAs(kda);
            assertThat(leadingZeros(ours)).as("warm-up zeros of %s", csv.getFileName()).isEqualTo(256)
                    .isEqualTo(leadingZeros(kda));
            if (constantAfter(ours, 256) && constantAfter(kda, 256)) {
                // a flat line: both score every record alike and a correlation is undefined
                table.append(String.format("| %s | %d | n/a (both constant) |%n", csv.getFileName(), ours.length));
                continue;
            }
            final double r = pearson(ours, kda, 256);
            correlations.add(r);
            table.append(String.format("| %s | %d | %.3f |%n", csv.getFileName(), ours.length, r));
        }
        final List<Double> sorted = correlations.stream().sorted().toList();
        final double median = (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2;
        table.append(String.format("| **median of %d** | | **%.3f** (min %.3f) |%n", sorted.size(), median,
                sorted.get(0)));
        System.out.print(table);
        assertThat(correlations).hasSizeGreaterThanOrEqualTo(series.size() - 1);
        assertThat(median).isGreaterThanOrEqualTo(0.98);
    }

    static Path nabDir() {
        final Path shared = Path.of(System.getProperty("forestwatch.shared.dir", "../../shared"));
        final Path nab = shared.resolve("data").resolve("nab");
        if (!Files.isDirectory(nab)) {
            // CI always lays shared/ beside the clone: missing data there is a broken setup, not a reason to skip
            assertThat(System.getenv("CI")).as("NAB data at %s", nab.toAbsolutePath()).isNull();
            Assumptions.abort("NAB data not found at " + nab.toAbsolutePath());
        }
        return nab;
    }

    private static boolean constantAfter(final double[] xs, final int from) {
        for (int i = from + 1; i < xs.length; i++) {
            if (xs[i] != xs[from]) {
                return false;
            }
        }
        return true;
    }

    private static int leadingZeros(final double[] xs) {
        int n = 0;
        while (n < xs.length && xs[n] == 0.0) {
            n++;
        }
        return n;
    }

    private static double[] column(final Path csv, final String name, final double scale) throws IOException {
        final List<String> lines = Files.readAllLines(csv);
        final int col = Csv.split(lines.get(0)).indexOf(name);
        assertThat(col).as("column %s in %s", name, csv).isNotNegative();
        final double[] xs = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            xs[i - 1] = Double.parseDouble(Csv.split(lines.get(i)).get(col)) * scale;
        }
        return xs;
    }

    static double pearson(final double[] x, final double[] y, final int from) {
        final int n = x.length - from;
        double mx = 0;
        double my = 0;
        for (int i = from; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = from; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
