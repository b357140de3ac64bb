package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class RecordQueueTest {

    private static final Object S1 = new Object();
    private static final int PLENTY = 1 << 20;

    /** A record read under {@code lease} (two leases may be of the same shard), weighing {@code bytes}. */
    private record Rec(Object lease, int n, int bytes) {
        Rec(final Object lease, final int n) {
            this(lease, n, 1);
        }
    }

    private static RecordQueue<Rec> queue(final int capacity, final int maxBytes) {
        return new RecordQueue<>(capacity, maxBytes, Rec::lease, Rec::bytes);
    }

    @Test
    void aFullQueueMakesTheProducerWaitInsteadOfGrowing() throws Exception {
        final RecordQueue<Rec> q = queue(2, PLENTY);
        assertThat(q.offer(new Rec(S1, 1), 10)).isTrue();
        assertThat(q.offer(new Rec(S1, 2), 10)).isTrue();
        final long t0 = System.nanoTime();
        assertThat(q.offer(new Rec(S1, 3), 50)).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(45);
        assertThat(q.poll(10, 10)).extracting(Rec::n).containsExactly(1, 2);
        assertThat(q.offer(new Rec(S1, 3), 10)).isTrue();
    }

    @Test
    void aUsedByteBudgetMakesTheProducerWaitThoughRecordsAreFewAndLetsItInOncePolled() throws Exception {
        final RecordQueue<Rec> q = queue(10_000, 1000);
        assertThat(q.offer(new Rec(S1, 1, 600), 10)).isTrue();
        assertThat(q.offer(new Rec(S1, 2, 300), 10)).isTrue();
        assertThat(q.bytesUsed()).isEqualTo(900);
        assertThat(q.offer(new Rec(S1, 3, 200), 50)).as("900 + 200 bytes exceed the budget").isFalse();
        assertThat(q.size()).isEqualTo(2);

        final CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> offer(q, new Rec(S1, 3, 200)));
        assertThat(q.poll(1, 10)).extracting(Rec::n).containsExactly(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(waiting.get()).isTrue();
        assertThat(q.bytesUsed()).isEqualTo(500);
        assertThat(q.poll(10, 10)).extracting(Rec::n).containsExactly(2, 3);
        assertThat(q.bytesUsed()).isZero();
    }

    @Test
    void aRecordLargerThanTheWholeBudgetPassesAloneInsteadOfWaitingForever() throws Exception {
        final RecordQueue<Rec> q = queue(10, 1000);
        assertThat(q.offer(new Rec(S1, 1, 10), 10)).isTrue();
        assertThat(q.offer(new Rec(S1, 2, 5000), 50)).as("waits for the queue to empty").isFalse();
        q.poll(10, 10);
        assertThat(q.offer(new Rec(S1, 2, 5000), 10)).as("alone it fits").isTrue();
        assertThat(q.offer(new Rec(S1, 3, 1), 50)).as("it holds the whole budget").isFalse();
        assertThat(q.poll(10, 10)).extracting(Rec::n).containsExactly(2);
        assertThat(q.offer(new Rec(S1, 3, 1), 10)).isTrue();
    }

    @Test
    void droppedRecordsGiveTheirBytesBack() throws Exception {
        final Object lost = new Object();
        final RecordQueue<Rec> q = queue(10, 1000);
        q.offer(new Rec(lost, 1, 700), 10);
        q.offer(new Rec(S1, 2, 100), 10);
        q.dropLease(lost);
        assertThat(q.bytesUsed()).isEqualTo(100);
        assertThat(q.offer(new Rec(S1, 3, 900), 10)).isTrue();
    }

    @Test
    void aLostLeaseDropsOnlyItsOwnRecordsAndKeepsTheOthersInOrder() throws Exception {
        final Object oldLease = new Object();
        final Object retakenLease = new Object(); // same shard, a second processor
        final RecordQueue<Rec> q = queue(10, PLENTY);
        for (int i = 0; i < 6; i++) {
            q.offer(new Rec(i % 2 == 0 ? oldLease : retakenLease, i), 10);
        }
        assertThat(q.dropLease(oldLease)).isEqualTo(3);
        assertThat(q.poll(10, 10)).extracting(Rec::n).containsExactly(1, 3, 5);
    }

    @Test
    void anErrorOnAKclThreadSurfacesInPoll() throws Exception {
        final RecordQueue<Rec> q = queue(10, PLENTY);
        q.offer(new Rec(S1, 1), 10);
        q.fail(new IllegalStateException("ExpiredIteratorException retries exhausted"));
        assertThatThrownBy(() -> q.poll(10, 10)).isInstanceOf(ConnectException.class)
                .hasRootCauseMessage("ExpiredIteratorException retries exhausted");
        // and stays: the task must fail, not read on past the error
        assertThatThrownBy(() -> q.poll(10, 10)).isInstanceOf(ConnectException.class);
    }

    private static boolean offer(final RecordQueue<Rec> q, final Rec r) {
        try {
            return q.offer(r, TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
