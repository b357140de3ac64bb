package dev.forestwatch.connect.elasticsearch.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record as one _bulk item: the action line (index or create, with the index name and a replay-stable id) and
 * the document, newline-terminated, ready to be concatenated into a request body.
 */
public final class DocumentBuilder {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH", Locale.ROOT);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT);

    /**
     * Where documents go and which id they get.
     *
     * @param index
     *            the index or data stream, without the rotation's suffix
     * @param dataStream
     *            documents are created rather than indexed, as a data stream requires
     * @param idField
     *            top-level value field holding the id; empty for none
     * @param idHeader
     *            record header holding the id, tried before the field; empty for none
     * @param idFromKey
     *            the record key is the id when neither header nor field gives one
     */
    public record Settings(String index, Rotation rotation, boolean dataStream, String idField, String idHeader,
            boolean idFromKey) {
    }

    private final Settings settings;
    private final JsonConverter json = new JsonConverter();

    public DocumentBuilder(final Settings settings) {
        this.settings = settings;
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    }

    /** The item for a record with a value. */
    public byte[] indexItem(final SinkRecord record) {
        final byte[] doc = document(record);
        final String id = id(record, doc);
        final ByteArrayOutputStream out = new ByteArrayOutputStream(doc.length + 128);
        action(out, settings.dataStream() ? "create" : "index", indexFor(record), id);
        out.write(doc, 0, doc.length);
        out.write('\n');
        return out.toByteArray();
    }

    /** The item deleting the document a null-valued record stands for. */
    public byte[] deleteItem(final SinkRecord record) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        action(out, "delete", indexFor(record), id(record, null));
        return out.toByteArray();
    }

    /** The index a record goes to: the configured one, with the record time's period if rotating. */
    public String indexFor(final SinkRecord record) {
        final String index = settings.index();
        if (settings.rotation() == Rotation.NONE) {
            return index;
        }
        final ZonedDateTime t = Instant.ofEpochMilli(record.timestamp() == null
                ? System.currentTimeMillis()
                : record.timestamp()).atZone(ZoneOffset.UTC);
        return switch (settings.rotation()) {
            case HOURLY -> index + "-" + HOUR.format(t);
            case DAILY -> index + "-" + DAY.format(t);
            case WEEKLY -> String.format(Locale.ROOT, "%s-%d-%02d", index, t.get(IsoFields.WEEK_BASED_YEAR),
                    t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> index + "-" + MONTH.format(t);
            default -> index;
        };
    }

    /** Header, then value field, then key, then topic+partition+offset: each is stable across replays. */
    String id(final SinkRecord record, final byte[] doc) {
        if (!settings.idHeader().isEmpty()) {
            final Header h = record.headers().lastWithName(settings.idHeader());
            if (h != null && h.value() != null) {
                return h.value() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : h.value().toString();
            }
        }
        if (!settings.idField().isEmpty() && doc != null) {
            final String fromField = topLevelString(doc, settings.idField());
            if (fromField != null) {
                return fromField;
            }
        }
        if (settings.idFromKey() && record.key() != null) {
            final Object k = record.key();
            return k instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : k.toString();
        }
        return record.topic() + "+" + record.kafkaPartition() + "+" + record.kafkaOffset();
    }

    private byte[] document(final SinkRecord record) {
        final Object v = record.value();
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof ByteBuffer bb) {
            final byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            return b;
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return json.fromConnectData(record.topic(), record.valueSchema(), v);
    }

    /** The value of a top-level string or number field, scanning without building a tree; null if absent. */
    static String topLevelString(final byte[] doc, final String field) {
        try (JsonParser p = JSON.createParser(doc)) {
            final JsonToken value = TopLevelField.find(p, field);
            return value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
        } catch (IOException e) {
            return null; // not JSON: Elasticsearch will refuse the document and the error policy decides
        }
    }

    private static void action(final ByteArrayOutputStream out, final String op, final String index,
            final String id) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart(op);
            g.writeStringField("_index", index);
            g.writeStringField("_id", id);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }
}
