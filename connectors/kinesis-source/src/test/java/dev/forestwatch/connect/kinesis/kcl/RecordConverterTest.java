package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.junit.jupiter.api.Test;

class RecordConverterTest {

    @Test
    void keepsTheBytesAndCarriesTheCoordinatesTheStreamsAppBuildsItsRecordIdFrom() {
        final byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'x'};
        final Instant arrival = Instant.parse("2026-11-26T04:46:19.123Z");
        final ShardProgress progress = new ShardProgress();
        final SequencePosition position = new SequencePosition("49590338271", 3);
        final PendingRecord r = new RecordConverter("RawStreamData", "RawStreamData").convert("shardId-000000000001",
                "DemoSensor", ByteBuffer.wrap(notUtf8), arrival, position, progress, progress.delivered(position));
        assertThat((byte[]) r.value()).containsExactly(notUtf8);
        assertThat(r.key()).isEqualTo("DemoSensor");
        assertThat(r.timestamp()).isEqualTo(arrival.toEpochMilli());
        assertThat(r.topic()).isEqualTo("RawStreamData");
        // the header names are the streams app's default record.id.headers
        assertThat(r.headers().lastWithName("kinesis.shard.id").value())
                .isEqualTo("shardId-000000000001");
        assertThat(r.headers().lastWithName("kinesis.sequence.number").value()).isEqualTo("49590338271");
        assertThat(r.headers().lastWithName("kinesis.subsequence.number").value()).isEqualTo("3");
        assertThat(r.sourcePartition().get("shard")).isEqualTo("shardId-000000000001");
        // acknowledging the record is what makes its position checkpointable
        assertThat(progress.pendingCheckpoint()).isEmpty();
        r.acknowledge();
        assertThat(progress.pendingCheckpoint()).contains(position);
    }

    @Test
    void carriesTheArrivalAndTheStreamCreationAsEpochMillisSoTheAppCanTellARecreatedStreamFromAReplay() {
        final Instant arrival = Instant.parse("2026-11-26T04:46:19.123Z");
        final Instant created = Instant.parse("2026-11-01T00:00:00.5Z");
        final ShardProgress progress = new ShardProgress();
        final SequencePosition position = new SequencePosition("49590338271", 0);
        final PendingRecord r = new RecordConverter("RawStreamData", "raw", created).convert("shardId-000000000001",
                "DemoSensor", ByteBuffer.wrap(new byte[]{1}), arrival, position, progress,
                progress.delivered(position));
        assertThat(r.headers().lastWithName(RecordConverter.HEADER_ARRIVAL).value()).isEqualTo("1795668379123");
        assertThat(r.headers().lastWithName(RecordConverter.HEADER_STREAM_CREATED).value())
                .isEqualTo("1793491200500");
        assertThat(r.headers().lastWithName(RecordConverter.HEADER_ARRIVAL).schema().type())
                .isEqualTo(Schema.Type.STRING);
        assertThat(r.timestamp()).as("unchanged: the arrival time").isEqualTo(arrival.toEpochMilli());
        assertThat(r.headers()).extracting(Header::key).containsExactly("kinesis.stream", "kinesis.shard.id",
                "kinesis.sequence.number", "kinesis.subsequence.number", "kinesis.approximate.arrival.timestamp",
                "kinesis.stream.created");
    }

    @Test
    void leavesOutTheTimesItDoesNotKnow() {
        final ShardProgress progress = new ShardProgress();
        final SequencePosition position = new SequencePosition("49590338271", 0);
        final PendingRecord r = new RecordConverter("RawStreamData", "raw").convert("shardId-000000000001",
                "DemoSensor", ByteBuffer.wrap(new byte[]{1}), null, position, progress, progress.delivered(position));
        assertThat(r.headers().lastWithName(RecordConverter.HEADER_ARRIVAL)).isNull();
        assertThat(r.headers().lastWithName(RecordConverter.HEADER_STREAM_CREATED)).isNull();
        assertThat(r.headers().lastWithName(RecordConverter.HEADER_SEQUENCE).value()).isEqualTo("49590338271");
    }
}
