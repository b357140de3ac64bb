package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Watermark;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How far the tasks upstream of this one have got, from the watermarks they broadcast. Kept in a changelogged
 * store, so that after a restart or a move the tasks known before still hold progress back until they speak again
 * or stay silent for the max wait (their instance died): forgetting them would let a restoring task's records
 * arrive after their second was emitted.
 */
final class WatermarkTracker {

    /** Where the upstream tasks are: the slowest active one's stream time, or that none is active. */
    record Progress(boolean known, boolean anyActive, long slowest) {}

    private record Upstream(long streamTime, boolean idle, long heardMs) {}

    private final KeyValueStore<String, byte[]> store;
    private final long maxWaitMs;
    private final Map<String, Upstream> upstreams = new HashMap<>();
    private long startedMs = -1L;

    WatermarkTracker(final KeyValueStore<String, byte[]> store, final long maxWaitMs) {
        this.store = store;
        this.maxWaitMs = maxWaitMs;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                final KeyValue<String, byte[]> kv = it.next();
                final ByteBuffer b = ByteBuffer.wrap(kv.value);
                upstreams.put(kv.key, new Upstream(b.getLong(), b.get() == 1, -1L));
            }
        }
    }

    void update(final Watermark w, final long now) {
        start(now);
        upstreams.put(w.upstream(), new Upstream(w.streamTime(), w.idle(), now));
        store.put(w.upstream(), ByteBuffer.allocate(9).putLong(w.streamTime()).put((byte) (w.idle() ? 1 : 0)).array());
    }

    Progress progress(final long now) {
        start(now);
        long slowest = Long.MAX_VALUE;
        boolean anyActive = false;
        for (final Upstream u : upstreams.values()) {
            // one known only from the store counts as heard when this task (re)started
            final long heard = u.heardMs() < 0 ? startedMs : u.heardMs();
            if (!u.idle() && now - heard < maxWaitMs) {
                anyActive = true;
                slowest = Math.min(slowest, u.streamTime());
            }
        }
        return new Progress(!upstreams.isEmpty(), anyActive, slowest);
    }

    /** True once this task has waited the max wait without hearing of any upstream task. */
    boolean waitedInVain(final long now) {
        start(now);
        return upstreams.isEmpty() && now - startedMs >= maxWaitMs;
    }

    // the processor context's clock is not set during init, so the first update or query starts the clock
    private void start(final long now) {
        if (startedMs < 0) {
            startedMs = now;
        }
    }
}
