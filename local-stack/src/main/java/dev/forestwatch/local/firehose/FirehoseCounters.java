package dev.forestwatch.local.firehose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link LocalFirehose} saw, for tests' assertions: calls by operation, the largest call, limit violations,
 * failed, throttled and dropped calls, records delivered per stream. Not thread-safe: LocalFirehose updates it,
 * and reads the plain counts straight from the fields, under its own lock.
 */
final class FirehoseCounters {
    private final Map<String, Integer> callsByOperation = new LinkedHashMap<>();
    private final Map<String, Long> delivered = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    int failedEntries;
    int throttledCalls;
    int droppedCalls;
    int maxRecordsPerCall;
    long maxBytesPerCall;

    void call(String operation) {
        callsByOperation.merge(operation, 1, Integer::sum);
    }

    /** A Put call's size, and the limit it broke (null if none). */
    void putCall(String stream, int records, long bytes, String violation) {
        maxRecordsPerCall = Math.max(maxRecordsPerCall, records);
        maxBytesPerCall = Math.max(maxBytesPerCall, bytes);
        if (violation != null) {
            violations.add(stream + ": " + violation);
        }
    }

    void delivered(String stream, int accepted, int failed) {
        delivered.merge(stream, (long) accepted, Long::sum);
        failedEntries += failed;
    }

    void throttled() {
        throttledCalls++;
    }

    void dropped() {
        droppedCalls++;
    }

    int calls() {
        return callsByOperation.values().stream().mapToInt(Integer::intValue).sum();
    }

    int calls(String operation) {
        return callsByOperation.getOrDefault(operation, 0);
    }

    long delivered(String stream) {
        return delivered.getOrDefault(stream, 0L);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }
}
