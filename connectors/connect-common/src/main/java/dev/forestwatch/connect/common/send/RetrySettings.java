package dev.forestwatch.connect.common.send;

/**
 * How one batch is retried: exponential backoff with jitter from {@code backoffMs} up to {@code backoffMaxMs},
 * for at most {@code maxDurationMs} in all, after which the task fails naming {@code setting}.
 */
public record RetrySettings(long backoffMs, long backoffMaxMs, long maxDurationMs, String setting) {
}
