package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForestCacheTest {

    private static final ModelSettings SETTINGS = ModelSettings.serviceDefaults();
    private static final String[] FIELDS = {"iotValue"};

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private final KeyValueStore<String, byte[]> snapshots = store("snapshots", Serdes.String());
    private final KeyValueStore<Bytes, byte[]> log = store("log", Serdes.Bytes());

    private <K> KeyValueStore<K, byte[]> store(final String name,
            final org.apache.kafka.common.serialization.Serde<K> keys) {
        final KeyValueStore<K, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys,
                Serdes.ByteArray()).withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    /**
     * A cache of 10 forests over these stores, snapshotting every {@code interval} records of a sensor; when
     * {@code replayed} is given, its first slot receives how many logged values the last restore replayed.
     */
    private static ForestCache cache(final int interval, final KeyValueStore<String, byte[]> snapshots,
            final KeyValueStore<Bytes, byte[]> log, final int[] replayed) {
        return new ForestCache(new ForestCache.Settings(SETTINGS, 10, interval), new ForestCache.Stores(snapshots, log),
                new ForestCache.Listener() {
                    @Override
                    public void restored(final String sensorId, final int count) {
                        if (replayed != null) {
                            replayed[0] = count;
                        }
                    }
                });
    }

    /**
     * A crash loses the live forests but not the stores (they commit with the input offsets). A new cache over the
     * same stores must then score the next records exactly as the uninterrupted forest does, whether the crash hit
     * right after a snapshot or between two.
     */
    @ParameterizedTest
    @ValueSource(ints = {300, 400, 401, 999})
    void aRestartedCacheScoresExactlyLikeTheUninterruptedOne(final int recordsBeforeCrash) {
        final ForestCache before = cache(100, snapshots, log, null);
        final double[][] data = seedData(recordsBeforeCrash + 300, 99);
        for (int i = 0; i < recordsBeforeCrash; i++) {
            process(before, data[i]);
        }
        final int[] replayed = new int[1];
        final ForestCache after = cache(100, snapshots, log, replayed);
        final ForestCache reference = cache(100, store("s2", Serdes.String()), store("l2", Serdes.Bytes()), null);
        for (int i = 0; i < recordsBeforeCrash; i++) {
            process(reference, data[i]);
        }
        final List<Double> restored = new ArrayList<>();
        final List<Double> uninterrupted = new ArrayList<>();
        for (int i = recordsBeforeCrash; i < data.length; i++) {
            restored.add(process(after, data[i]).score());
            uninterrupted.add(process(reference, data[i]).score());
        }
        // snapshots fall on records 1, 101, 201, ...; the rest is replayed from the value log
        assertThat(replayed[0]).isEqualTo((recordsBeforeCrash - 1) % 100);
        assertThat(restored).isEqualTo(uninterrupted);
        assertThat(restored).allMatch(s -> s > 0);
    }

    /**
     * State written before the log was keyed by record number: a snapshot plus a ring of slots (record number
     * modulo the interval). The first load moves what follows the snapshot to the new keys, drops the rest, and the
     * forest scores on exactly.
     */
    @Test
    void aValueLogInTheOldRingOfSlotsFormatIsReplayedAndConverted() {
        final double[][] data = seedData(700, 17);
        final SensorModel old = SensorModel.create(SETTINGS, "DemoSensor", FIELDS);
        for (int i = 0; i < 450; i++) {
            old.process(data[i], i + 1);
            if (i + 1 == 301) {
                snapshots.put("DemoSensor", ModelCodec.encode(old, 301));
            }
            final long seq = i + 1;
            log.put(ForestCache.legacyLogKey("DemoSensor", (int) (seq % 200)),
                    java.nio.ByteBuffer.allocate(18).putLong(seq).putShort((short) 1).putDouble(data[i][0]).array());
        }
        final int[] replayed = new int[1];
        final ForestCache cache = cache(500, snapshots, log, replayed);
        for (int i = 450; i < 700; i++) {
            assertThat(process(cache, data[i])).isEqualTo(old.process(data[i], i + 1));
        }
        assertThat(replayed[0]).isEqualTo(149);
        try (var it = log.all()) {
            it.forEachRemaining(kv -> assertThat(kv.key.get()[0]).as("no old-format key left").isEqualTo((byte) 1));
        }
    }

    @Test
    void theLogStaysBoundedPerSensor() {
        final ForestCache cache = cache(50, snapshots, log, null);
        for (final double[] v : seedData(1000, 1)) {
            process(cache, v);
        }
        // only what followed the last snapshot (record 951) is kept
        assertThat(log.approximateNumEntries()).isEqualTo(49);
        assertThat(snapshots.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void aSnapshotIsAboutHalfAMegabyteAndRestoresTheSameForest() {
        final SensorModel model = SensorModel.create(SETTINGS, "DemoSensor", FIELDS);
        final double[][] data = seedData(1500, 5);
        for (int i = 0; i < 1000; i++) {
            model.process(data[i], i + 1);
        }
        final byte[] bytes = ModelCodec.encode(model, 1000);
        assertThat(bytes.length).isBetween(100_000, 1_000_000);
        final ModelCodec.Snapshot snap = ModelCodec.decode(bytes, false);
        assertThat(snap.sequence()).isEqualTo(1000);
        assertThat(snap.model().fields()).containsExactly(FIELDS);
        for (int i = 1000; i < 1500; i++) {
            assertThat(snap.model().process(data[i], i + 1)).isEqualTo(model.process(data[i], i + 1));
        }
    }

    private static Score process(final ForestCache cache, final double[] values) {
        return cache.process("DemoSensor", cache.get("DemoSensor", FIELDS), values);
    }

    /** The seed's generator: uniform 10-20, 1% uniform 100-120. */
    static double[][] seedData(final int n, final long seed) {
        final Random rnd = new Random(seed);
        final double[][] d = new double[n][];
        for (int i = 0; i < n; i++) {
            d[i] = new double[]{rnd.nextDouble() < 0.01 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11)};
        }
        return d;
    }
}
