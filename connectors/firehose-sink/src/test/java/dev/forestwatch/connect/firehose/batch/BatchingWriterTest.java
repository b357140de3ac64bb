package dev.forestwatch.connect.firehose.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.OffsetTracker;
import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BatchingWriterTest {

    private static final BatchingWriter.Limits LIMITS = new BatchingWriter.Limits(500, 4 * 1024 * 1024,
            Duration.ofMillis(20), 4, 100_000, 1L << 30);

    @Test
    void batchesNeverExceedTheServiceLimitsAndEveryRecordArrivesOnceInPartitionOrder() throws Exception {
        final Random rnd = new Random(1);
        final StubFirehose stub = StubFirehose.failing(d -> rnd.nextDouble() < 0.05, "ServiceUnavailableException");
        final OffsetTracker offsets = new OffsetTracker();
        final List<String> sent = new ArrayList<>();
        try (BatchingWriter w = new BatchingWriter(LIMITS,
                Senders.firehose(stub, "S", 1, 5, 60_000, OnRefusal.FAIL, Thread::sleep, new SendStats()), offsets)) {
            for (int i = 0; i < 3000; i++) {
                final int partition = i % 3;
                // mostly small records, some near the 1,000 KiB record limit so the 4 MiB call limit binds too
                final int size = i % 97 == 0 ? 1000 * 1024 - 20 : 50 + rnd.nextInt(200);
                final String head = partition + ":" + i + ":";
                final byte[] data = (head + "x".repeat(size - head.length())).getBytes(StandardCharsets.UTF_8);
                w.add(OutgoingRecord.of(new SinkRecord("t", partition, null, null, null, null, i), data,
                        System.nanoTime()));
                sent.add(partition + ":" + i);
            }
            assertThat(w.flush(Duration.ofSeconds(60))).isTrue();
        }
        for (final var req : stub.requests) {
            assertThat(req.records()).hasSizeLessThanOrEqualTo(500);
            assertThat(req.records().stream().mapToLong(r -> r.data().asByteArray().length).sum())
                    .isLessThanOrEqualTo(4 * 1024 * 1024);
        }
        final List<String> delivered = stub.delivered.stream().map(d -> d.substring(0, d.lastIndexOf(':'))).toList();
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(sent);
        // per partition, a record retried alone may land after later records of its own call, never after a
        // record of a later call of that partition
        final Map<String, Integer> firstCall = new HashMap<>();
        for (int c = 0; c < stub.requests.size(); c++) {
            for (final var r : stub.requests.get(c).records()) {
                firstCall.putIfAbsent(key(r.data().asUtf8String()), c);
            }
        }
        final Map<Integer, List<Integer>> byPartition = new HashMap<>();
        for (final String d : delivered) {
            byPartition.computeIfAbsent(Integer.parseInt(d.split(":")[0]), k -> new ArrayList<>())
                    .add(Integer.parseInt(d.split(":")[1]));
        }
        byPartition.forEach((p, seq) -> {
            for (int i = 0; i < seq.size(); i++) {
                for (int j = i + 1; j < seq.size(); j++) {
                    if (seq.get(j) < seq.get(i)) {
                        assertThat(firstCall.get(p + ":" + seq.get(j))).as("%d:%d overtaken by %d", p, seq.get(j),
                                seq.get(i)).isEqualTo(firstCall.get(p + ":" + seq.get(i)));
                    }
                }
            }
        });
        // the injected failures did reorder something, so the check above had work to do
        assertThat(byPartition.get(0)).isNotEqualTo(byPartition.get(0).stream().sorted().toList());
        assertThat(offsets.committable()).containsEntry(new TopicPartition("t", 0), new OffsetAndMetadata(2997 + 1));
    }

    private static String key(final String data) {
        final String[] parts = data.split(":");
        return parts[0] + ":" + parts[1];
    }

    @Test
    void aBatchLeavesAfterTheLingerEvenWhenNotFull() {
        final StubFirehose stub = StubFirehose.failing(d -> false, null);
        try (BatchingWriter w = new BatchingWriter(LIMITS,
                Senders.firehose(stub, "S", 1, 5, 60_000, OnRefusal.FAIL, Thread::sleep, new SendStats()),
                new OffsetTracker())) {
            w.add(OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, null, 0),
                    "a".getBytes(StandardCharsets.UTF_8),
                    System.nanoTime()));
            await().atMost(Duration.ofSeconds(5)).until(() -> stub.delivered.size() == 1);
        }
    }

    @Test
    void aFullBufferAsksForPausingAndAHalfEmptyOneForResuming() throws Exception {
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // a call that hangs until released, so nothing drains while the buffer fills
        final BatchingWriter.Sender hanging = (batch, settled) -> {
            started.countDown();
            release.await();
            batch.forEach(settled);
        };
        final BatchingWriter.Limits small = new BatchingWriter.Limits(500, 4 * 1024 * 1024, Duration.ofHours(1), 1,
                1000, 1L << 30);
        try (BatchingWriter w = new BatchingWriter(small, hanging, new OffsetTracker())) {
            int offset = 0;
            for (; offset < 500; offset++) {
                w.add(OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, null, offset), new byte[10],
                        System.nanoTime()));
            }
            assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue(); // a full batch leaves
            for (; offset < 1499; offset++) {
                w.add(OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, null, offset), new byte[10],
                        System.nanoTime()));
            }
            assertThat(w.full()).isFalse();
            w.add(OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, null, offset), new byte[10],
                    System.nanoTime()));
            assertThat(w.full()).isTrue();
            assertThat(w.drained()).isFalse();
            release.countDown();
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(w.drained()).isTrue();
        }
    }

    @Test
    void closeReturnsPromptlyWhileASenderRetriesAStreamThatAlwaysFailsRetriably() throws Exception {
        final StubFirehose unavailable = StubFirehose.failing(d -> true, "ServiceUnavailableException");
        final java.util.concurrent.CountDownLatch inSlowCall = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicReference<Thread> caller = new java.util.concurrent.atomic.AtomicReference<>();
        final int[] calls = {0};
        final StubFirehose stub = new StubFirehose(req -> {
            caller.set(Thread.currentThread());
            if (++calls[0] > 2) {
                // a slow call (a timeout to an unreachable endpoint) that, as the AWS SDK does, swallows an
                // interrupt: it ends early but leaves the thread's interrupt flag cleared
                inSlowCall.countDown();
                try {
                    never.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException swallowed) {
                    // the SDK turns it into an AbortedException or a client error after clearing the flag
                }
            }
            return unavailable.putRecordBatch(req);
        });
        // retry.max.duration.ms of an hour: only stopping can end this sender's loop
        final BatchingWriter w = new BatchingWriter(LIMITS,
                Senders.firehose(stub, "S", 1, 5, 3_600_000, OnRefusal.FAIL, Thread::sleep, new SendStats()),
                new OffsetTracker());
        w.add(OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, null, 0), "a".getBytes(StandardCharsets.UTF_8),
                System.nanoTime()));
        assertThat(inSlowCall.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue(); // retried twice

        final long start = System.nanoTime();
        w.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        caller.get().join(Duration.ofSeconds(5).toMillis());
        assertThat(caller.get().isAlive()).as("the sending thread gave up").isFalse();
    }
}
