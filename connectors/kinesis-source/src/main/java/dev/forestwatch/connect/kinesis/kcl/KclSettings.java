package dev.forestwatch.connect.kinesis.kcl;

import java.net.URI;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * What the KCL worker and its clients need, as values: the connector's config builds it, so this package never
 * imports the config.
 *
 * @param workerName
 *            the connector's name and the task's number, e.g. kinesis-source-task0
 * @param startTimestamp
 *            for {@link StartPosition#AT_TIMESTAMP} only, else null
 * @param region
 *            null for the SDK's default region chain
 * @param kinesisEndpoint
 *            null for the service's; the same for the other endpoints
 */
public record KclSettings(String stream, String topic, String workerName, String leaseTable,
        StartPosition startPosition, Instant startTimestamp, Retrieval retrieval, int maxRecords,
        long idleBetweenReadsMs, String metricsLevel, long failoverTimeMs, long shardSyncIntervalMs,
        long parentShardPollIntervalMs, long leaderLeaseDurationMs, AwsCredentialsProvider credentials, Region region,
        URI kinesisEndpoint, HttpProtocol kinesisHttpProtocol, URI dynamoDbEndpoint, URI cloudWatchEndpoint) {

    /** Where a shard without a checkpoint starts. */
    public enum StartPosition {
        TRIM_HORIZON, LATEST, AT_TIMESTAMP
    }

    /** How records are fetched. */
    public enum Retrieval {
        POLLING, FANOUT
    }

    /** The HTTP version the Kinesis client speaks. */
    public enum HttpProtocol {
        HTTP2("http2"), HTTP1_1("http1.1");

        private final String configName;

        HttpProtocol(final String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static HttpProtocol of(final String v) {
            for (final HttpProtocol p : values()) {
                if (p.configName.equalsIgnoreCase(v)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(v);
        }
    }

    @Override
    public String toString() {
        return "KCL settings for stream '" + stream + "'"; // never the credentials
    }
}
