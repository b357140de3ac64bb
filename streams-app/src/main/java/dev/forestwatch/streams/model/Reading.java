package dev.forestwatch.streams.model;

/**
 * A parsed, valid sensor reading.
 *
 * @param fields names of the scored fields, in the order of {@code values}
 * @param json the original JSON value, re-parsed only when the scored output is written
 */
public record Reading(String sensorId, String recordId, Source source, String[] fields, double[] values, byte[] json)
        implements Message {}
