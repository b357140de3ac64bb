package dev.forestwatch.connect.common.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The two promises both sinks make through {@link BatchingWriter} and {@link OffsetTracker}: the offsets a task
 * commits never pass a record the server has not acknowledged, and never are two calls in flight for one Kafka
 * partition. A sender fake holds every call until the test releases it, so calls pile up as far as the writer
 * lets them, and then acknowledges its records in reverse order.
 */
class AcknowledgementOrderTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 40;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A call the fake holds: its records, and the latch the test opens. */
    private record Call(List<OutgoingRecord> entries, CountDownLatch release) {
        Set<TopicPartition> partitions() {
            final Set<TopicPartition> s = new java.util.HashSet<>();
            entries.forEach(e -> s.add(e.partition()));
            return s;
        }
    }

    private final OffsetTracker offsets = new OffsetTracker();
    private final List<Call> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<TopicPartition, AtomicInteger> concurrentPerPartition = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AtomicInteger> sentPerPartition = new ConcurrentHashMap<>();
    private final Map<TopicPartition, ConcurrentSkipListSet<Long>> unacknowledged = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger maxHeld = new AtomicInteger();

    private final BatchingWriter.Sender holdingSender = new BatchingWriter.Sender() {
        @Override
        public void send(final List<OutgoingRecord> batch, final Consumer<OutgoingRecord> settled)
                throws InterruptedException {
            running.incrementAndGet();
            final Call call = new Call(List.copyOf(batch), new CountDownLatch(1));
            for (final TopicPartition tp : call.partitions()) {
                if (concurrentPerPartition.computeIfAbsent(tp, k -> new AtomicInteger()).incrementAndGet() > 1) {
                    violations.add("two calls in flight for " + tp);
                }
            }
            batch.forEach(e -> sentPerPartition.computeIfAbsent(e.partition(), k -> new AtomicInteger())
                    .incrementAndGet());
            held.add(call);
            maxHeld.accumulateAndGet(held.size(), Math::max);
            try {
                if (!call.release().await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    violations.add("call never released");
                }
                final List<OutgoingRecord> reversed = new ArrayList<>(batch);
                Collections.reverse(reversed);
                for (final OutgoingRecord e : reversed) {
                    // forgotten by the test first, so a commit read after this never counts it as pending
                    unacknowledged.get(e.partition()).remove(e.offset());
                    settled.accept(e);
                    checkCommittable();
                }
            } finally {
                call.partitions().forEach(tp -> concurrentPerPartition.get(tp).decrementAndGet());
                running.decrementAndGet();
            }
        }
    };

    /** The committable offset of each partition must not pass its oldest unacknowledged record. */
    private void checkCommittable() {
        final Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> c : commit.entrySet()) {
            final ConcurrentSkipListSet<Long> pending = unacknowledged.get(c.getKey());
            // read after the commit: acknowledgements only shrink the set, so this can only be more lenient
            // one call, not isEmpty() then first(): another call thread may take the last element in between
            final Long oldest = pending.ceiling(Long.MIN_VALUE);
            if (oldest != null && c.getValue().offset() > oldest) {
                violations.add(c.getKey() + " commits " + c.getValue().offset() + " past unacknowledged " + oldest);
            }
        }
    }

    @Test
    void commitsNeverPassAnUnacknowledgedRecordAndNoPartitionHasTwoCallsInFlight() throws Exception {
        // one-record batches and no linger: the writer would send every record at once if it let itself
        final BatchingWriter.Limits limits = new BatchingWriter.Limits(3, 1 << 20, Duration.ZERO, 8, 10_000,
                1L << 30);
        final List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            final TopicPartition tp = new TopicPartition("t", p);
            tps.add(tp);
            unacknowledged.put(tp, new ConcurrentSkipListSet<>());
            for (long o = 0; o < PER_PARTITION; o++) {
                unacknowledged.get(tp).add(o);
            }
        }
        try (BatchingWriter w = new BatchingWriter(limits, holdingSender, offsets)) {
            for (long o = 0; o < PER_PARTITION; o++) {
                for (final TopicPartition tp : tps) {
                    w.add(OutgoingRecord.of(new SinkRecord(tp.topic(), tp.partition(), null, null, null, null, o),
                            new byte[10], System.nanoTime()));
                }
            }
            int rounds = 0;
            while (tps.stream().anyMatch(tp -> sent(tp) < PER_PARTITION) || !held.isEmpty()) {
                // wait until the writer has started every call it may: each partition with records left has one
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> running.get() == held.size()
                        && tps.stream().allMatch(tp -> sent(tp) == PER_PARTITION
                                || held.stream().anyMatch(c -> c.partitions().contains(tp))));
                checkCommittable();
                for (final Call c : held) {
                    for (final TopicPartition tp : c.partitions()) {
                        final OffsetAndMetadata commit = offsets.committable().get(tp);
                        final long first = c.entries().stream().filter(e -> e.partition().equals(tp))
                                .mapToLong(OutgoingRecord::offset).min().orElseThrow();
                        assertThat(commit == null ? 0L : commit.offset()).as("%s held from %d", tp, first)
                                .isLessThanOrEqualTo(first);
                    }
                }
                // released newest first: acknowledgements arrive out of call order
                final List<Call> round = new ArrayList<>(held);
                held.clear();
                Collections.reverse(round);
                for (final Call c : round) {
                    c.release().countDown();
                }
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> running.get() == held.size());
                rounds++;
            }
            assertThat(w.flush(WAIT)).isTrue();
            assertThat(rounds).isGreaterThan(1);
        }
        assertThat(violations).isEmpty();
        assertThat(maxHeld.get()).as("calls for different partitions did overlap").isEqualTo(PARTITIONS);
        final Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.committable().forEach((tp, o) -> committed.put(tp, o.offset()));
        assertThat(committed).hasSize(PARTITIONS).allSatisfy((tp, o) -> assertThat(o).isEqualTo(PER_PARTITION));
    }

    private int sent(final TopicPartition tp) {
        final AtomicInteger n = sentPerPartition.get(tp);
        return n == null ? 0 : n.get();
    }
}
