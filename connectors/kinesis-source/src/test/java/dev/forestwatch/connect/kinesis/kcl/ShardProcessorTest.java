package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connect.common.Backoff;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/** The shard processor against a recording checkpointer: no KCL scheduler, no servers. */
class ShardProcessorTest {

    private static final String SHARD = "shardId-000000000007";

    private final RecordQueue<PendingRecord> queue = new RecordQueue<>(100, 1 << 20, PendingRecord::progress,
            PendingRecord::sizeInBytes);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final RecordingCheckpointer checkpointer = new RecordingCheckpointer();
    /** Calls to the injected sleeper: a shard end waiting for acknowledgements sleeps between checks. */
    private final AtomicInteger sleeps = new AtomicInteger();
    private final ShardProcessor processor = new ShardProcessor(new RecordConverter("RawStreamData", "raw"), queue,
            running::get, new Backoff(1, 2), ms -> sleeps.incrementAndGet());

    ShardProcessorTest() {
        processor.initialize(InitializationInput.builder().shardId(SHARD)
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON).build());
    }

    private static KinesisClientRecord record(final int n) {
        return KinesisClientRecord.builder().sequenceNumber(seq(n)).subSequenceNumber(0).partitionKey("DemoSensor")
                .data(ByteBuffer.wrap(("{\"iotValue\":" + n + "}").getBytes(StandardCharsets.UTF_8)))
                .approximateArrivalTimestamp(Instant.EPOCH.plusSeconds(n)).build();
    }

    private static String seq(final int n) {
        return String.format("4959%020d", n);
    }

    private void process(final int... ns) {
        final List<KinesisClientRecord> records = new ArrayList<>();
        for (final int n : ns) {
            records.add(record(n));
        }
        processor.processRecords(
                ProcessRecordsInput.builder().records(records).checkpointer(checkpointer.proxy).build());
    }

    private List<PendingRecord> polled() throws InterruptedException {
        return queue.poll(100, 10);
    }

    @Test
    void checkpointsOnlyPastRecordsKafkaAcknowledgedInAContiguousRunThoughAcksComeOutOfOrder() throws Exception {
        process(1, 2, 3);
        final List<PendingRecord> r = polled();
        assertThat(r).hasSize(3);
        assertThat(checkpointer.stored).as("nothing acknowledged, nothing checkpointed").isEmpty();

        r.get(2).acknowledge();
        r.get(0).acknowledge();
        process(); // the KCL calls in with no records too
        assertThat(checkpointer.stored).containsExactly(seq(1) + "/0");

        r.get(1).acknowledge();
        process();
        assertThat(checkpointer.stored).containsExactly(seq(1) + "/0", seq(3) + "/0");
        process();
        assertThat(checkpointer.stored).as("no repeat").hasSize(2);
    }

    @Test
    void aThrottledCheckpointIsRetriedAndStored() throws Exception {
        checkpointer.failures.add(new ThrottlingException("slow down"));
        checkpointer.failures.add(new ThrottlingException("slow down"));
        process(1);
        polled().get(0).acknowledge();
        process();
        assertThat(checkpointer.stored).containsExactly(seq(1) + "/0");
    }

    @Test
    void aShardEndIsCheckpointedOnlyAfterEveryRecordIsAcknowledged() throws Exception {
        process(1, 2);
        final List<PendingRecord> r = polled();
        r.get(1).acknowledge();
        final CompletableFuture<Void> end = CompletableFuture.runAsync(
                () -> processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer.proxy).build()));
        // several rounds of waiting for the acknowledgement, so a wrong implementation had its chance to checkpoint
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sleeps.get() >= 5);
        assertThat(end).isNotDone();
        assertThat(checkpointer.shardEnded).isFalse();
        r.get(0).acknowledge();
        end.get(5, TimeUnit.SECONDS);
        assertThat(checkpointer.shardEnded).isTrue();
    }

    @Test
    void aShardEndIsNotCheckpointedWhenTheTaskStopsFirst() throws Exception {
        process(1);
        polled();
        running.set(false);
        processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer.proxy).build());
        assertThat(checkpointer.shardEnded).isFalse();
    }

    @Test
    void aLostLeaseDropsTheShardsQueuedRecordsAndLateAcknowledgementsNeverCheckpoint() throws Exception {
        process(1, 2);
        final PendingRecord first = polled().get(0);
        process(3, 4);
        assertThat(queue.size()).isEqualTo(2);
        processor.leaseLost(LeaseLostInput.builder().build());
        assertThat(queue.size()).as("the new owner re-reads them").isZero();
        first.acknowledge();
        process(5);
        assertThat(checkpointer.stored).isEmpty();
        assertThat(queue.size()).as("nothing more is delivered from a lost shard").isZero();
    }

    @Test
    void anOldProcessorLosingItsLeaseLeavesTheNewProcessorOfTheSameShardItsQueuedRecords() throws Exception {
        // KCL 3 may start a processor on a lease this task took back before the old processor heard it was lost
        process(1, 2);
        final RecordingCheckpointer newCheckpointer = new RecordingCheckpointer();
        final ShardProcessor retaken = new ShardProcessor(new RecordConverter("RawStreamData", "raw"), queue,
                running::get, new Backoff(1, 2), ms -> {
                });
        retaken.initialize(InitializationInput.builder().shardId(SHARD)
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON).build());
        retaken.processRecords(ProcessRecordsInput.builder().records(List.of(record(1), record(2), record(3)))
                .checkpointer(newCheckpointer.proxy).build());
        assertThat(queue.size()).isEqualTo(5);

        processor.leaseLost(LeaseLostInput.builder().build());

        final List<PendingRecord> survivors = polled();
        assertThat(survivors).as("only the old processor's records are dropped").hasSize(3)
                .extracting(r -> r.headers().lastWithName(RecordConverter.HEADER_SEQUENCE).value())
                .containsExactly(seq(1), seq(2), seq(3));
        survivors.forEach(PendingRecord::acknowledge);
        retaken.processRecords(
                ProcessRecordsInput.builder().records(List.of()).checkpointer(newCheckpointer.proxy).build());
        assertThat(newCheckpointer.stored).as("the new owner checkpoints its own records")
                .containsExactly(seq(3) + "/0");
        assertThat(checkpointer.stored).isEmpty();
    }

    @Test
    void aCheckpointRefusedForALostLeaseDropsTheShard() throws Exception {
        checkpointer.failures.add(new ShutdownException("lease lost"));
        process(1);
        polled().get(0).acknowledge();
        process(2);
        assertThat(queue.size()).isZero();
        assertThat(checkpointer.stored).isEmpty();
    }

    /**
     * Stores checkpoints as "sequence/subsequence" after throwing the queued failures, one per call. The processor
     * calls only {@code checkpoint()} (shard end) and {@code checkpoint(sequence, subsequence)}: any other method of
     * the KCL's wide interface fails the test.
     */
    private static final class RecordingCheckpointer {
        final List<String> stored = new ArrayList<>();
        final Deque<Exception> failures = new ArrayDeque<>();
        boolean shardEnded;
        final RecordProcessorCheckpointer proxy = (RecordProcessorCheckpointer) Proxy.newProxyInstance(
                RecordProcessorCheckpointer.class.getClassLoader(), new Class<?>[]{RecordProcessorCheckpointer.class},
                (self, method, args) -> checkpoint(method, args));

        private Object checkpoint(final Method method, final Object[] args) throws Exception {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(this, args);
            }
            final boolean shardEnd = args == null;
            if (!method.getName().equals("checkpoint") || !(shardEnd || args.length == 2 && args[1] instanceof Long)) {
                throw new UnsupportedOperationException(method.toString());
            }
            final Exception e = failures.poll();
            if (e != null) {
                throw e; // ThrottlingException or ShutdownException, which both methods declare
            }
            if (shardEnd) {
                shardEnded = true;
            } else {
                stored.add(args[0] + "/" + args[1]);
            }
            return null;
        }
    }
}
