package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardProgressTest {

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
        final ShardProgress p = new ShardProgress();
        final long[] idx = new long[5];
        for (int i = 0; i < 5; i++) {
            idx[i] = p.delivered(seq(i));
        }
        p.acknowledged(idx[2]);
        p.acknowledged(idx[1]);
        assertThat(take(p)).isEmpty(); // record 0 not yet acknowledged
        p.acknowledged(idx[0]);
        assertThat(take(p)).contains(seq(2));
        assertThat(take(p)).isEmpty(); // nothing new
        p.acknowledged(idx[4]);
        assertThat(take(p)).isEmpty();
        p.acknowledged(idx[3]);
        assertThat(take(p)).contains(seq(4));
        assertThat(p.allAcknowledged()).isTrue();
    }

    @Test
    void aFailedCheckpointStaysPendingAndANewerAcknowledgementReplacesIt() {
        final ShardProgress p = new ShardProgress();
        final long a = p.delivered(seq(1));
        final long b = p.delivered(seq(2));
        p.acknowledged(a);
        assertThat(p.pendingCheckpoint()).contains(seq(1)); // the KCL call is throttled: not confirmed
        assertThat(p.pendingCheckpoint()).contains(seq(1));
        p.acknowledged(b);
        p.checkpointed(seq(1)); // a late confirmation of the older position keeps the newer one pending
        assertThat(take(p)).contains(seq(2));
        assertThat(p.pendingCheckpoint()).isEmpty();
    }

    @Test
    void aShardEndWaitsUntilEveryRecordIsAcknowledged() {
        final ShardProgress p = new ShardProgress();
        final long a = p.delivered(seq(1));
        final long b = p.delivered(seq(2));
        p.acknowledged(b);
        assertThat(p.allAcknowledged()).isFalse();
        p.acknowledged(a);
        assertThat(p.allAcknowledged()).isTrue();
    }

    @Test
    void aLostLeaseDropsEverythingAndIgnoresLateAcknowledgements() {
        final ShardProgress p = new ShardProgress();
        final long a = p.delivered(seq(1));
        p.delivered(seq(2));
        p.leaseLost();
        p.acknowledged(a);
        assertThat(take(p)).isEqualTo(Optional.empty());
        assertThat(p.inFlight()).isZero();
        assertThatThrownBy(() -> p.delivered(seq(3))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void subSequencesOfAnAggregateCheckpointOneByOne() {
        final ShardProgress p = new ShardProgress();
        final long a = p.delivered(new SequencePosition("49590", 0));
        final long b = p.delivered(new SequencePosition("49590", 1));
        p.acknowledged(a);
        assertThat(take(p)).contains(new SequencePosition("49590", 0));
        p.acknowledged(b);
        assertThat(take(p)).contains(new SequencePosition("49590", 1));
    }
}
