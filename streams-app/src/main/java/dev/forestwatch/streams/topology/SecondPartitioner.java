package dev.forestwatch.streams.topology;

import dev.forestwatch.streams.model.Emitted;
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

    static int partitionOf(final long s, final int numPartitions) {
        final int hash = Utils.murmur2(new byte[] {(byte) (s >>> 56), (byte) (s >>> 48), (byte) (s >>> 40),
            (byte) (s >>> 32), (byte) (s >>> 24), (byte) (s >>> 16), (byte) (s >>> 8), (byte) s});
        return Utils.toPositive(hash) % numPartitions;
    }
}
