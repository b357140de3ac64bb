package dev.forestwatch.streams.order;

import dev.forestwatch.streams.model.Watermark;
import java.util.function.LongSupplier;

/**
 * A task's own side of the watermark protocol: it says it is idle after a spell without input, and says it is
 * active again before forwarding its next record, so no downstream task flushes a second while it still counts
 * this one idle.
 */
public final class WatermarkEmitter {

    private final String taskId;
    private final long idleMs;
    private long lastInputMs = -1L;
    // whatever a previous owner of this task said, announce activity before the first record
    private boolean saidIdle = true;

    public WatermarkEmitter(final String taskId, final long idleMs) {
        this.taskId = taskId;
        this.idleMs = idleMs;
    }

    /**
     * A record is about to be forwarded: the watermark to send first, or null. The stream time is only computed
     * when needed, since this runs for every record.
     */
    public Watermark beforeRecord(final long now, final LongSupplier streamTime) {
        lastInputMs = now;
        return saidIdle ? say(streamTime.getAsLong(), false) : null;
    }

    /** The periodic watermark; {@code upstreamIdle} when everything upstream of this task is idle too. */
    public Watermark tick(final long now, final long streamTime, final boolean upstreamIdle) {
        if (lastInputMs < 0) {
            // the context's clock is not set during init; not "no stream time yet" either: a task just assigned
            // may not have fetched its backlog when this first fires
            lastInputMs = now;
        }
        return say(streamTime, upstreamIdle && now - lastInputMs >= idleMs);
    }

    private Watermark say(final long streamTime, final boolean idle) {
        saidIdle = idle;
        return new Watermark(taskId, streamTime, idle);
    }
}
