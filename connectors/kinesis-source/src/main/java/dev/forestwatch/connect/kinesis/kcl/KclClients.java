package dev.forestwatch.connect.kinesis.kcl;

import dev.forestwatch.connect.kinesis.KinesisSourceConfig;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.KinesisClientUtil;

/** The KCL's Kinesis, DynamoDB and CloudWatch clients, built with one region and one credentials provider. */
record KclClients(KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamoDb, CloudWatchAsyncClient cloudWatch)
        implements AutoCloseable {

    static KclClients create(final KinesisSourceConfig config) {
        final AwsCredentialsProvider credentials = config.aws().credentialsProvider();
        // the KCL's own tuning of the Kinesis client (HTTP/2 settings enhanced fan-out needs)
        final KinesisAsyncClient kinesis = KinesisClientUtil.createKinesisAsyncClient(
                configure(KinesisAsyncClient.builder(), config, credentials, config.kinesisEndpoint()));
        final DynamoDbAsyncClient dynamo = configure(DynamoDbAsyncClient.builder(), config, credentials,
                config.dynamoDbEndpoint()).build();
        final CloudWatchAsyncClient cloudWatch = configure(CloudWatchAsyncClient.builder(), config, credentials,
                config.cloudWatchEndpoint()).build();
        return new KclClients(kinesis, dynamo, cloudWatch);
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(final B builder, final KinesisSourceConfig config,
            final AwsCredentialsProvider credentials, final URI endpoint) {
        builder.credentialsProvider(credentials);
        final Region region = config.aws().region();
        if (region != null) {
            builder.region(region);
        } else if (endpoint != null) {
            // an endpoint override (an emulator, a VPC endpoint) still needs some region to sign with
            builder.region(Region.US_EAST_1);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    @Override
    public void close() {
        kinesis.close();
        dynamoDb.close();
        cloudWatch.close();
    }
}
