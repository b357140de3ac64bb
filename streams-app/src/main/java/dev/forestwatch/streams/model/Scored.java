package dev.forestwatch.streams.model;

/** A scored record on its way to the ordering step; {@code output} is the finished output JSON. */
public record Scored(double score, String sensorId, String recordId, byte[] output) implements Message {
}
