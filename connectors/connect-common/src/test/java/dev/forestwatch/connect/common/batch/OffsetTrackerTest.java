package dev.forestwatch.connect.common.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void commitsOnlyPastAContiguousRunOfSettledRecords() {
        final OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            t.added(P0, o);
        }
        assertThat(t.committable()).isEmpty();
        t.settled(P0, 12);
        t.settled(P0, 13);
        assertThat(t.committable()).containsEntry(P0, new OffsetAndMetadata(10));
        t.settled(P0, 10);
        assertThat(t.committable()).containsEntry(P0, new OffsetAndMetadata(11));
        t.settled(P0, 11);
        assertThat(t.committable()).containsEntry(P0, new OffsetAndMetadata(14));
        t.settled(P0, 14);
        assertThat(t.committable()).containsEntry(P0, new OffsetAndMetadata(15));
    }

    @Test
    void partitionsAreIndependentAndForgottenOnRevocation() {
        final OffsetTracker t = new OffsetTracker();
        t.added(P0, 0);
        t.added(P1, 0);
        t.added(P1, 1);
        t.settled(P1, 1);
        t.settled(P0, 0);
        assertThat(t.committable()).containsEntry(P0, new OffsetAndMetadata(1)).containsEntry(P1,
                new OffsetAndMetadata(0));
        t.forget(List.of(P1));
        assertThat(t.committable()).containsOnlyKeys(P0);
    }

    @Test
    void settlementsFromBeforeARevocationAreIgnoredOnceThePartitionIsBack() {
        final OffsetTracker t = new OffsetTracker();
        final long before = t.added(P0, 5);
        t.forget(List.of(P0));
        final long after = t.added(P0, 5);
        assertThat(after).isNotEqualTo(before);
        t.settled(P0, 9, before);
        t.settled(P0, 5, before);
        assertThat(t.committable()).doesNotContainKey(P0);
        t.settled(P0, 5, after);
        assertThat(t.committable()).containsEntry(P0, new OffsetAndMetadata(6));
    }
}
