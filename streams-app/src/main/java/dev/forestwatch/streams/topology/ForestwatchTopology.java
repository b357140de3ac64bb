package dev.forestwatch.streams.topology;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.model.Emitted;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Rejected;
import dev.forestwatch.streams.order.SecondOrderingProcessor;
import dev.forestwatch.streams.order.SecondPartitioner;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.processor.DeadLetterProcessor;
import dev.forestwatch.streams.processor.ParseProcessor;
import dev.forestwatch.streams.processor.ScoringProcessor;
import dev.forestwatch.streams.score.ForestCache;
import dev.forestwatch.streams.serde.MessageSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The app as a pure function of its config:
 *
 * <pre>
 * input -> parse --bad--> dead letters
 *            | by sensor (repartition; each parsing task's watermark goes to every partition)
 *          score (forest per sensor) --bad--> dead letters
 *            | by second (repartition; each scoring task's watermark goes to every partition)
 *          order by score desc within each second -> output (partitioned by second)
 * </pre>
 */
public final class ForestwatchTopology {

    /** Forest snapshots are ~0.4-0.6 MB, above the broker's default 1 MB only with little headroom. */
    private static final Map<String, String> CHANGELOG_CONFIG = Map.of("max.message.bytes", "16777216");

    private ForestwatchTopology() {
    }

    public static Topology build(final AppConfig config) {
        final StreamsBuilder builder = new StreamsBuilder();
        final boolean inMemory = config.inMemoryStores();
        builder.addStateStore(store(ScoringProcessor.SNAPSHOT_STORE, Serdes.String(), inMemory));
        builder.addStateStore(store(ScoringProcessor.LOG_STORE, Serdes.Bytes(), inMemory));
        builder.addStateStore(store(ScoringProcessor.WATERMARK_STORE, Serdes.String(), inMemory));
        // cached: written for every record, but only each sensor's newest time per commit must reach the changelog
        builder.addStateStore(store(ScoringProcessor.ACTIVITY_STORE, Serdes.String(), inMemory).withCachingEnabled());
        builder.addStateStore(store(SecondOrderingProcessor.BUFFER_STORE, Serdes.Bytes(), inMemory));
        builder.addStateStore(store(SecondOrderingProcessor.WATERMARK_STORE, Serdes.String(), inMemory));
        // cached: the store is written for every input record, but only each shard's latest position per commit
        // needs to reach the changelog
        builder.addStateStore(store(ParseProcessor.REPLAY_STORE, Serdes.String(), inMemory).withCachingEnabled());

        final ReadingParser parser = new ReadingParser(config.sensorIdField(), config.valueFields(),
                config.inputMaxBytes(), config.recordIdHeaders(), config.inputMaxFields());
        final long tick = config.orderWatermarkIntervalMs();
        final Map<String, KStream<String, Message>> parsed = builder
                .stream(config.inputTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("input"))
                .process(() -> new ParseProcessor(parser, new ParseProcessor.Settings(tick, config.orderIdleFlushMs(),
                        config.dropReplays() ? config.recordIdHeaders() : List.of(), config.orderByIngestTime(),
                        config.arrivalTimeHeader())), Named.as("parse"),
                        ParseProcessor.REPLAY_STORE)
                .split(Named.as("parsed-"))
                .branch((k, v) -> v instanceof Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("ok"));

        KStream<String, Message> readings = parsed.get("parsed-ok");
        final int inputPartitions = config.inputPartitions();
        if (!config.inputPartitionedBySensor()) {
            Repartitioned<String, Message> bySensor = Repartitioned.with(Serdes.String(), new MessageSerde())
                    .withStreamPartitioner(new BroadcastWatermarks<String>(ForestwatchTopology::sensorPartition))
                    .withName("by-sensor");
            if (inputPartitions > 0) {
                bySensor = bySensor.withNumberOfPartitions(inputPartitions);
            }
            readings = readings.repartition(bySensor);
        }
        // each scoring task hears every parsing task, or only its own when there is no repartition in between
        final int parseTasksPerScoringTask = config.inputPartitionedBySensor() ? 1 : inputPartitions;

        final ForestCache.Settings forests = config.forestCache();
        final Map<String, KStream<Long, Message>> scored = readings
                .process(() -> new ScoringProcessor(new ScoringProcessor.Settings(forests, tick,
                        config.orderIdleFlushMs(), config.orderMaxWaitMs(), parseTasksPerScoringTask,
                        config.outputMaxMessageBytes(), config.expectationReader())),
                        Named.as("score"), ScoringProcessor.SNAPSHOT_STORE, ScoringProcessor.LOG_STORE,
                        ScoringProcessor.WATERMARK_STORE, ScoringProcessor.ACTIVITY_STORE)
                .split(Named.as("scored-"))
                .branch((k, v) -> v instanceof Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("ok"));

        Repartitioned<Long, Message> bySecond = Repartitioned.with(Serdes.Long(), new MessageSerde())
                .withStreamPartitioner(new BroadcastWatermarks<Long>(SecondPartitioner::partitionOf))
                .withName("by-second");
        if (config.orderPartitions() > 0) {
            bySecond = bySecond.withNumberOfPartitions(config.orderPartitions());
        }
        scored.get("scored-ok")
                .repartition(bySecond)
                .process(() -> new SecondOrderingProcessor(new SecondOrderingProcessor.Settings(
                        config.orderGraceMs(), config.orderMaxWaitMs(), tick, inputPartitions,
                        config.orderByIngestTime(), config.orderPartitions())),
                        Named.as("order-by-second"), SecondOrderingProcessor.BUFFER_STORE,
                        SecondOrderingProcessor.WATERMARK_STORE)
                .to(config.outputTopic(), Produced.with(Serdes.String(), emittedSerde())
                        .withStreamPartitioner(new SecondPartitioner()).withName("output"));

        final Produced<byte[], byte[]> deadLetters = Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName("dead-letters");
        parsed.get("parsed-rejected")
                .process(() -> new DeadLetterProcessor<String>(config.deadLetterMaxMessageBytes()),
                        Named.as("dead-letter-parse"))
                .merge(scored.get("scored-rejected")
                        .process(() -> new DeadLetterProcessor<Long>(config.deadLetterMaxMessageBytes()),
                                Named.as("dead-letter-score")),
                        Named.as("dead-letter-merge"))
                .to(config.deadLetterTopic(), deadLetters);
        return builder.build();
    }

    /** As Kafka's default partitioner places a UTF-8 string key. */
    static int sensorPartition(final String sensorId, final int numPartitions) {
        return Utils.toPositive(Utils.murmur2(sensorId.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }

    private static <K> StoreBuilder<KeyValueStore<K, byte[]>> store(final String name, final Serde<K> keySerde,
            final boolean inMemory) {
        final KeyValueBytesStoreSupplier supplier = inMemory
                ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentKeyValueStore(name);
        return Stores.keyValueStoreBuilder(supplier, keySerde, Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(CHANGELOG_CONFIG);
    }

    private static Serde<Emitted> emittedSerde() {
        return Serdes.serdeFrom((topic, e) -> e == null ? null : e.json(), (topic, data) -> {
            throw new UnsupportedOperationException("the output topic is write-only for this app");
        });
    }
}
