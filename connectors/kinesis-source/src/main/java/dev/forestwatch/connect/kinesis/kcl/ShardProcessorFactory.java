package dev.forestwatch.connect.kinesis.kcl;

import dev.forestwatch.connect.common.Backoff;
import java.util.function.BooleanSupplier;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

/** A {@link ShardProcessor} per shard lease, all feeding one task's queue. */
final class ShardProcessorFactory implements ShardRecordProcessorFactory {

    private final RecordConverter converter;
    private final RecordQueue<PendingRecord> queue;
    private final BooleanSupplier running;

    ShardProcessorFactory(final RecordConverter converter, final RecordQueue<PendingRecord> queue,
            final BooleanSupplier running) {
        this.converter = converter;
        this.queue = queue;
        this.running = running;
    }

    @Override
    public ShardRecordProcessor shardRecordProcessor() {
        return new ShardProcessor(converter, queue, running, new Backoff(200, 5_000), Thread::sleep);
    }
}
