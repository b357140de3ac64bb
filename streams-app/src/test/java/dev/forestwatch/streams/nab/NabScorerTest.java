package dev.forestwatch.streams.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class NabScorerTest {

    @Test
    void kdaPublishedOutputsScoreAsNabPublishedThem() throws IOException {
        final NabCorpus corpus = NabCorpus.load(nabDir());
        final List<NabScorer.Result> results = NabEvaluation.scoreStored(corpus,
                corpus.root().resolve("kda-rcf-results"), "randomCutForest_", "anomaly_score");
        assertThat(results.get(0).normalized()).isCloseTo(47.1, within(0.05));
        assertThat(results.get(1).normalized()).isCloseTo(34.7, within(0.05));
        assertThat(results.get(2).normalized()).isCloseTo(56.7, within(0.05));
    }

    @Test
    void aDetectionAtAWindowsStartIsWorthOneAndMissingEverythingIsNull() {
        final java.time.LocalDateTime t0 = java.time.LocalDateTime.of(2020, 1, 1, 0, 0);
        final java.time.LocalDateTime[] ts = new java.time.LocalDateTime[1000];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = t0.plusMinutes(5L * i);
        }
        final NabCorpus.Series s = new NabCorpus.Series("a.csv", Path.of("a.csv"), ts, List.of(new int[]{500, 599}));
        final double[] perfect = new double[1000];
        perfect[500] = 1.0;
        final NabScorer scorer = new NabScorer();
        scorer.add(s, perfect);
        final NabScorer.Result r = scorer.score(NabScorer.PROFILES.get(0));
        assertThat(r.normalized()).isCloseTo(100.0, within(1e-9));
        final NabScorer none = new NabScorer();
        none.add(s, new double[1000]);
        assertThat(none.score(NabScorer.PROFILES.get(0)).normalized()).isCloseTo(0.0, within(1e-9));
    }

    static Path nabDir() {
        final Path nab = Path.of(System.getProperty("forestwatch.shared.dir", "../../shared")).resolve("data/nab");
        if (!Files.isDirectory(nab)) {
            assertThat(System.getenv("CI")).as("NAB data at %s", nab.toAbsolutePath()).isNull();
            Assumptions.abort("NAB data not found at " + nab.toAbsolutePath());
        }
        return nab;
    }
}
