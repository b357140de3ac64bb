package dev.forestwatch.connect.kinesis.kcl;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.kinesis.common.KinesisClientUtil;

/** The KCL's Kinesis, DynamoDB and CloudWatch clients, built with one region and one credentials provider. */
record KclClients(KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamoDb, CloudWatchAsyncClient cloudWatch)
        implements
            AutoCloseable {

    static KclClients create(final KclSettings config) {
        final AwsCredentialsProvider credentials = config.credentials();
        final KinesisAsyncClientBuilder builder = configure(KinesisAsyncClient.builder(), config, credentials,
                config.kinesisEndpoint());
        final KinesisAsyncClient kinesis = kinesisHttpClient(builder, config.kinesisHttpProtocol()).build();
        final DynamoDbAsyncClient dynamo = configure(DynamoDbAsyncClient.builder(), config, credentials,
                config.dynamoDbEndpoint()).build();
        final CloudWatchAsyncClient cloudWatch = configure(CloudWatchAsyncClient.builder(), config, credentials,
                config.cloudWatchEndpoint()).build();
        return new KclClients(kinesis, dynamo, cloudWatch);
    }

    /**
     * http2 keeps the KCL's own tuning (the HTTP/2 window and pings enhanced fan-out needs); http1.1 keeps its
     * unbounded concurrency, since every shard's reader shares the client, and drops what only HTTP/2 has.
     */
    static KinesisAsyncClientBuilder kinesisHttpClient(final KinesisAsyncClientBuilder builder,
            final KclSettings.HttpProtocol protocol) {
        if (protocol == KclSettings.HttpProtocol.HTTP2) {
            return KinesisClientUtil.adjustKinesisClientBuilder(builder);
        }
        builder.httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(Integer.MAX_VALUE)
                .protocol(Protocol.HTTP1_1));
        return builder;
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(final B builder, final KclSettings config,
            final AwsCredentialsProvider credentials, final URI endpoint) {
        builder.credentialsProvider(credentials);
        final Region region = config.region();
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
