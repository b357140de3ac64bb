package dev.forestwatch.local.generator;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The Kinesis data stream {@link SensorSimulator} writes instead of a Kafka topic, and how to reach it.
 *
 * @param endpoint endpoint override (an emulator), or null for the region's AWS endpoint
 * @param region null for the SDK default region chain, falling back to us-east-1
 * @param credentials null for the SDK default credentials chain
 * @param linger how long a reading may wait for a fuller PutRecords call
 * @param retryTimeout how long one batch's failed entries are retried before they count as failed
 */
public record KinesisTarget(
        String stream, URI endpoint, Region region, AwsCredentialsProvider credentials, Duration linger,
        Duration retryTimeout) {
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(100);
    public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofSeconds(60);

    public KinesisTarget {
        Objects.requireNonNull(stream, "stream");
        if (linger.isNegative() || retryTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "linger and retry timeout must not be negative, got " + linger + ", " + retryTimeout);
        }
    }

    public static KinesisTarget of(String stream) {
        return new KinesisTarget(stream, null, null, null, DEFAULT_LINGER, DEFAULT_RETRY_TIMEOUT);
    }

    public KinesisTarget withEndpoint(URI endpoint) {
        return new KinesisTarget(stream, endpoint, region, credentials, linger, retryTimeout);
    }

    public KinesisTarget withRegion(Region region) {
        return new KinesisTarget(stream, endpoint, region, credentials, linger, retryTimeout);
    }

    public KinesisTarget withCredentials(AwsCredentialsProvider credentials) {
        return new KinesisTarget(stream, endpoint, region, credentials, linger, retryTimeout);
    }

    public KinesisTarget withRetryTimeout(Duration retryTimeout) {
        return new KinesisTarget(stream, endpoint, region, credentials, linger, retryTimeout);
    }
}
