package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.AwsClients;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** Builds the Firehose client from the connector's AWS settings, as values. */
final class FirehoseClients {

    private FirehoseClients() {
    }

    /**
     * @param region
     *            null for the SDK's default region chain
     * @param endpoint
     *            null for the service's
     */
    static FirehoseClient create(final AwsCredentialsProvider credentials, final Region region, final URI endpoint) {
        return AwsClients.configure(FirehoseClient.builder(), credentials, region, endpoint)
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                // retries are the connector's own (only failed entries, bounded by retry.max.duration.ms);
                // SDK retries underneath would resend whole batches and blur that budget
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(60)))
                .build();
    }
}
