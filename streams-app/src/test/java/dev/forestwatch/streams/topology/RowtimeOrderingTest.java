package dev.forestwatch.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.order.SecondOrderingProcessor;
import dev.forestwatch.streams.topology.Harness.Out;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/** ROWTIME: the time a record entered the input topic, so every second comes out whole, whatever the timestamps. */
class RowtimeOrderingTest {

    @Test
    void timestampsThatGoBackwardsInsideAPartitionKeepEverySecondWhole() {
        try (Harness h = new Harness()) {
            final Random rnd = new Random(3);
            final int sent = 600;
            // two shards share the partition; the second one's backlog arrives 5-20 s behind the first one's
            for (int i = 0; i < sent; i++) {
                final long t = i * 100L - (i % 3 == 0 ? 5_000 + rnd.nextInt(15_000) : 0);
                h.send("sensor-" + (i % 4), 10 + rnd.nextInt(11), Harness.T0.plusMillis(Math.max(t, 0)));
                if (i % 25 == 0) {
                    // watermark ticks mid-stream, so seconds are emitted while older timestamps still come
                    h.driver.advanceWallClockTime(Duration.ofMillis(600));
                }
            }
            h.idle();
            final List<Out> out = h.drain();
            assertThat(out).hasSize(sent);
            assertThat(out).noneMatch(o -> o.headers().lastHeader(SecondOrderingProcessor.HEADER_LATE) != null);
            assertThat(out).noneMatch(o -> o.headers().lastHeader(SecondOrderingProcessor.HEADER_DELAYED_FROM) != null);
            ForestwatchTopologyTest.assertOrderedBySecondThenScore(out);
            // the created second is the running maximum of the timestamps: when the record entered the topic
            assertThat(out.stream().map(Out::created).max(String::compareTo).orElseThrow())
                    .isEqualTo(Instant.ofEpochSecond(Harness.T0.plusMillis(59_900).getEpochSecond()).toString());
            assertThat(ForestwatchTopologyTest.metric(h, "late-records-total")).isZero();
        }
    }

    @Test
    void aRecordOfAnEmittedSecondAfterARestartJoinsTheNextOpenSecondInsteadOfSplittingItsOwn() {
        final Map<String, Map<Bytes, byte[]>> changelogs = new HashMap<>();
        try (Harness first = new Harness()) {
            first.send("S", 10, Harness.T0.plusMillis(100));
            first.send("S", 11, Harness.T0.plusMillis(200));
            first.send("S", 12, Harness.T0.plusMillis(1_500));
            first.driver.advanceWallClockTime(Duration.ofMillis(600));
            first.driver.advanceWallClockTime(Duration.ofMillis(600));
            assertThat(first.drain()).extracting(Out::iotValue).containsExactly(10.0, 11.0); // second 0 is out
            changelogs.putAll(first.changelogs());
        }
        try (Harness second = new Harness()) {
            second.restore(changelogs);
            // the restarted app gets a record stamped in second 0, which went out before the restart
            second.send("S", 13, Harness.T0.plusMillis(300));
            second.idle();
            final List<Out> out = second.drain();
            assertThat(out).extracting(Out::iotValue).containsExactlyInAnyOrder(12.0, 13.0);
            assertThat(out).extracting(Out::created).containsOnly(Instant.ofEpochSecond(
                    Harness.T0.getEpochSecond() + 1).toString());
            final Out moved = out.stream().filter(o -> o.iotValue() == 13.0).findFirst().orElseThrow();
            assertThat(ForestwatchTopologyTest.header(moved.headers(), SecondOrderingProcessor.HEADER_DELAYED_FROM))
                    .isEqualTo(Harness.T0.toString());
            assertThat(moved.headers().lastHeader(SecondOrderingProcessor.HEADER_LATE)).isNull();
            assertThat(ForestwatchTopologyTest.metric(second, "delayed-records-total")).isEqualTo(1);
        }
    }

    @Test
    void eventTimeOrdersByTheKinesisArrivalHeaderAndIngestTimeByTheTopicTimestamp() {
        final long arrival = Harness.T0.minusSeconds(30).toEpochMilli();
        for (final boolean event : new boolean[]{true, false}) {
            final Map<String, Object> cfg = event
                    ? Map.of(AppConfig.ORDER_TIME_CONFIG, AppConfig.ORDER_TIME_EVENT)
                    : Map.of();
            try (Harness h = new Harness(cfg)) {
                final RecordHeaders headers = new RecordHeaders();
                headers.add("kinesis.approximate.arrival.timestamp",
                        Long.toString(arrival).getBytes(StandardCharsets.UTF_8));
                h.sendRaw(Harness.reading("S", 12), headers, Harness.T0.plusMillis(250));
                h.send("S", 13, Harness.T0.plusMillis(1_250));
                h.idle();
                final List<Out> out = h.drain();
                final Out kinesis = out.stream().filter(o -> o.iotValue() == 12).findFirst().orElseThrow();
                assertThat(kinesis.value().get("APPROXIMATE_ARRIVAL_TIME").asText())
                        .isEqualTo(Instant.ofEpochMilli(arrival).toString());
                assertThat(kinesis.created()).isEqualTo(event
                        ? Instant.ofEpochSecond(arrival / 1000).toString()
                        : Harness.T0.toString());
                final Out plain = out.stream().filter(o -> o.iotValue() == 13).findFirst().orElseThrow();
                // without the header, the arrival is the input record's timestamp
                assertThat(plain.value().get("APPROXIMATE_ARRIVAL_TIME").asText())
                        .isEqualTo(Harness.T0.plusMillis(1_250).toString());
            }
        }
    }
}
