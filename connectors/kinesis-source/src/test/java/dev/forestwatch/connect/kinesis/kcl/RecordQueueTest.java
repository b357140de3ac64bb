package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class RecordQueueTest {

    private static final Object S1 = new Object();

    /** A record read under {@code lease}; two leases may be of the same shard. */
    private record Rec(Object lease, int n) {}

    @Test
    void aFullQueueMakesTheProducerWaitInsteadOfGrowing() throws Exception {
        final RecordQueue<Rec> q = new RecordQueue<>(2, Rec::lease);
        assertThat(q.offer(new Rec(S1, 1), 10)).isTrue();
        assertThat(q.offer(new Rec(S1, 2), 10)).isTrue();
        final long t0 = System.nanoTime();
        assertThat(q.offer(new Rec(S1, 3), 50)).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(45);
        assertThat(q.poll(10, 10)).extracting(Rec::n).containsExactly(1, 2);
        assertThat(q.offer(new Rec(S1, 3), 10)).isTrue();
    }

    @Test
    void aLostLeaseDropsOnlyItsOwnRecordsAndKeepsTheOthersInOrder() throws Exception {
        final Object oldLease = new Object();
        final Object retakenLease = new Object(); // same shard, a second processor
        final RecordQueue<Rec> q = new RecordQueue<>(10, Rec::lease);
        for (int i = 0; i < 6; i++) {
            q.offer(new Rec(i % 2 == 0 ? oldLease : retakenLease, i), 10);
        }
        assertThat(q.dropLease(oldLease)).isEqualTo(3);
        assertThat(q.poll(10, 10)).extracting(Rec::n).containsExactly(1, 3, 5);
    }

    @Test
    void anErrorOnAKclThreadSurfacesInPoll() throws Exception {
        final RecordQueue<Rec> q = new RecordQueue<>(10, Rec::lease);
        q.offer(new Rec(S1, 1), 10);
        q.fail(new IllegalStateException("ExpiredIteratorException retries exhausted"));
        assertThatThrownBy(() -> q.poll(10, 10)).isInstanceOf(ConnectException.class)
                .hasRootCauseMessage("ExpiredIteratorException retries exhausted");
        // and stays: the task must fail, not read on past the error
        assertThatThrownBy(() -> q.poll(10, 10)).isInstanceOf(ConnectException.class);
    }
}
