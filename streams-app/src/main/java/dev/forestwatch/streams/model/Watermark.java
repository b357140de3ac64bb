package dev.forestwatch.streams.model;

/**
 * A scoring task's progress, broadcast to every ordering task: it has scored all its records up to
 * {@code streamTime}, or it has had no input for a while ({@code idle}) and should not hold anyone back. With
 * these the ordering step knows when a second is complete across all partitions and instances, even when one of
 * them lags far behind (a backlog, a restore after failover).
 */
public record Watermark(String upstream, long streamTime, boolean idle) implements Message {
}
