package dev.forestwatch.streams.serde;

import dev.forestwatch.streams.model.Scored;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Scored records on the by-second repartition topic and in the ordering buffer. */
public final class ScoredSerde implements Serde<Scored> {

    @Override
    public Serializer<Scored> serializer() {
        return (topic, s) -> s == null ? null : encode(s);
    }

    @Override
    public Deserializer<Scored> deserializer() {
        return (topic, data) -> data == null ? null : decode(ByteBuffer.wrap(data));
    }

    public static byte[] encode(final Scored s) {
        final byte[] id = Wire.utf8(s.sensorId());
        final byte[] recordId = Wire.utf8(s.recordId());
        final ByteBuffer buf = ByteBuffer
                .allocate(8 + Wire.sizeOf(id) + Wire.sizeOf(recordId) + Wire.sizeOf(s.output()));
        buf.putDouble(s.score());
        Wire.put(buf, id);
        Wire.put(buf, recordId);
        Wire.put(buf, s.output());
        return buf.array();
    }

    public static Scored decode(final ByteBuffer buf) {
        return new Scored(buf.getDouble(), Wire.string(buf), Wire.string(buf), Wire.bytes(buf));
    }
}
