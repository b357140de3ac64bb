package dev.forestwatch.streams.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores per-record detector outputs as the Numenta Anomaly Benchmark does: each anomaly window rewards only its
 * earliest detection, weighted by a scaled sigmoid of its position (earlier is worth more); a detection outside
 * every window costs fpWeight times the sigmoid of its distance past the previous window (fpWeight in full if no
 * window precedes it); a missed window costs fnWeight. The first 15% of each file (at most 750 rows) is
 * probationary and ignored. One threshold per profile, swept over every distinct output value, maximises the
 * corpus total; the total is normalised as 100 * (raw - null) / (perfect - null), null never detecting and perfect
 * detecting each window at its first row.
 */
public final class NabScorer {

    /** A NAB cost profile. */
    public record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {
    }

    public static final List<Profile> PROFILES = List.of(new Profile("standard", 1.0, 0.11, 1.0),
            new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0), new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0));

    private static final double PROBATIONARY_PERCENT = 0.15;

    /** One file's result at the chosen threshold. */
    public record FileScore(String name, int windows, int detectedWindows, int falsePositives, double raw) {
    }

    /** A profile's result over the corpus. */
    public record Result(Profile profile, double threshold, double raw, double nullScore, double perfect,
            double normalized, List<FileScore> files) {
    }

    /** Per row: -2 probationary, -1 outside windows, else the corpus-wide window number. */
    private record Prepared(String name, double[] scores, int[] window, double[] unweighted, int windows) {
    }

    private final List<Prepared> files = new ArrayList<>();
    private int windowCount;

    /** Adds one series' detector output, one value per row of the series. */
    public void add(final NabCorpus.Series s, final double[] scores) {
        if (scores.length != s.timestamps().length) {
            throw new IllegalArgumentException(s.name() + ": " + scores.length + " scores for "
                    + s.timestamps().length + " rows");
        }
        final int n = scores.length;
        final int[] window = new int[n];
        final double[] unweighted = new double[n];
        Arrays.fill(window, -1);
        final double probation = Math.min(Math.floor(PROBATIONARY_PERCENT * n), PROBATIONARY_PERCENT * 5000);
        int prevRight = -1;
        int prevWidth = 0;
        int w = 0;
        final List<int[]> windows = s.windows();
        for (int i = 0; i < n; i++) {
            final int[] cur = w < windows.size() && i >= windows.get(w)[0] ? windows.get(w) : null;
            if (cur != null) {
                final double width = cur[1] - cur[0] + 1;
                unweighted[i] = sigmoid(-(cur[1] - i + 1) / width) / sigmoid(-1.0);
                window[i] = windowCount + w;
                if (i == cur[1]) {
                    prevRight = i;
                    prevWidth = (int) width;
                    w++;
                }
            } else if (prevRight < 0) {
                unweighted[i] = -1.0;
            } else {
                unweighted[i] = sigmoid(Math.abs(prevRight - i) / (double) (prevWidth - 1));
            }
            if (i < probation) {
                window[i] = -2;
            }
        }
        windowCount += windows.size();
        files.add(new Prepared(s.name(), scores.clone(), window, unweighted, windows.size()));
    }

    /** NAB's scaled sigmoid: 2 / (1 + e^(5y)) - 1, and -1 beyond 3 window widths past a window. */
    static double sigmoid(final double y) {
        return y > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    public Result score(final Profile p) {
        final double threshold = sweep(p);
        final List<FileScore> fileScores = new ArrayList<>();
        double raw = 0;
        double nullScore = 0;
        for (final Prepared f : files) {
            final FileScore fs = scoreFile(f, p, threshold);
            fileScores.add(fs);
            raw += fs.raw();
            nullScore -= p.fnWeight() * scorableWindows(f).length;
        }
        final double perfect = p.tpWeight() * windowCount;
        return new Result(p, threshold, raw, nullScore, perfect, 100.0 * (raw - nullScore) / (perfect - nullScore),
                List.copyOf(fileScores));
    }

    /** The lowest threshold among those giving the best corpus total (ties go to the higher threshold). */
    private double sweep(final Profile p) {
        int total = 0;
        for (final Prepared f : files) {
            total += f.scores.length;
        }
        final double[] score = new double[total];
        final double[] weighted = new double[total];
        final int[] window = new int[total];
        final Integer[] order = new Integer[total];
        final double[] best = new double[windowCount];
        Arrays.fill(best, Double.NaN);
        int k = 0;
        double sum = 0;
        for (final Prepared f : files) {
            for (int i = 0; i < f.scores.length; i++) {
                score[k] = f.scores[i];
                window[k] = f.window[i];
                weighted[k] = f.window[i] >= 0 ? p.tpWeight() * f.unweighted[i] : p.fpWeight() * f.unweighted[i];
                if (f.window[i] >= 0 && Double.isNaN(best[f.window[i]])) {
                    best[f.window[i]] = -p.fnWeight();
                    sum -= p.fnWeight();
                }
                order[k] = k;
                k++;
            }
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        double bestTotal = sum;
        double bestThreshold = Double.POSITIVE_INFINITY;
        for (int j = 0; j < total; j++) {
            final int r = order[j];
            if (window[r] == -1) {
                sum += weighted[r];
            } else if (window[r] >= 0 && weighted[r] > best[window[r]]) {
                sum += weighted[r] - best[window[r]];
                best[window[r]] = weighted[r];
            }
            final boolean groupEnds = j + 1 == total || score[order[j + 1]] != score[r];
            if (groupEnds && sum > bestTotal + 1e-12) {
                bestTotal = sum;
                bestThreshold = score[r];
            }
        }
        return bestThreshold;
    }

    private static int[] scorableWindows(final Prepared f) {
        return Arrays.stream(f.window).filter(w -> w >= 0).distinct().toArray();
    }

    private static FileScore scoreFile(final Prepared f, final Profile p, final double threshold) {
        final int[] ids = scorableWindows(f);
        final double[] best = new double[ids.length];
        Arrays.fill(best, Double.NaN);
        double fp = 0;
        int fpCount = 0;
        for (int i = 0; i < f.scores.length; i++) {
            if (f.window[i] == -2 || !(f.scores[i] >= threshold)) {
                continue;
            }
            if (f.window[i] == -1) {
                fp += p.fpWeight() * f.unweighted[i];
                fpCount++;
            } else {
                final int w = Arrays.binarySearch(ids, f.window[i]);
                final double v = p.tpWeight() * f.unweighted[i];
                if (Double.isNaN(best[w]) || v > best[w]) {
                    best[w] = v;
                }
            }
        }
        double raw = fp;
        int detected = 0;
        for (final double b : best) {
            if (Double.isNaN(b)) {
                raw -= p.fnWeight();
            } else {
                raw += b;
                detected++;
            }
        }
        return new FileScore(f.name, f.windows, detected, fpCount, raw);
    }
}
