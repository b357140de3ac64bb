package dev.forestwatch.connect.kinesis.kcl;

import dev.forestwatch.connect.common.Backoff;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * One shard's KCL record processor: hands records to the task through the bounded {@link RecordQueue} and
 * checkpoints only what Kafka acknowledged ({@link ShardProgress}).
 *
 * <p>Why not checkpoint in {@code processRecords} like the KCL samples: there "processed" means "handed to Connect",
 * and a worker crash before the producer's acknowledgement would leave a checkpoint past records Kafka never got.
 * Here each call checkpoints the newest position whose records, and every one before it, Kafka acknowledged; the
 * KCL calls {@code processRecords} even with no new records, so acknowledgements that arrive while a shard is quiet
 * are checkpointed within one read interval. At shard end the checkpoint waits for every acknowledgement: the KCL
 * starts the child shards only after it, and checkpointing earlier could let a child's records overtake (or,
 * after a crash, replace) the parent's last ones.
 */
final class ShardProcessor implements ShardRecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(ShardProcessor.class);
    /** How long one offer waits for queue room before re-checking the lease and the task. */
    private static final long OFFER_WAIT_MS = 200;
    private static final long ACK_POLL_MS = 50;
    /** Checkpoint attempts per call; a checkpoint still throttled after these stays pending for the next call. */
    private static final int CHECKPOINT_ATTEMPTS = 4;

    private final RecordConverter converter;
    private final RecordQueue<PendingRecord> queue;
    private final BooleanSupplier running;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private String shardId;
    private ShardProgress progress;

    /** Sleeps between checkpoint retries; tests pass one that does not. */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    ShardProcessor(final RecordConverter converter, final RecordQueue<PendingRecord> queue,
            final BooleanSupplier running, final Backoff backoff, final Sleeper sleeper) {
        this.converter = converter;
        this.queue = queue;
        this.running = running;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    @Override
    public void initialize(final InitializationInput input) {
        shardId = input.shardId();
        progress = new ShardProgress();
        LOG.info("Reading shard {} from {}", shardId, input.extendedSequenceNumber());
    }

    @Override
    public void processRecords(final ProcessRecordsInput input) {
        try {
            for (final KinesisClientRecord r : input.records()) {
                if (!deliver(r)) {
                    return;
                }
            }
            checkpointAcknowledged(input.checkpointer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the KCL would log this and carry on with the next batch, skipping these records: fail the task
            queue.fail(e);
        }
    }

    /** False when the records must stop here: the lease is gone or the task is stopping. */
    private boolean deliver(final KinesisClientRecord r) throws InterruptedException {
        if (progress.isLost() || !running.getAsBoolean()) {
            return false;
        }
        final SequencePosition position = new SequencePosition(r.sequenceNumber(), r.subSequenceNumber());
        final long index = progress.delivered(position);
        final PendingRecord record = converter.convert(shardId, r.partitionKey(), r.data(),
                r.approximateArrivalTimestamp(), position, progress, index);
        while (!queue.offer(record, OFFER_WAIT_MS)) {
            if (progress.isLost() || !running.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void leaseLost(final LeaseLostInput input) {
        dropLease("its lease ended (handed to another task, expired, or released at shutdown)");
    }

    @Override
    public void shardEnded(final ShardEndedInput input) {
        try {
            while (!progress.allAcknowledged()) {
                if (progress.isLost() || !running.getAsBoolean()) {
                    // not checkpointed: the KCL repeats the shard end later, here or on the lease's next owner
                    LOG.info("Shard {} ended but {} records are unacknowledged and the task is stopping",
                            shardId, progress.inFlight());
                    return;
                }
                sleeper.sleep(ACK_POLL_MS);
            }
            int attempt = 0;
            while (running.getAsBoolean()) {
                try {
                    input.checkpointer().checkpoint();
                    LOG.info("Shard {} finished: every record is in Kafka; its child shards may start", shardId);
                    return;
                } catch (ThrottlingException | KinesisClientLibDependencyException e) {
                    sleeper.sleep(backoff.delayMs(++attempt));
                }
            }
        } catch (ShutdownException e) {
            dropLease("the lease was lost while finishing the shard");
        } catch (InvalidStateException e) {
            queue.fail(leaseTableError(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void shutdownRequested(final ShutdownRequestedInput input) {
        try {
            checkpointAcknowledged(input.checkpointer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkpointAcknowledged(final RecordProcessorCheckpointer checkpointer) throws InterruptedException {
        for (int attempt = 1; attempt <= CHECKPOINT_ATTEMPTS; attempt++) {
            final var pending = progress.pendingCheckpoint();
            if (pending.isEmpty()) {
                return;
            }
            final SequencePosition p = pending.get();
            try {
                checkpointer.checkpoint(p.sequenceNumber(), p.subSequenceNumber());
                progress.checkpointed(p);
                return;
            } catch (ThrottlingException | KinesisClientLibDependencyException e) {
                LOG.debug("Checkpoint of shard {} at {} not stored yet ({}), retrying", shardId, p, e.toString());
                sleeper.sleep(backoff.delayMs(attempt));
            } catch (ShutdownException e) {
                dropLease("the lease was lost at a checkpoint");
                return;
            } catch (InvalidStateException e) {
                queue.fail(leaseTableError(e));
                return;
            }
        }
    }

    private void dropLease(final String why) {
        progress.leaseLost();
        final int dropped = queue.dropLease(progress);
        LOG.info("Stopped reading shard {}: {}; dropped {} buffered records, which its next owner re-reads from "
                + "the last checkpoint", shardId, why, dropped);
    }

    private static RuntimeException leaseTableError(final Exception e) {
        return new IllegalStateException("The KCL lease table is missing or unusable; check kcl.lease.table, "
                + "aws.dynamodb.endpoint and the DynamoDB permissions", e);
    }
}
