package dev.forestwatch.connect.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connect.kinesis.kcl.SequencePosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordConverterTest {

    @Test
    void keepsTheBytesAndCarriesTheCoordinatesTheStreamsAppBuildsItsRecordIdFrom() {
        final byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'x'};
        final Instant arrival = Instant.parse("2026-11-26T04:46:19.123Z");
        final SourceRecord r = new RecordConverter("RawStreamData", "RawStreamData").convert("shardId-000000000001",
                "DemoSensor", ByteBuffer.wrap(notUtf8), arrival, new SequencePosition("49590338271", 3));
        assertThat((byte[]) r.value()).containsExactly(notUtf8);
        assertThat(new String((byte[]) r.key(), StandardCharsets.UTF_8)).isEqualTo("DemoSensor");
        assertThat(r.timestamp()).isEqualTo(arrival.toEpochMilli());
        assertThat(r.topic()).isEqualTo("RawStreamData");
        // the header names are the streams app's default record.id.headers
        assertThat(new String((byte[]) r.headers().lastWithName("kinesis.shard.id").value(), StandardCharsets.UTF_8))
                .isEqualTo("shardId-000000000001");
        assertThat(new String((byte[]) r.headers().lastWithName("kinesis.sequence.number").value(),
                StandardCharsets.UTF_8)).isEqualTo("49590338271");
        assertThat(new String((byte[]) r.headers().lastWithName("kinesis.subsequence.number").value(),
                StandardCharsets.UTF_8)).isEqualTo("3");
        assertThat(r.sourcePartition().get("shard")).isEqualTo("shardId-000000000001");
    }
}
