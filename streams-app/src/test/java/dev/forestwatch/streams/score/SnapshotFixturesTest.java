package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Snapshots written by earlier versions of the codec (bytes kept in test resources, with the scores the model went
 * on to give) still decode to a model that continues exactly: a restart after an upgrade restores what the earlier
 * version spilled.
 */
class SnapshotFixturesTest {

    @ParameterizedTest
    @CsvSource({"kda-v1, 1, KDA, 200", "forestwatch-v4, 4, FORESTWATCH, 700"})
    void anEarlierVersionsSnapshotContinuesAsTheModelThatWroteItDid(final String name, final int version,
            final Detector detector, final long sequence) throws IOException {
        final byte[] bytes = resource(name + ".bin");
        assertThat(bytes[0]).isEqualTo((byte) version);
        final ModelCodec.Snapshot snap = ModelCodec.decode(bytes, false);
        assertThat(snap.sequence()).isEqualTo(sequence);
        assertThat(snap.model().detector()).isEqualTo(detector);
        final String[] lines = new String(resource(name + ".scores"), StandardCharsets.UTF_8).split("\n");
        int checked = 0;
        for (final String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            final double[] row = Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
            final double[] values = Arrays.copyOfRange(row, 1, row.length - 3);
            final Score s = snap.model().process(values, (long) row[0]);
            assertThat(new double[]{s.score(), s.grade(), s.likelihood()})
                    .as("record %d of %s", (long) row[0], name)
                    .containsExactly(Arrays.copyOfRange(row, row.length - 3, row.length));
            checked++;
        }
        assertThat(checked).isEqualTo(100);
    }

    private static byte[] resource(final String name) throws IOException {
        try (InputStream in = SnapshotFixturesTest.class.getResourceAsStream("/snapshots/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
