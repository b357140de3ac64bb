package dev.forestwatch.streams.score;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffIOUtil;
import io.protostuff.Schema;
import io.protostuff.runtime.RuntimeSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A sensor model as bytes: version, sequence number, field names, then the forest's full state (trees included;
 * the TRCF mapper always saves them, which is what makes a restored forest score exactly like the original).
 */
public final class ModelCodec {

    private static final byte VERSION = 1;
    private static final Schema<ThresholdedRandomCutForestState> SCHEMA =
            RuntimeSchema.getSchema(ThresholdedRandomCutForestState.class);

    private ModelCodec() {}

    /** A decoded snapshot: the model and the sequence number of the last record it learned. */
    public record Snapshot(SensorModel model, long sequence) {}

    public static byte[] encode(final SensorModel model, final long sequence) {
        final ThresholdedRandomCutForestState state = new ThresholdedRandomCutForestMapper().toState(model.forest());
        final byte[] body = ProtostuffIOUtil.toByteArray(state, SCHEMA, LinkedBuffer.allocate(64 * 1024));
        final byte[][] names = new byte[model.fields().length][];
        int size = 1 + 8 + 2;
        for (int i = 0; i < names.length; i++) {
            names[i] = model.fields()[i].getBytes(StandardCharsets.UTF_8);
            size += 2 + names[i].length;
        }
        final ByteBuffer buf = ByteBuffer.allocate(size + body.length);
        buf.put(VERSION).putLong(sequence).putShort((short) names.length);
        for (final byte[] n : names) {
            buf.putShort((short) n.length).put(n);
        }
        return buf.put(body).array();
    }

    /** Explanation is a setting of the running app, not of the saved forest, so it is passed in. */
    public static Snapshot decode(final byte[] bytes, final boolean explanation) {
        final ByteBuffer buf = ByteBuffer.wrap(bytes);
        final byte version = buf.get();
        if (version != VERSION) {
            throw new IllegalStateException("unknown forest snapshot version " + version);
        }
        final long sequence = buf.getLong();
        final String[] fields = new String[buf.getShort()];
        for (int i = 0; i < fields.length; i++) {
            final byte[] n = new byte[buf.getShort()];
            buf.get(n);
            fields[i] = new String(n, StandardCharsets.UTF_8);
        }
        final ThresholdedRandomCutForestState state = SCHEMA.newMessage();
        ProtostuffIOUtil.mergeFrom(bytes, buf.position(), buf.remaining(), state, SCHEMA);
        final ThresholdedRandomCutForest forest = new ThresholdedRandomCutForestMapper().toModel(state);
        return new Snapshot(new SensorModel(forest, fields, explanation), sequence);
    }
}
