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

    /**
     * The record's bytes after {@code prefix} bytes left free for the caller's own header, in one buffer positioned at
     * 0: the two users frame a scored record with a few bytes of their own, and a second buffer to copy it into would
     * cost an allocation and a copy of the output JSON per record.
     */
    public static ByteBuffer encodeAfter(final int prefix, final Scored s) {
        final byte[] id = LengthPrefixed.utf8(s.sensorId());
        final byte[] recordId = LengthPrefixed.utf8(s.recordId());
        final ByteBuffer buf = ByteBuffer.allocate(prefix + 8 + LengthPrefixed.sizeOf(id)
                + LengthPrefixed.sizeOf(recordId) + LengthPrefixed.sizeOf(s.output()));
        buf.position(prefix);
        buf.putDouble(s.score());
        LengthPrefixed.put(buf, id);
        LengthPrefixed.put(buf, recordId);
        LengthPrefixed.put(buf, s.output());
        return buf.position(0);
    }

    public static Scored decode(final ByteBuffer buf) {
        return new Scored(buf.getDouble(), LengthPrefixed.string(buf), LengthPrefixed.string(buf),
                LengthPrefixed.bytes(buf));
    }
}
