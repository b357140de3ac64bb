package dev.forestwatch.streams.order;

import dev.forestwatch.streams.model.Emitted;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Puts all records of one second in one output partition, so their descending-score order survives. */
public final class SecondPartitioner implements StreamPartitioner<String, Emitted> {

    @Override
    public Optional<Set<Integer>> partitions(final String topic, final String key, final Emitted value,
            final int numPartitions) {
        return Optional.of(Set.of(partitionOf(value.second(), numPartitions)));
    }

    /**
     * murmur2 of the second's 8 big-endian bytes. The by-second topic and the output topic place a second alike, and
     * the ordering step moves a delayed record only into seconds its own partition holds.
     */
    public static int partitionOf(final long second, final int numPartitions) {
        return Utils.toPositive(Utils.murmur2(ByteBuffer.allocate(8).putLong(second).array())) % numPartitions;
    }
}
