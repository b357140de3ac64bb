package dev.forestwatch.streams.order;

import dev.forestwatch.streams.model.Watermark;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How far the tasks upstream of this one have got, from the watermarks they broadcast.
 *
 * <p>Nothing counts as complete until as many upstream tasks as there are upstream partitions have spoken: on a
 * fresh start with a backlog, one task's records can arrive before another has said a word, and the slowest of
 * those heard so far would be a lie. Known tasks are kept in a changelogged store, so after a restart or a move
 * they still hold progress back until they speak again or stay silent for the max wait (their instance died).
 */
public final class WatermarkTracker {

    /** What the upstream tasks allow. */
    public enum State {
        /** Not all upstream tasks have spoken yet: hold everything. */
        WAITING,
        /** {@link Progress#slowest} is the stream time every active upstream task has passed. */
        ACTIVE,
        /** Every upstream task is idle or gone: nothing more is coming for now. */
        IDLE
    }

    public record Progress(State state, long slowest) {
    }

    /** Keys of the store that are not upstream tasks: the owner keeps its own bookkeeping beside them. */
    public static final String RESERVED_PREFIX = "\u0000";

    private record Upstream(long streamTime, boolean idle, long heardMs) {
    }

    private final KeyValueStore<String, byte[]> store;
    private final int expected;
    private final long maxWaitMs;
    private final Map<String, Upstream> upstreams = new HashMap<>();
    private long startedMs = -1L;

    /** @param expected how many upstream tasks there are (their topic's partitions); 0 if unknown */
    public WatermarkTracker(final KeyValueStore<String, byte[]> store, final int expected, final long maxWaitMs) {
        this.store = store;
        this.expected = expected;
        this.maxWaitMs = maxWaitMs;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                final KeyValue<String, byte[]> kv = it.next();
                if (kv.key.startsWith(RESERVED_PREFIX)) {
                    continue;
                }
                final ByteBuffer b = ByteBuffer.wrap(kv.value);
                upstreams.put(kv.key, new Upstream(b.getLong(), b.get() == 1, -1L));
            }
        }
    }

    public void update(final Watermark w, final long now) {
        start(now);
        upstreams.put(w.upstream(), new Upstream(w.streamTime(), w.idle(), now));
        store.put(w.upstream(), ByteBuffer.allocate(9).putLong(w.streamTime()).put((byte) (w.idle() ? 1 : 0)).array());
    }

    public Progress progress(final long now) {
        start(now);
        final boolean waitedLongEnough = now - startedMs >= maxWaitMs;
        if (upstreams.size() < Math.max(expected, 1) && !waitedLongEnough) {
            return new Progress(State.WAITING, Long.MIN_VALUE);
        }
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
        return anyActive ? new Progress(State.ACTIVE, slowest) : new Progress(State.IDLE, Long.MIN_VALUE);
    }

    // the processor context's clock is not set during init, so the first update or query starts the clock
    private void start(final long now) {
        if (startedMs < 0) {
            startedMs = now;
        }
    }
}
