package dev.forestwatch.connect.kinesis.kcl;

/**
 * Where a record sits in its shard: the Kinesis sequence number and, for a record de-aggregated from a KPL
 * aggregate, its sub-sequence number. What a KCL checkpoint is made of.
 */
public record SequencePosition(String sequenceNumber, long subSequenceNumber) {
}
