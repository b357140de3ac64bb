package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardProgressTest {

    private final ShardProgress p = new ShardProgress();

    /** Hands the records {@code ns} to Kafka; returns what to acknowledge each with. */
    private long[] deliver(final int... ns) {
        final long[] idx = new long[ns.length];
        for (int i = 0; i < ns.length; i++) {
            idx[i] = p.delivered(seq(ns[i]));
        }
        return idx;
    }

    /** What the shard processor does: checkpoint the pending position, then confirm it. */
    private static Optional<SequencePosition> take(final ShardProgress p) {
        final Optional<SequencePosition> c = p.pendingCheckpoint();
        c.ifPresent(p::checkpointed);
        return c;
    }

    private static SequencePosition seq(final int n) {
        return new SequencePosition(String.format("4959%020d", n), 0);
    }

    @Test
    void theCheckpointOnlyMovesPastAContiguousRunOfAcknowledgedRecords() {
        final long[] idx = deliver(0, 1, 2, 3, 4);
        // {record acknowledged, the checkpoint it makes (-1: none)}, in the order Kafka acknowledges them
        final int[][] steps = {{2, -1}, {1, -1}, {0, 2}, {4, -1}, {3, 4}};
        for (final int[] step : steps) {
            p.acknowledged(idx[step[0]]);
            assertThat(take(p)).as("after acknowledging record %d", step[0])
                    .isEqualTo(step[1] < 0 ? Optional.empty() : Optional.of(seq(step[1])));
        }
        assertThat(p.allAcknowledged()).isTrue();
    }

    @Test
    void aFailedCheckpointStaysPendingAndANewerAcknowledgementReplacesIt() {
        final long[] idx = deliver(1, 2);
        p.acknowledged(idx[0]);
        assertThat(p.pendingCheckpoint()).contains(seq(1)); // the KCL call is throttled: not confirmed
        assertThat(p.pendingCheckpoint()).contains(seq(1));
        p.acknowledged(idx[1]);
        p.checkpointed(seq(1)); // a late confirmation of the older position keeps the newer one pending
        assertThat(take(p)).contains(seq(2));
        assertThat(p.pendingCheckpoint()).isEmpty();
    }

    @Test
    void aShardEndWaitsUntilEveryRecordIsAcknowledged() {
        final long[] idx = deliver(1, 2);
        p.acknowledged(idx[1]);
        assertThat(p.allAcknowledged()).isFalse();
        p.acknowledged(idx[0]);
        assertThat(p.allAcknowledged()).isTrue();
    }

    @Test
    void aLostLeaseDropsEverythingAndIgnoresLateAcknowledgements() {
        final long[] idx = deliver(1, 2);
        p.leaseLost();
        p.acknowledged(idx[0]);
        assertThat(take(p)).isEqualTo(Optional.empty());
        assertThat(p.inFlight()).isZero();
        assertThatThrownBy(() -> p.delivered(seq(3))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void subSequencesOfAnAggregateCheckpointOneByOne() {
        final long a = p.delivered(new SequencePosition("49590", 0));
        final long b = p.delivered(new SequencePosition("49590", 1));
        p.acknowledged(a);
        assertThat(take(p)).contains(new SequencePosition("49590", 0));
        p.acknowledged(b);
        assertThat(take(p)).contains(new SequencePosition("49590", 1));
    }
}
