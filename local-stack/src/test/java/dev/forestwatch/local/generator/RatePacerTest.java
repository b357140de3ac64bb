package dev.forestwatch.local.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RatePacerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void spacesRecordsEvenly() {
        RatePacer pacer = new RatePacer(10); // one every 100 ms
        long now = 1_000 * MS;

        assertThat(pacer.nanosUntilNext(now)).isZero();
        pacer.recordSent();
        assertThat(pacer.nanosUntilNext(now)).isEqualTo(100 * MS);
        assertThat(pacer.nanosUntilNext(now + 40 * MS)).isEqualTo(60 * MS);
        pacer.recordSent();
        assertThat(pacer.nanosUntilNext(now + 100 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void sleepOvershootDoesNotLowerTheAverageRate() {
        RatePacer pacer = new RatePacer(10);
        long start = 0;
        pacer.nanosUntilNext(start);
        pacer.recordSent();
        // Woke 5 ms late for record 1: record 2 is still due at 200 ms, not 205.
        assertThat(pacer.nanosUntilNext(start + 105 * MS)).isZero();
        pacer.recordSent();
        assertThat(pacer.nanosUntilNext(start + 105 * MS)).isEqualTo(95 * MS);
    }

    @Test
    void doesNotBurstToCatchUpAfterAStall() {
        RatePacer pacer = new RatePacer(10);
        pacer.nanosUntilNext(0);
        pacer.recordSent();
        long afterStall = 5_000 * MS; // 49 records "missed"

        assertThat(pacer.nanosUntilNext(afterStall)).isZero();
        pacer.recordSent();
        assertThat(pacer.nanosUntilNext(afterStall)).isEqualTo(100 * MS);
    }

    @Test
    void zeroMeansUnpaced() {
        RatePacer pacer = new RatePacer(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(pacer.nanosUntilNext(0)).isZero();
            pacer.recordSent();
        }
    }

    @Test
    void rejectsNegativeRates() {
        assertThatThrownBy(() -> new RatePacer(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
