package dev.forestwatch.connect.common.send;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of a sink task's send loop, for its log line when it stops and for tests. */
public final class SendStats {
    public final AtomicLong calls = new AtomicLong();
    public final AtomicLong delivered = new AtomicLong();
    public final AtomicLong retriedEntries = new AtomicLong();
    public final AtomicLong retriedCalls = new AtomicLong();
    public final AtomicLong splitCalls = new AtomicLong();
    public final AtomicLong refused = new AtomicLong();
    public final AtomicLong reported = new AtomicLong();

    @Override
    public String toString() {
        return delivered + " delivered in " + calls + " calls, " + retriedEntries + " entries and " + retriedCalls
                + " calls retried, " + splitCalls + " calls split as too large, " + refused + " refused ("
                + reported + " reported to the dead-letter topic)";
    }
}
