package dev.forestwatch.streams.nab;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.offline.OfflineScorer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs detector presets over a NAB corpus through the offline scorer and scores their outputs as NAB does. */
public final class NabEvaluation {

    /** A preset's results per profile (in {@link NabScorer#PROFILES} order) and its scoring cost. */
    public record Run(String label, List<NabScorer.Result> results, long records, double cpuSeconds) {
        public double cpuMicrosPerRecord() {
            return records == 0 ? 0 : cpuSeconds * 1e6 / records;
        }
    }

    private NabEvaluation() {
    }

    /** Scores stored outputs, e.g. NAB's published results: {@code dir/<category>/<prefix><series>.csv}. */
    public static List<NabScorer.Result> scoreStored(final NabCorpus corpus, final Path dir, final String prefix,
            final String column) throws IOException {
        final NabScorer scorer = new NabScorer();
        for (final NabCorpus.Series s : corpus.series()) {
            final Path rel = Path.of(s.name());
            final Path parent = rel.getParent();
            final String file = prefix + rel.getFileName();
            scorer.add(s, NabCorpus.column(parent == null ? dir.resolve(file) : dir.resolve(parent).resolve(file),
                    column));
        }
        return scoreAll(scorer);
    }

    /**
     * Scores every series with the offline scorer at these settings (one sensor per file, a fresh scorer per file)
     * and NAB-scores the named output column. CPU is this thread's, over the offline scorer calls only.
     */
    public static Run run(final NabCorpus corpus, final String label, final Map<String, Object> settings,
            final String column) throws IOException {
        final Path tmp = Files.createTempDirectory("forestwatch-nab-");
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        final AppConfig config = new AppConfig(new HashMap<>(settings));
        final NabScorer scorer = new NabScorer();
        long records = 0;
        long cpuNanos = 0;
        try {
            for (final NabCorpus.Series s : corpus.series()) {
                final Path out = tmp.resolve(Path.of(s.name()).getFileName());
                final long t0 = mx.getCurrentThreadCpuTime();
                final OfflineScorer.Summary summary = new OfflineScorer(config, quiet).score(s.csv(), out);
                cpuNanos += mx.getCurrentThreadCpuTime() - t0;
                records += summary.records();
                scorer.add(s, NabCorpus.column(out, column));
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (final Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return new Run(label, scoreAll(scorer), records, cpuNanos / 1e9);
    }

    private static List<NabScorer.Result> scoreAll(final NabScorer scorer) {
        final List<NabScorer.Result> results = new ArrayList<>();
        for (final NabScorer.Profile p : NabScorer.PROFILES) {
            results.add(scorer.score(p));
        }
        return List.copyOf(results);
    }

    /** Markdown: the normalised scores per profile, then per file for each run. */
    public static String table(final List<Run> runs) {
        final StringBuilder b = new StringBuilder();
        b.append("| detector | standard | low FP | low FN | threshold (standard) | CPU us/record |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (final Run r : runs) {
            b.append(String.format("| %s | %.1f | %.1f | %.1f | %.4g | %s |%n", r.label(),
                    r.results().get(0).normalized(), r.results().get(1).normalized(),
                    r.results().get(2).normalized(), r.results().get(0).threshold(),
                    r.records() == 0 ? "-" : String.format("%.1f", r.cpuMicrosPerRecord())));
        }
        b.append(
                "\nPer file (raw NAB score; windows detected / windows, false positives), standard / low FP / low FN:\n\n");
        b.append("| series |");
        for (final Run r : runs) {
            b.append(' ').append(r.label()).append(" |");
        }
        b.append('\n').append("|---|");
        runs.forEach(r -> b.append("---|"));
        b.append('\n');
        final int n = runs.get(0).results().get(0).files().size();
        for (int i = 0; i < n; i++) {
            b.append("| ").append(runs.get(0).results().get(0).files().get(i).name()).append(" |");
            for (final Run r : runs) {
                final NabScorer.FileScore std = r.results().get(0).files().get(i);
                b.append(String.format(" %.2f / %.2f / %.2f (%d/%d, %d fp) |", std.raw(),
                        r.results().get(1).files().get(i).raw(), r.results().get(2).files().get(i).raw(),
                        std.detectedWindows(), std.windows(), std.falsePositives()));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
