package dev.forestwatch.local.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OrderCheckerTest {

    private final OrderChecker checker = new OrderChecker();

    @Test
    void secondsAsOneBlockEachWithDescendingScoresAreOrdered() {
        accept(0, "04:00:00", 3.0);
        accept(0, "04:00:00", 1.0);
        accept(1, "04:00:01", 2.0);
        accept(0, "04:00:02", 5.0);
        accept(0, "04:00:02", 5.0);
        final OrderChecker.Report r = checker.report();
        assertThat(r.ordered()).isTrue();
        assertThat(r.records()).isEqualTo(5);
        assertThat(r.seconds()).isEqualTo(3);
    }

    @Test
    void aSecondThatComesBackInItsPartitionIsSplit() {
        accept(0, "04:00:00", 3.0);
        accept(0, "04:00:01", 1.0);
        accept(0, "04:00:00", 0.5);
        assertThat(checker.report().splitSeconds()).isEqualTo(1);
        assertThat(checker.report().descendingSeconds()).isEqualTo(1);
        assertThat(checker.report().ordered()).isFalse();
    }

    @Test
    void aSecondInTwoPartitionsIsSplit() {
        accept(0, "04:00:00", 3.0);
        accept(1, "04:00:00", 1.0);
        assertThat(checker.report().splitSeconds()).isEqualTo(1);
    }

    @Test
    void aRisingScoreInsideABlockAndLateOrUnreadableRecordsAreCounted() {
        accept(0, "04:00:00", 1.0);
        accept(0, "04:00:00", 2.0);
        final RecordHeaders late = new RecordHeaders();
        late.add("forestwatch.late", "true".getBytes(StandardCharsets.UTF_8));
        checker.accept(0, json("04:00:01", 1.0), late);
        checker.accept(0, "not json".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        final OrderChecker.Report r = checker.report();
        assertThat(r.scoreInversions()).isEqualTo(1);
        assertThat(r.late()).isEqualTo(1);
        assertThat(r.unreadable()).isEqualTo(1);
    }

    private void accept(final int partition, final String time, final double score) {
        checker.accept(partition, json(time, score), new RecordHeaders());
    }

    private static byte[] json(final String time, final double score) {
        return ("{\"iotName\":\"s\",\"ANOMALY_SCORE\":" + score + ",\"created\":\"2026-12-03T" + time + "Z\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
