package dev.forestwatch.streams.topology;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Watermark;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntBiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Records go to their key's partition; watermarks go to every partition, as each downstream task needs them. */
final class BroadcastWatermarks<K> implements StreamPartitioner<K, Message> {

    private final ToIntBiFunction<K, Integer> byKey;

    BroadcastWatermarks(final ToIntBiFunction<K, Integer> byKey) {
        this.byKey = byKey;
    }

    @Override
    public Optional<Set<Integer>> partitions(final String topic, final K key, final Message value,
            final int numPartitions) {
        if (value instanceof Watermark) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.of(Set.of(byKey.applyAsInt(key, numPartitions)));
    }
}
