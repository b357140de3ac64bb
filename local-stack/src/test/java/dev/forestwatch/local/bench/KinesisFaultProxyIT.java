package dev.forestwatch.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.local.server.EmbeddedKinesis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The SDK, through the proxy to kinesis-local, sees the modelled exceptions while a fault lasts and records after. */
class KinesisFaultProxyIT {

    @Test
    void getRecordsIsThrottledThenExpiredOnceThenServedAndOtherCallsPassThrough() {
        try (EmbeddedKinesis kinesis = EmbeddedKinesis.start();
                KinesisFaultProxy proxy = KinesisFaultProxy.start(kinesis.endpoint());
                KinesisClient client = EmbeddedKinesis.client(proxy.endpoint())) {
            kinesis.createStream("readings", 1);
            client.putRecord(r -> r.streamName("readings").partitionKey("k").data(SdkBytes.fromUtf8String("{}")));
            String shard = client.listShards(r -> r.streamName("readings")).shards().get(0).shardId();
            String iterator = client.getShardIterator(r -> r.streamName("readings").shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();

            proxy.throttleGetRecordsFor(Duration.ofMinutes(1));
            assertThat(catchThrowable(() -> client.getRecords(r -> r.shardIterator(iterator))))
                    .isInstanceOf(ProvisionedThroughputExceededException.class);
            proxy.clearFaults();
            proxy.expireNextIterators(1);
            assertThat(catchThrowable(() -> client.getRecords(r -> r.shardIterator(iterator))))
                    .isInstanceOf(ExpiredIteratorException.class);
            assertThat(client.getRecords(r -> r.shardIterator(iterator)).records()).hasSize(1);
            assertThat(proxy.throttledCalls()).isGreaterThanOrEqualTo(1);
            assertThat(proxy.expiredCalls()).isEqualTo(1);
            assertThat(proxy.forwardedCalls()).isGreaterThanOrEqualTo(4);
        }
    }
}
