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
        final DocumentBuilder b = new DocumentBuilder("anomalydata", Rotation.NONE, false, "recordId", "",
                false);
        final byte[] doc = "{\"iotName\":\"S\",\"nested\":{\"recordId\":\"no\"},\"recordId\":\"shard-1-49\"}"
                .getBytes(StandardCharsets.UTF_8);
        final String item = new String(b.indexItem(record(null, doc)), StandardCharsets.UTF_8);
        assertThat(item).isEqualTo("{\"index\":{\"_index\":\"anomalydata\",\"_id\":\"shard-1-49\"}}\n"
                + new String(doc, StandardCharsets.UTF_8) + "\n");
    }

    @Test
    void idFallsBackFromHeaderToFieldToKeyToCoordinates() {
        final DocumentBuilder withHeader = new DocumentBuilder("i", Rotation.NONE, false, "recordId", "doc-id",
                true);
        final SinkRecord r = record("key-1", "{\"recordId\":\"from-field\"}");
        assertThat(withHeader.id(r, "{\"recordId\":\"from-field\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("from-field");
        r.headers().addString("doc-id", "from-header");
        assertThat(withHeader.id(r, new byte[0])).isEqualTo("from-header");
        final DocumentBuilder keyed = new DocumentBuilder("i", Rotation.NONE, false, "", "", true);
        assertThat(keyed.id(record("key-1", "{}"), "{}".getBytes(StandardCharsets.UTF_8))).isEqualTo("key-1");
        final DocumentBuilder none = new DocumentBuilder("i", Rotation.NONE, false, "recordId", "", false);
        assertThat(none.id(record(null, "{}"), "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("DESTINATION_SQL_STREAM+2+42");
    }

    @Test
    void rotationNamesTheIndexAfterTheRecordsPeriodLikeFirehose() {
        final SinkRecord r = record(null, "{}");
        assertThat(new DocumentBuilder("a", Rotation.HOURLY, false, "", "", false).indexFor(r))
                .isEqualTo("a-2026-11-26-05");
        assertThat(new DocumentBuilder("a", Rotation.DAILY, false, "", "", false).indexFor(r))
                .isEqualTo("a-2026-11-26");
        assertThat(new DocumentBuilder("a", Rotation.WEEKLY, false, "", "", false).indexFor(r))
                .isEqualTo("a-2026-48");
        assertThat(new DocumentBuilder("a", Rotation.MONTHLY, false, "", "", false).indexFor(r))
                .isEqualTo("a-2026-11");
    }

    @Test
    void dataStreamsCreateAndNullValuesDelete() {
        final DocumentBuilder ds = new DocumentBuilder("anomalies", Rotation.NONE, true, "recordId", "", false);
        assertThat(new String(ds.indexItem(record(null, Map.of("recordId", "x", "@timestamp", T))),
                StandardCharsets.UTF_8)).startsWith("{\"create\":{\"_index\":\"anomalies\",\"_id\":\"x\"}}\n{");
        assertThat(new String(ds.deleteItem(record("k", null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"delete\":{\"_index\":\"anomalies\",\"_id\":\"DESTINATION_SQL_STREAM+2+42\"}}\n");
    }
}
