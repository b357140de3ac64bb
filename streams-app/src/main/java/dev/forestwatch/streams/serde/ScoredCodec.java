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
        final byte[] id = LengthPrefixed.utf8(s.sensorId());
        final byte[] recordId = LengthPrefixed.utf8(s.recordId());
        final ByteBuffer buf = ByteBuffer
                .allocate(8 + LengthPrefixed.sizeOf(id) + LengthPrefixed.sizeOf(recordId)
                        + LengthPrefixed.sizeOf(s.output()));
        buf.putDouble(s.score());
        LengthPrefixed.put(buf, id);
        LengthPrefixed.put(buf, recordId);
        LengthPrefixed.put(buf, s.output());
        return buf.array();
    }

    public static Scored decode(final ByteBuffer buf) {
        return new Scored(buf.getDouble(), LengthPrefixed.string(buf), LengthPrefixed.string(buf),
                LengthPrefixed.bytes(buf));
    }
}
