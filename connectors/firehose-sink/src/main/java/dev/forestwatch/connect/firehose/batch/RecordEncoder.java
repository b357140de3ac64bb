package dev.forestwatch.connect.firehose.batch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record's value as the bytes Firehose gets, plus the delimiter: bytes and strings as they are (the scored JSON
 * arrives so with the byte-array or string converter), structs and maps as schemaless JSON.
 */
public final class RecordEncoder {

    private final byte[] delimiter;
    private final JsonConverter json = new JsonConverter();

    public RecordEncoder(final byte[] delimiter) {
        this.delimiter = delimiter.clone();
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    }

    /** The bytes to send, or null for a record without a value (a tombstone has nothing to deliver). */
    public byte[] encode(final SinkRecord record) {
        final Object v = record.value();
        if (v == null) {
            return null;
        }
        final byte[] body;
        if (v instanceof byte[] b) {
            body = b;
        } else if (v instanceof ByteBuffer bb) {
            body = new byte[bb.remaining()];
            bb.duplicate().get(body);
        } else if (v instanceof String s) {
            body = s.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                body = json.fromConnectData(record.topic(), record.valueSchema(), v);
            } catch (DataException e) {
                throw new DataException("cannot write the value of " + record.topic() + "-" + record.kafkaPartition()
                        + "@" + record.kafkaOffset() + " as JSON: " + e.getMessage(), e);
            }
        }
        final byte[] out = new byte[body.length + delimiter.length];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(delimiter, 0, out, body.length, delimiter.length);
        return out;
    }
}
