package dev.forestwatch.streams.model;

/**
 * A parsed, valid sensor reading.
 *
 * @param fields names of the scored fields, in the order of {@code values}
 * @param json the original JSON value, re-parsed only when the scored output is written
 * @param arrivalMs when it reached its origin (Kinesis' ApproximateArrivalTimestamp, else the input record's Kafka
 *     timestamp), epoch ms; -1 if unknown
 */
public record Reading(String sensorId, String recordId, Source source, String[] fields, double[] values, byte[] json,
        long arrivalMs) implements Message {

    public Reading(final String sensorId, final String recordId, final Source source, final String[] fields,
            final double[] values, final byte[] json) {
        this(sensorId, recordId, source, fields, values, json, -1L);
    }

    public Reading withArrival(final long ms) {
        return new Reading(sensorId, recordId, source, fields, values, json, ms);
    }
}
