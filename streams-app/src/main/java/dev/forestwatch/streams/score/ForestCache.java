package dev.forestwatch.streams.score;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Live forests in memory, made durable without serializing a forest per record.
 *
 * <p>Why this shape: a forest only scores exactly after a crash if its saved state matches the input offsets
 * committed with it. Writing the ~0.4 MB forest on every record would cost ~10 ms each, and writing all dirty
 * forests at each commit (every 100 ms under exactly-once) costs sensors x 10 ms. Instead each record's values are
 * logged (a few dozen bytes, in the same transaction as its input offset) and the full forest is snapshotted only
 * every {@code snapshotInterval} records of that sensor. Restoring = last snapshot + replay of the values logged
 * after it, which is exact because the forest's update is deterministic given its saved random state.
 *
 * <p>The log is a ring of {@code snapshotInterval} slots per sensor, so the store stays bounded without deletes.
 * At most {@code maxLive} forests stay in memory; the least recently used one is snapshotted (if it learned
 * anything since) and dropped.
 */
public final class ForestCache {

    /** Counters for the app's metrics; all no-ops by default. */
    public interface Listener {
        default void restored(final String sensorId, final int replayed) {}

        default void evicted(final String sensorId) {}

        default void snapshotted(final String sensorId, final int bytes) {}
    }

    /** A live forest and how far it and its snapshot have got. */
    public static final class Entry {
        private final SensorModel model;
        private long sequence;
        private long snapshotSequence;

        Entry(final SensorModel model, final long sequence, final long snapshotSequence) {
            this.model = model;
            this.sequence = sequence;
            this.snapshotSequence = snapshotSequence;
        }

        public SensorModel model() {
            return model;
        }

        public long sequence() {
            return sequence;
        }
    }

    private final ModelSettings settings;
    private final int maxLive;
    private final int snapshotInterval;
    private final KeyValueStore<String, byte[]> snapshots;
    private final KeyValueStore<Bytes, byte[]> log;
    private final Listener listener;
    private final LinkedHashMap<String, Entry> live = new LinkedHashMap<>(16, 0.75f, true);

    public ForestCache(final ModelSettings settings, final int maxLive, final int snapshotInterval,
            final KeyValueStore<String, byte[]> snapshots, final KeyValueStore<Bytes, byte[]> log,
            final Listener listener) {
        this.settings = settings;
        this.maxLive = maxLive;
        this.snapshotInterval = snapshotInterval;
        this.snapshots = snapshots;
        this.log = log;
        this.listener = listener;
    }

    /** The sensor's forest, from memory, else restored from the stores, else new with these fields. */
    public Entry get(final String sensorId, final String[] fields) {
        Entry e = live.get(sensorId);
        if (e == null) {
            e = load(sensorId, fields);
            live.put(sensorId, e);
            evictBeyondCapacity();
        }
        return e;
    }

    /** Scores and learns one record, logging it so the learning survives a crash. */
    public Score process(final String sensorId, final Entry e, final double[] values) {
        final long seq = e.sequence + 1;
        final Score score = e.model.process(values, seq);
        e.sequence = seq;
        log.put(logKey(sensorId, slot(seq)), encodeValues(seq, values));
        // the first snapshot also records the sensor's field names, so a replay never has to guess them
        if (seq == 1 || seq - e.snapshotSequence >= snapshotInterval) {
            snapshot(sensorId, e);
        }
        return score;
    }

    public int liveCount() {
        return live.size();
    }

    /** Forgets the in-memory forests (task closed or revived); the stores hold everything they learned. */
    public void clear() {
        live.clear();
    }

    private void evictBeyondCapacity() {
        final Iterator<Map.Entry<String, Entry>> it = live.entrySet().iterator();
        while (live.size() > maxLive && it.hasNext()) {
            final Map.Entry<String, Entry> eldest = it.next();
            if (eldest.getValue().sequence > eldest.getValue().snapshotSequence) {
                snapshot(eldest.getKey(), eldest.getValue());
            }
            it.remove();
            listener.evicted(eldest.getKey());
        }
    }

    private void snapshot(final String sensorId, final Entry e) {
        final byte[] bytes = ModelCodec.encode(e.model, e.sequence);
        snapshots.put(sensorId, bytes);
        e.snapshotSequence = e.sequence;
        listener.snapshotted(sensorId, bytes.length);
    }

    private Entry load(final String sensorId, final String[] fields) {
        final byte[] saved = snapshots.get(sensorId);
        if (saved == null) {
            return new Entry(SensorModel.create(settings, sensorId, fields), 0L, 0L);
        }
        final ModelCodec.Snapshot snap = ModelCodec.decode(saved, settings.explanation());
        final Entry e = new Entry(snap.model(), snap.sequence(), snap.sequence());
        final List<long[]> order = new ArrayList<>();
        final List<double[]> pending = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                log.range(logKey(sensorId, 0), logKey(sensorId, snapshotInterval - 1))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, byte[]> kv = it.next();
                final ByteBuffer buf = ByteBuffer.wrap(kv.value);
                final long seq = buf.getLong();
                if (seq > e.sequence) {
                    order.add(new long[] {seq, pending.size()});
                    pending.add(decodeValues(buf));
                }
            }
        }
        order.sort((a, b) -> Long.compare(a[0], b[0]));
        for (final long[] o : order) {
            if (o[0] != e.sequence + 1) {
                throw new IllegalStateException("value log of sensor '" + sensorId + "' jumps from record "
                        + e.sequence + " to " + o[0] + "; the forest-log store is inconsistent");
            }
            e.model.process(pending.get((int) o[1]), o[0]);
            e.sequence = o[0];
        }
        listener.restored(sensorId, order.size());
        return e;
    }

    private int slot(final long seq) {
        return (int) (seq % snapshotInterval);
    }

    /** Length-prefixed id, then the slot big-endian: one sensor's slots are one contiguous key range. */
    static Bytes logKey(final String sensorId, final int slot) {
        final byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + id.length + 4).putInt(id.length).put(id).putInt(slot).array());
    }

    private static byte[] encodeValues(final long seq, final double[] values) {
        final ByteBuffer buf = ByteBuffer.allocate(8 + 2 + 8 * values.length).putLong(seq)
                .putShort((short) values.length);
        for (final double v : values) {
            buf.putDouble(v);
        }
        return buf.array();
    }

    private static double[] decodeValues(final ByteBuffer buf) {
        final double[] values = new double[buf.getShort()];
        for (int i = 0; i < values.length; i++) {
            values[i] = buf.getDouble();
        }
        return values;
    }
}
