package dev.forestwatch.local.firehose;

import java.time.Duration;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The faults a test injects into {@link LocalFirehose}: entries failed (by content, count or chance), calls
 * throttled or dropped, latency. Not thread-safe: LocalFirehose reads and sets it under its own lock, so one call
 * sees one consistent set of faults and the counts and the Random stay deterministic.
 */
final class FirehoseFaults {
    /** A whole call rejected with this error code and HTTP status. */
    record Throttle(String code, int status) {
    }

    private Predicate<byte[]> failIf;
    private int failNextEntries;
    private double failProbability;
    private Random failRandom;
    private int throttleNextCalls;
    private Throttle throttle = new Throttle(LocalFirehose.DEFAULT_THROTTLE_CODE,
            LocalFirehose.DEFAULT_THROTTLE_STATUS);
    private int dropNextCalls;
    private Duration latency = Duration.ZERO;

    void failEntriesMatching(Predicate<byte[]> predicate) {
        this.failIf = predicate;
    }

    void failNextEntries(int n) {
        this.failNextEntries = n;
    }

    void failEntriesRandomly(double p, long seed) {
        this.failProbability = p;
        this.failRandom = p > 0 ? new Random(seed) : null;
    }

    void throttleNextCalls(int n, String errorCode, int httpStatus) {
        this.throttleNextCalls = n;
        this.throttle = new Throttle(errorCode, httpStatus);
    }

    void dropNextCalls(int n) {
        this.dropNextCalls = n;
    }

    void latency(Duration latency) {
        this.latency = latency;
    }

    Duration latency() {
        return latency;
    }

    /** Every fault and the latency gone. */
    void clear() {
        failIf = null;
        failNextEntries = 0;
        failEntriesRandomly(0, 0);
        throttleNextCalls = 0;
        dropNextCalls = 0;
        latency = Duration.ZERO;
    }

    /** True if this call is to be dropped (counts it down). */
    boolean dropThisCall() {
        if (dropNextCalls > 0) {
            dropNextCalls--;
            return true;
        }
        return false;
    }

    /** The rejection for this call, or null (counts it down). */
    Throttle throttleThisCall() {
        if (throttleNextCalls > 0) {
            throttleNextCalls--;
            return throttle;
        }
        return null;
    }

    /** Whether this entry fails; each mechanism is consulted, so the counts and the Random stay deterministic. */
    boolean failEntry(byte[] entry) {
        boolean fail = false;
        if (failNextEntries > 0) {
            failNextEntries--;
            fail = true;
        }
        if (failRandom != null && failRandom.nextDouble() < failProbability) {
            fail = true;
        }
        if (failIf != null && failIf.test(entry)) {
            fail = true;
        }
        return fail;
    }
}
