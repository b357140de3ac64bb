package dev.forestwatch.streams.serde;

import dev.forestwatch.streams.model.Scored;
import java.nio.ByteBuffer;

/**
 * A scored record's bytes: the body of {@link MessageSerde}'s scored records on the by-second repartition topic, and
 * the values of the ordering buffer. Not a serde of its own: nothing carries a bare scored record.
 */
public final class ScoredCodec {

    private ScoredCodec() {
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
