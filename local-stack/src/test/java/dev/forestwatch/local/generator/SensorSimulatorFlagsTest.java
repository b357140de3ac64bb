package dev.forestwatch.local.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.local.Flags;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class SensorSimulatorFlagsTest {

    @Test
    void kafkaIsTheDefaultAsBefore() {
        SensorSimulator.Options options = options("--topic", "t", "--sensors", "3");

        assertThat(options.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(options.topic()).isEqualTo("t");
        assertThat(options.kinesis()).isNull();
        assertThat(options.sensors()).isEqualTo(3);
    }

    @Test
    void kinesisStreamSelectsKinesisWithEndpointRegionAndRetryBound() {
        SensorSimulator.Options options = options("--kinesis-stream", "RawStreamData",
                "--kinesis-endpoint", "http://127.0.0.1:4567", "--region", "eu-west-1", "--kinesis-retry-seconds",
                "2.5",
                "--records", "100");

        assertThat(options.bootstrapServers()).isNull();
        assertThat(options.kinesis()).isEqualTo(new KinesisTarget("RawStreamData", URI.create("http://127.0.0.1:4567"),
                Region.EU_WEST_1, null, KinesisTarget.DEFAULT_LINGER, Duration.ofMillis(2500)));
        assertThat(options.maxRecords()).isEqualTo(100);
    }

    @Test
    void kinesisDefaultsLeaveRegionAndCredentialsToTheSdkChains() {
        assertThat(options("--kinesis-stream", "s").kinesis()).isEqualTo(KinesisTarget.of("s"));
        assertThat(KinesisTarget.of("s").retryTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void rejectsFlagsOfTheOtherDestination() {
        assertThatThrownBy(() -> options("--kinesis-stream", "s", "--topic", "t"))
                .hasMessageContaining("--bootstrap and --topic are for Kafka");
        assertThatThrownBy(() -> options("--region", "eu-west-1"))
                .hasMessageContaining("need --kinesis-stream");
        assertThatThrownBy(() -> options("--kinesis-stream", "s", "--kinesis-endpoint", "127.0.0.1:4567"))
                .hasMessageContaining("--kinesis-endpoint expects a URL");
    }

    @Test
    void optionsTakeExactlyOneDestination() {
        assertThatThrownBy(
                () -> new SensorSimulator.Options(null, "t", null, 1, 1, 0, null, 0, 0, Duration.ofSeconds(1), null))
                .hasMessageContaining("not neither");
        assertThatThrownBy(() -> new SensorSimulator.Options("b", "t", KinesisTarget.of("s"), 1, 1, 0, null, 0, 0,
                Duration.ofSeconds(1), null)).hasMessageContaining("not both");
    }

    private static SensorSimulator.Options options(String... args) {
        Flags flags = Flags.parse(args);
        SensorSimulator.Options options = SensorSimulator.optionsFrom(flags);
        flags.rejectUnknown();
        return options;
    }
}
