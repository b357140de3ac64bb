package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeasonalChangeTest {

    private static final int DAY = 48;

    /** A daily pattern: low at night, a plateau by day, with a little noise. */
    private static double daily(final int i, final Random rnd) {
        final int phase = i % DAY;
        return (phase >= 16 && phase < 36 ? 80 : 20) + rnd.nextGaussian();
    }

    @Test
    void findsTheDailyPeriodAndNoneInNoise() {
        final Random rnd = new Random(1);
        final SeasonalChange periodic = new SeasonalChange();
        final SeasonalChange noise = new SeasonalChange();
        for (int i = 0; i < 2 * SeasonalChange.EVERY; i++) {
            periodic.update(daily(i, rnd), true);
            noise.update(rnd.nextGaussian(), true);
        }
        assertThat(periodic.period()).isEqualTo(DAY);
        assertThat(noise.period()).isZero();
    }

    /** The day the plateau fails to come: every value is an ordinary night value, but not at that hour. */
    @Test
    void aDailyPatternThatFailsToHappenIsSurprising() {
        final Random rnd = new Random(2);
        final SeasonalChange c = new SeasonalChange();
        double before = 0;
        int i = 0;
        for (; i < 40 * DAY; i++) {
            final double s = c.update(daily(i, rnd), true);
            if (i >= 20 * DAY) {
                before = Math.max(before, s);
            }
        }
        double missing = 0;
        for (; i < 41 * DAY; i++) {
            missing = Math.max(missing, c.update(20 + rnd.nextGaussian(), true));
        }
        assertThat(before).isLessThan(4.0);
        assertThat(missing).isGreaterThan(10.0);
    }

    @Test
    void restoresExactly() {
        final Random rnd = new Random(3);
        final SeasonalChange original = new SeasonalChange();
        for (int i = 0; i < ScoreLikelihood.HISTORY + 300; i++) {
            original.update(daily(i, rnd), true);
        }
        assertThat(original.period()).isEqualTo(DAY);
        final ByteBuffer buf = ByteBuffer.allocate(original.encodedSize());
        original.write(buf);
        assertThat(buf.remaining()).isZero();
        final SeasonalChange restored = SeasonalChange.read(buf.flip());
        for (int i = 0; i < 3 * SeasonalChange.EVERY; i++) {
            final double x = i % 97 == 0 ? 200 : daily(i, rnd);
            assertThat(restored.update(x, true)).isEqualTo(original.update(x, true));
        }
        // the spikes, every 97 records, outweigh the day by now: the period moved, in both alike
        assertThat(restored.period()).isEqualTo(original.period()).isEqualTo(97);
    }
}
