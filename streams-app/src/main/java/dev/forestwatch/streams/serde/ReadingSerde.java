package dev.forestwatch.streams.serde;

import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Source;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Readings on the by-sensor repartition topic; the sensor id travels as the key. */
public final class ReadingSerde implements Serde<Reading> {

    @Override
    public Serializer<Reading> serializer() {
        return (topic, r) -> {
            if (r == null) {
                return null;
            }
            final byte[] id = Wire.utf8(r.sensorId());
            final byte[] recordId = Wire.utf8(r.recordId());
            final byte[] srcTopic = Wire.utf8(r.source().topic());
            final byte[][] fields = new byte[r.fields().length][];
            int size = Wire.sizeOf(id) + Wire.sizeOf(recordId) + Wire.sizeOf(srcTopic) + 4 + 8 + 4
                    + 8 * r.values().length + Wire.sizeOf(r.json());
            for (int i = 0; i < fields.length; i++) {
                fields[i] = Wire.utf8(r.fields()[i]);
                size += Wire.sizeOf(fields[i]);
            }
            final ByteBuffer buf = ByteBuffer.allocate(size);
            Wire.put(buf, id);
            Wire.put(buf, recordId);
            Wire.put(buf, srcTopic);
            buf.putInt(r.source().partition()).putLong(r.source().offset()).putInt(fields.length);
            for (int i = 0; i < fields.length; i++) {
                Wire.put(buf, fields[i]);
                buf.putDouble(r.values()[i]);
            }
            Wire.put(buf, r.json());
            return buf.array();
        };
    }

    @Override
    public Deserializer<Reading> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            final ByteBuffer buf = ByteBuffer.wrap(data);
            final String id = Wire.string(buf);
            final String recordId = Wire.string(buf);
            final Source source = new Source(Wire.string(buf), buf.getInt(), buf.getLong());
            final int n = buf.getInt();
            final String[] fields = new String[n];
            final double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                fields[i] = Wire.string(buf);
                values[i] = buf.getDouble();
            }
            return new Reading(id, recordId, source, fields, values, Wire.bytes(buf));
        };
    }
}
