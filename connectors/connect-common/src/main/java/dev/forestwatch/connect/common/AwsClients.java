package dev.forestwatch.connect.common;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/** The connectors' AWS clients all take credentials, region and endpoint the same way; this is that way. */
public final class AwsClients {

    private AwsClients() {
    }

    /**
     * @param region
     *            null for the SDK's default region chain
     * @param endpoint
     *            null for the service's
     */
    public static <B extends AwsClientBuilder<B, ?>> B configure(final B builder,
            final AwsCredentialsProvider credentials, final Region region, final URI endpoint) {
        builder.credentialsProvider(credentials);
        if (region != null) {
            builder.region(region);
        } else if (endpoint != null) {
            // an endpoint override (an emulator, LocalStack, a VPC endpoint) still needs some region to sign with
            builder.region(Region.US_EAST_1);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }
}
