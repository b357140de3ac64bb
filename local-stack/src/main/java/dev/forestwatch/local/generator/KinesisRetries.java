package dev.forestwatch.local.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which failed PutRecords calls {@link KinesisReadingWriter} tries again, and how long it waits before each try. */
final class KinesisRetries {
    static final long INITIAL_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    /** Call-level error codes worth another try; per-entry codes (two documented, both transient) all are. */
    private static final Set<String> RETRYABLE_CODES = Set.of("ProvisionedThroughputExceededException",
            "LimitExceededException", "KMSThrottlingException", "InternalFailure", "InternalFailureException",
            "ServiceUnavailable", "ServiceUnavailableException");

    private KinesisRetries() {
    }

    /** Equal jitter: between half and all of the exponential bound, so retrying writers spread out. */
    static long backoffMillis(int attempt) {
        long bound = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS << Math.min(attempt - 1, 20));
        return ThreadLocalRandom.current().nextLong(bound / 2, bound + 1);
    }

    static boolean retryable(RuntimeException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return service.isThrottlingException() || service.statusCode() >= 500
                    || (code != null && RETRYABLE_CODES.contains(code));
        }
        if (e instanceof SdkClientException client) {
            // but not "Unable to load credentials" and the like, which no retry fixes
            return client instanceof ApiCallAttemptTimeoutException || client.retryable() || causedByIo(client);
        }
        return false;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    static String describe(RuntimeException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                    + service.awsErrorDetails().errorMessage();
        }
        return e.toString();
    }
}
