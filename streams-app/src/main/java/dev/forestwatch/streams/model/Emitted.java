package dev.forestwatch.streams.model;

/** An output record leaving the ordering step: its second decides the output partition. */
public record Emitted(long second, byte[] json) {
}
