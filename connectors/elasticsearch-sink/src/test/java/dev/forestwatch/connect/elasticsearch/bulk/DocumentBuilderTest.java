package dev.forestwatch.connect.elasticsearch.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class DocumentBuilderTest {

    private static final long T = Instant.parse("2026-11-26T05:25:02Z").toEpochMilli();

    private static SinkRecord record(final Object key, final Object value) {
        return new SinkRecord("DESTINATION_SQL_STREAM", 2, null, key, null, value, 42, T, TimestampType.CREATE_TIME,
                new ConnectHeaders());
    }

    @Test
    void theStreamsAppsRecordIdIsTheDocumentIdSoReplaysOverwrite() {
        final DocumentBuilder b = new DocumentBuilder(
                new DocumentBuilder.Settings("anomalydata", Rotation.NONE, false, "recordId", "", false));
        final byte[] doc = "{\"iotName\":\"S\",\"nested\":{\"recordId\":\"no\"},\"recordId\":\"shard-1-49\"}"
                .getBytes(StandardCharsets.UTF_8);
        final String item = new String(b.indexItem(record(null, doc)), StandardCharsets.UTF_8);
        assertThat(item).isEqualTo("{\"index\":{\"_index\":\"anomalydata\",\"_id\":\"shard-1-49\"}}\n"
                + new String(doc, StandardCharsets.UTF_8) + "\n");
    }

    @Test
    void idFallsBackFromHeaderToFieldToKeyToCoordinates() {
        final DocumentBuilder withHeader = new DocumentBuilder(
                new DocumentBuilder.Settings("i", Rotation.NONE, false, "recordId", "doc-id", true));
        final SinkRecord r = record("key-1", "{\"recordId\":\"from-field\"}");
        assertThat(withHeader.id(r, "{\"recordId\":\"from-field\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("from-field");
        r.headers().addString("doc-id", "from-header");
        assertThat(withHeader.id(r, new byte[0])).isEqualTo("from-header");
        final DocumentBuilder keyed = new DocumentBuilder(
                new DocumentBuilder.Settings("i", Rotation.NONE, false, "", "", true));
        assertThat(keyed.id(record("key-1", "{}"), "{}".getBytes(StandardCharsets.UTF_8))).isEqualTo("key-1");
        final DocumentBuilder none = new DocumentBuilder(
                new DocumentBuilder.Settings("i", Rotation.NONE, false, "recordId", "", false));
        assertThat(none.id(record(null, "{}"), "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("DESTINATION_SQL_STREAM+2+42");
    }

    @Test
    void rotationNamesTheIndexAfterTheRecordsPeriodLikeFirehose() {
        final SinkRecord r = record(null, "{}");
        assertThat(rotating(Rotation.HOURLY).indexFor(r)).isEqualTo("a-2026-11-26-05");
        assertThat(rotating(Rotation.DAILY).indexFor(r)).isEqualTo("a-2026-11-26");
        assertThat(rotating(Rotation.WEEKLY).indexFor(r)).isEqualTo("a-2026-48");
        assertThat(rotating(Rotation.MONTHLY).indexFor(r)).isEqualTo("a-2026-11");
    }

    private static DocumentBuilder rotating(final Rotation rotation) {
        return new DocumentBuilder(new DocumentBuilder.Settings("a", rotation, false, "", "", false));
    }

    @Test
    void dataStreamsCreateAndNullValuesDelete() {
        final DocumentBuilder ds = new DocumentBuilder(
                new DocumentBuilder.Settings("anomalies", Rotation.NONE, true, "recordId", "", false));
        assertThat(new String(ds.indexItem(record(null, Map.of("recordId", "x", "@timestamp", T))),
                StandardCharsets.UTF_8)).startsWith("{\"create\":{\"_index\":\"anomalies\",\"_id\":\"x\"}}\n{");
        assertThat(new String(ds.deleteItem(record("k", null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"delete\":{\"_index\":\"anomalies\",\"_id\":\"DESTINATION_SQL_STREAM+2+42\"}}\n");
    }
}
