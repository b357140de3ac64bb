package dev.forestwatch.streams.serde;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.model.Watermark;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The app's internal topics carry readings (by sensor) or scored records (by second), each mixed with the
 * watermarks of the tasks that wrote them; a tag byte tells them apart. Rejected records never travel: they go
 * straight to the dead-letter topic.
 */
public final class MessageSerde implements Serde<Message> {

    private static final byte READING = 0;
    private static final byte SCORED = 1;
    private static final byte WATERMARK = 2;

    @Override
    public Serializer<Message> serializer() {
        return (topic, m) -> m == null ? null : encode(m);
    }

    @Override
    public Deserializer<Message> deserializer() {
        return (topic, data) -> data == null ? null : decode(ByteBuffer.wrap(data));
    }

    static byte[] encode(final Message m) {
        if (m instanceof Reading r) {
            return reading(r);
        }
        if (m instanceof Scored s) {
            return ScoredCodec.encodeAfter(1, s).put(SCORED).array();
        }
        if (m instanceof Watermark w) {
            final byte[] id = LengthPrefixed.utf8(w.upstream());
            final ByteBuffer buf = ByteBuffer.allocate(1 + LengthPrefixed.sizeOf(id) + 8 + 1).put(WATERMARK);
            LengthPrefixed.put(buf, id);
            return buf.putLong(w.streamTime()).put((byte) (w.idle() ? 1 : 0)).array();
        }
        throw new IllegalArgumentException("not for an internal topic: " + m.getClass().getSimpleName());
    }

    static Message decode(final ByteBuffer buf) {
        final byte tag = buf.get();
        switch (tag) {
            case READING:
                return reading(buf);
            case SCORED:
                return ScoredCodec.decode(buf);
            case WATERMARK:
                return new Watermark(LengthPrefixed.string(buf), buf.getLong(), buf.get() == 1);
            default:
                throw new IllegalArgumentException("unknown internal record tag " + tag);
        }
    }

    private static byte[] reading(final Reading r) {
        final byte[] id = LengthPrefixed.utf8(r.sensorId());
        final byte[] recordId = LengthPrefixed.utf8(r.recordId());
        final byte[] srcTopic = LengthPrefixed.utf8(r.source().topic());
        final byte[][] fields = new byte[r.fields().length][];
        int size = 1 + LengthPrefixed.sizeOf(id) + LengthPrefixed.sizeOf(recordId) + LengthPrefixed.sizeOf(srcTopic)
                + 4 + 8 + 4 + 8 * r.values().length + LengthPrefixed.sizeOf(r.json()) + 8;
        for (int i = 0; i < fields.length; i++) {
            fields[i] = LengthPrefixed.utf8(r.fields()[i]);
            size += LengthPrefixed.sizeOf(fields[i]);
        }
        final ByteBuffer buf = ByteBuffer.allocate(size).put(READING);
        LengthPrefixed.put(buf, id);
        LengthPrefixed.put(buf, recordId);
        LengthPrefixed.put(buf, srcTopic);
        buf.putInt(r.source().partition()).putLong(r.source().offset()).putInt(fields.length);
        for (int i = 0; i < fields.length; i++) {
            LengthPrefixed.put(buf, fields[i]);
            buf.putDouble(r.values()[i]);
        }
        LengthPrefixed.put(buf, r.json());
        return buf.putLong(r.arrivalMs()).array();
    }

    private static Reading reading(final ByteBuffer buf) {
        final String id = LengthPrefixed.string(buf);
        final String recordId = LengthPrefixed.string(buf);
        final Source source = new Source(LengthPrefixed.string(buf), buf.getInt(), buf.getLong());
        final int n = buf.getInt();
        final String[] fields = new String[n];
        final double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            fields[i] = LengthPrefixed.string(buf);
            values[i] = buf.getDouble();
        }
        final byte[] json = LengthPrefixed.bytes(buf);
        // last and optional: readings written by a version without it may still sit in the repartition topic
        final long arrivalMs = buf.remaining() >= 8 ? buf.getLong() : -1L;
        return new Reading(id, recordId, source, fields, values, json, arrivalMs);
    }
}
