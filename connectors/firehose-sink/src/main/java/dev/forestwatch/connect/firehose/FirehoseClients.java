package dev.forestwatch.connect.firehose;

import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/** Builds the Firehose client from the connector's settings. */
final class FirehoseClients {

    private FirehoseClients() {
    }

    static FirehoseClient create(final FirehoseSinkConfig config) {
        final FirehoseClientBuilder b = FirehoseClient.builder()
                .credentialsProvider(config.aws().credentialsProvider())
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                // retries are the connector's own (only failed entries, bounded by retry.max.duration.ms);
                // SDK retries underneath would resend whole batches and blur that budget
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(60)));
        if (config.aws().region() != null) {
            b.region(config.aws().region());
        } else if (config.endpoint() != null) {
            // an endpoint override (LocalStack, a test server) still needs some region to sign with
            b.region(Region.US_EAST_1);
        }
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        return b.build();
    }
}
