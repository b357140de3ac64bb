package dev.forestwatch.streams.topology;

import dev.forestwatch.streams.model.Emitted;
import dev.forestwatch.streams.processor.SecondOrderingProcessor;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Puts all records of one second in one output partition, so their descending-score order survives. */
public final class SecondPartitioner implements StreamPartitioner<String, Emitted> {

    @Override
    public Optional<Set<Integer>> partitions(final String topic, final String key, final Emitted value,
            final int numPartitions) {
        return Optional.of(Set.of(partitionOf(value.second(), numPartitions)));
    }

    static int partitionOf(final long s, final int numPartitions) {
        // the ordering step moves delayed records only within the seconds it owns, so it must place them alike
        return SecondOrderingProcessor.partitionOf(s, numPartitions);
    }
}
