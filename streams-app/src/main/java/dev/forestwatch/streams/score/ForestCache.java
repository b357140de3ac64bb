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
 * <p>Log entries are keyed by the sensor's absolute record number, and a snapshot deletes the entries it covers, so
 * a restore replays whatever follows the snapshot whatever {@code snapshotInterval} is now: the interval can change
 * on existing state. (Before, the log was a ring of {@code snapshotInterval} slots, and a changed interval lost or
 * misread entries; such entries are moved to the new keys when their sensor is next loaded.) At most
 * {@code maxLive} forests stay in memory; the least recently used one is snapshotted (if it learned anything since)
 * and dropped.
 *
 * <p>With an activity store, each sensor's newest record time is kept too, so that sensors silent for
 * {@link Retention#idleTtlMs} are deleted and at most {@link Retention#maxSensors} are kept.
 *
 * <p>About 400 lines because load, evict, snapshot and the value log must agree on one ordering of writes for a
 * restore to be exact; split apart, that invariant would live in no single file.
 */
public final class ForestCache {

    /** Counters for the app's metrics; all no-ops by default. */
    public interface Listener {
        default void restored(final String sensorId, final int replayed) {
        }

        default void evicted(final String sensorId) {
        }

        default void snapshotted(final String sensorId, final int bytes) {
        }

        default void expired(final String sensorId) {
        }
    }

    /**
     * How long an idle sensor's state is kept (0 = forever) and how many sensors a task keeps.
     */
    public record Retention(long idleTtlMs, int maxSensors) {
        public static final Retention NONE = new Retention(0L, Integer.MAX_VALUE);
    }

    /**
     * How every sensor's model is built, how many forests stay in memory, how many records of a sensor pass between
     * its snapshots, and how long idle sensors are kept.
     */
    public record Settings(ModelSettings model, int maxLive, int snapshotInterval, Retention retention) {
        /** Keeps every sensor, as the offline scorer and the tests do. */
        public Settings(final ModelSettings model, final int maxLive, final int snapshotInterval) {
            this(model, maxLive, snapshotInterval, Retention.NONE);
        }
    }

    /**
     * The stores the cache reads and writes: snapshots, the value log since each snapshot and, for retention, each
     * sensor's newest record time ({@code activity}, null for no retention).
     */
    public record Stores(KeyValueStore<String, byte[]> snapshots, KeyValueStore<Bytes, byte[]> log,
            KeyValueStore<String, byte[]> activity) {
        public Stores(final KeyValueStore<String, byte[]> snapshots, final KeyValueStore<Bytes, byte[]> log) {
            this(snapshots, log, null);
        }
    }

    /** The model scored a record NaN or infinite. The record was not learned: no output can carry such a score. */
    public static final class NonFiniteScoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NonFiniteScoreException(final Score score) {
            super("the forest scored the record " + score.score() + " (grade " + score.grade()
                    + "); it was not learned");
        }
    }

    /** A live forest and how far it and its snapshot have got. */
    public static final class LiveForest {
        private final SensorModel model;
        private long sequence;
        private long snapshotSequence;
        private long lastSeenMs;

        LiveForest(final SensorModel model, final long sequence, final long snapshotSequence, final long lastSeenMs) {
            this.model = model;
            this.sequence = sequence;
            this.snapshotSequence = snapshotSequence;
            this.lastSeenMs = lastSeenMs;
        }

        public SensorModel model() {
            return model;
        }

        public long sequence() {
            return sequence;
        }
    }

    private static final byte LOG_KEY_FORMAT = 1;

    private final Settings settings;
    private final ModelSettings model;
    private final KeyValueStore<String, byte[]> snapshots;
    private final KeyValueStore<Bytes, byte[]> log;
    private final KeyValueStore<String, byte[]> activity;
    private final Listener listener;
    private final LinkedHashMap<String, LiveForest> live = new LinkedHashMap<>(16, 0.75f, true);
    private long sensors = -1L;
    private String sweepCursor;

    public ForestCache(final Settings settings, final Stores stores, final Listener listener) {
        this.settings = settings;
        this.model = settings.model();
        this.snapshots = stores.snapshots();
        this.log = stores.log();
        this.activity = stores.activity();
        this.listener = listener;
    }

    /** The sensor's forest, from memory, else restored from the stores, else new with these fields. */
    public LiveForest get(final String sensorId, final String[] fields) {
        LiveForest e = live.get(sensorId);
        if (e == null) {
            e = load(sensorId, fields);
            live.put(sensorId, e);
            evictBeyondCapacity();
        }
        return e;
    }

    /** Whether a record of this sensor may be scored: a known sensor always, a new one while under the cap. */
    public boolean admits(final String sensorId) {
        if (activity == null || live.containsKey(sensorId) || activity.get(sensorId) != null) {
            return true;
        }
        return sensorCount() < settings.retention().maxSensors();
    }

    /** Forests in memory now (at most maxLive). */
    public int liveCount() {
        return live.size();
    }

    public long sensorCount() {
        if (sensors < 0) {
            long n = 0;
            try (KeyValueIterator<String, byte[]> it = activity.all()) {
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
            }
            sensors = n;
        }
        return sensors;
    }

    /** Scores and learns one record, logging it so the learning survives a crash. */
    public Score process(final String sensorId, final LiveForest e, final double[] values) {
        return process(sensorId, e, values, Long.MIN_VALUE);
    }

    /**
     * Scores and learns one record at this record time, logging it so the learning survives a crash.
     *
     * @throws NonFiniteScoreException if the score is NaN or infinite: nothing is logged, so after
     *     {@link #discard} the sensor's forest comes back from the stores as if the record never came
     */
    public Score process(final String sensorId, final LiveForest e, final double[] values, final long timestampMs) {
        final long seq = e.sequence + 1;
        final Score score = e.model.process(values, seq);
        if (!isFinite(score)) {
            throw new NonFiniteScoreException(score);
        }
        e.sequence = seq;
        log.put(logKey(sensorId, seq), encodeValues(seq, values));
        touch(sensorId, e, timestampMs);
        // the first snapshot also records the sensor's field names, so a replay never has to guess them
        if (seq == 1 || seq - e.snapshotSequence >= settings.snapshotInterval()) {
            snapshot(sensorId, e);
        }
        return score;
    }

    /**
     * Drops the sensor's live forest, e.g. after it failed on a record: its next record restores it from the last
     * snapshot and the value log, which hold only what it learned successfully.
     */
    public void discard(final String sensorId) {
        live.remove(sensorId);
    }

    /**
     * Deletes the state of sensors without a record for {@link Retention#idleTtlMs} before {@code streamTimeMs},
     * looking at up to {@code maxScan} sensors from where the previous call stopped.
     *
     * @return how many sensors were deleted
     */
    public int expireIdle(final long streamTimeMs, final int maxScan) {
        if (activity == null || settings.retention().idleTtlMs() <= 0) {
            return 0;
        }
        final List<String> idle = new ArrayList<>();
        int scanned = 0;
        String last = null;
        try (KeyValueIterator<String, byte[]> it = sweepCursor == null
                ? activity.all()
                : activity.range(sweepCursor, null)) {
            while (scanned < maxScan && it.hasNext()) {
                final KeyValue<String, byte[]> kv = it.next();
                if (kv.key.equals(sweepCursor)) {
                    continue;
                }
                scanned++;
                last = kv.key;
                if (streamTimeMs - ByteBuffer.wrap(kv.value).getLong() >= settings.retention().idleTtlMs()) {
                    idle.add(kv.key);
                }
            }
            sweepCursor = it.hasNext() ? last : null;
        }
        for (final String sensorId : idle) {
            forget(sensorId);
        }
        return idle.size();
    }

    private void forget(final String sensorId) {
        live.remove(sensorId);
        snapshots.delete(sensorId);
        deleteLog(sensorId, Long.MAX_VALUE);
        deleteAll(legacyLog(sensorId));
        activity.delete(sensorId);
        if (sensors > 0) {
            sensors--;
        }
        listener.expired(sensorId);
    }

    private void touch(final String sensorId, final LiveForest e, final long timestampMs) {
        if (activity == null || timestampMs <= e.lastSeenMs) {
            return;
        }
        if (e.lastSeenMs == Long.MIN_VALUE && sensors >= 0) {
            sensors++;
        }
        e.lastSeenMs = timestampMs;
        activity.put(sensorId, ByteBuffer.allocate(8).putLong(timestampMs).array());
    }

    private long lastSeen(final String sensorId) {
        final byte[] b = activity == null ? null : activity.get(sensorId);
        return b == null ? Long.MIN_VALUE : ByteBuffer.wrap(b).getLong();
    }

    private static boolean isFinite(final Score s) {
        if (!Double.isFinite(s.score()) || !Double.isFinite(s.grade())) {
            return false;
        }
        if (s.high() != null) {
            for (int i = 0; i < s.high().length; i++) {
                if (!Double.isFinite(s.high()[i]) || !Double.isFinite(s.low()[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Forgets the in-memory forests (task closed or revived); the stores hold everything they learned. */
    public void clear() {
        live.clear();
    }

    private void evictBeyondCapacity() {
        final Iterator<Map.Entry<String, LiveForest>> it = live.entrySet().iterator();
        while (live.size() > settings.maxLive() && it.hasNext()) {
            final Map.Entry<String, LiveForest> eldest = it.next();
            if (eldest.getValue().sequence > eldest.getValue().snapshotSequence) {
                snapshot(eldest.getKey(), eldest.getValue());
            }
            it.remove();
            listener.evicted(eldest.getKey());
        }
    }

    private void snapshot(final String sensorId, final LiveForest e) {
        final byte[] bytes = ModelCodec.encode(e.model, e.sequence);
        snapshots.put(sensorId, bytes);
        e.snapshotSequence = e.sequence;
        // what the snapshot holds need not be replayed, so its log entries go: the log stays bounded
        deleteLog(sensorId, e.sequence);
        listener.snapshotted(sensorId, bytes.length);
    }

    private void deleteLog(final String sensorId, final long upToSequence) {
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = log.range(logKey(sensorId, 0L), logKey(sensorId, upToSequence))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (final Bytes k : keys) {
            log.delete(k);
        }
    }

    /** Entries of the ring-of-slots format this cache wrote before, as key and value. */
    private List<KeyValue<Bytes, byte[]>> legacyLog(final String sensorId) {
        final List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = log.range(legacyLogKey(sensorId, 0),
                legacyLogKey(sensorId, Integer.MAX_VALUE))) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    private void deleteAll(final List<KeyValue<Bytes, byte[]>> entries) {
        for (final KeyValue<Bytes, byte[]> kv : entries) {
            log.delete(kv.key);
        }
    }

    private LiveForest load(final String sensorId, final String[] fields) {
        final byte[] saved = snapshots.get(sensorId);
        final long lastSeen = lastSeen(sensorId);
        if (saved == null) {
            return new LiveForest(SensorModel.create(model, sensorId, fields), 0L, 0L, lastSeen);
        }
        final ModelCodec.Snapshot snap = ModelCodec.decode(saved, model.explanation());
        if (snap.model() == null || snap.model().detector() != model.detector()) {
            // the detector setting changed, or the snapshot is of an earlier forestwatch layout: that state cannot
            // continue this one, so start afresh
            snapshots.delete(sensorId);
            deleteLog(sensorId, Long.MAX_VALUE);
            deleteAll(legacyLog(sensorId));
            return new LiveForest(SensorModel.create(model, sensorId, fields), 0L, 0L, lastSeen);
        }
        final LiveForest e = new LiveForest(snap.model(), snap.sequence(), snap.sequence(), lastSeen);
        migrateLegacyLog(sensorId, e.sequence);
        int replayed = 0;
        try (KeyValueIterator<Bytes, byte[]> it = log.range(logKey(sensorId, e.sequence + 1),
                logKey(sensorId, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                final ByteBuffer buf = ByteBuffer.wrap(it.next().value);
                final long seq = buf.getLong();
                if (seq != e.sequence + 1) {
                    throw new IllegalStateException("value log of a sensor jumps from record " + e.sequence + " to "
                            + seq + "; the forest-log store is inconsistent");
                }
                e.model.process(decodeValues(buf), seq);
                e.sequence = seq;
                replayed++;
            }
        }
        listener.restored(sensorId, replayed);
        return e;
    }

    /** Moves the entries a snapshot does not cover from the old ring of slots to keys by record number. */
    private void migrateLegacyLog(final String sensorId, final long snapshotSequence) {
        final List<KeyValue<Bytes, byte[]>> legacy = legacyLog(sensorId);
        for (final KeyValue<Bytes, byte[]> kv : legacy) {
            final long seq = ByteBuffer.wrap(kv.value).getLong();
            if (seq > snapshotSequence) {
                log.put(logKey(sensorId, seq), kv.value);
            }
        }
        deleteAll(legacy);
    }

    /**
     * A format byte, the length-prefixed id, then the record number big-endian: one sensor's entries are one
     * contiguous key range in record order. The format byte (1) keeps them apart from the old ring-of-slots keys,
     * which start with the id's length and so with 0.
     */
    static Bytes logKey(final String sensorId, final long sequence) {
        final byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + 4 + id.length + 8).put(LOG_KEY_FORMAT).putInt(id.length).put(id)
                .putLong(sequence).array());
    }

    /** The old key: length-prefixed id, then the slot (record number modulo the snapshot interval). */
    static Bytes legacyLogKey(final String sensorId, final int slot) {
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
