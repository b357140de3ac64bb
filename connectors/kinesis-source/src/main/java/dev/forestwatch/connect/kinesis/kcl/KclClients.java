package dev.forestwatch.connect.kinesis.kcl;

import dev.forestwatch.connect.common.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
        final Region region = config.region();
        final KinesisAsyncClientBuilder builder = AwsClients.configure(KinesisAsyncClient.builder(), credentials,
                region, config.kinesisEndpoint());
        final KinesisAsyncClient kinesis = kinesisHttpClient(builder, config.kinesisHttpProtocol()).build();
        final DynamoDbAsyncClient dynamo = AwsClients.configure(DynamoDbAsyncClient.builder(), credentials, region,
                config.dynamoDbEndpoint()).build();
        final CloudWatchAsyncClient cloudWatch = AwsClients.configure(CloudWatchAsyncClient.builder(), credentials,
                region, config.cloudWatchEndpoint()).build();
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

    @Override
    public void close() {
        kinesis.close();
        dynamoDb.close();
        cloudWatch.close();
    }
}
