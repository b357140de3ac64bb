package dev.forestwatch.streams.score;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffIOUtil;
import io.protostuff.Schema;
import io.protostuff.runtime.RuntimeSchema;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A sensor model as bytes: version, sequence number, field names, then the forest's full state (trees included;
 * the TRCF mapper always saves them, which is what makes a restored forest score exactly like the original).
 */
public final class ModelCodec {

    /**
     * Version 1: a kda model. Version 2: a detector byte and, for forestwatch, its likelihood state follow the names
     * (the first forestwatch preset: shingle-8 forest, normal-tail likelihood; no longer continued). Version 3: as
     * 2, with the first shingle-1 forestwatch preset's likelihood state (score histories; no longer continued).
     * Version 4: as 3, plus the seasonal channels' state (value histories and periods). Version 5: as 4 for either
     * detector, plus each tree's leaves ({@link TreeLeaves}) ahead of the forest's state, so a restore rebuilds the
     * trees directly instead of re-inserting every sampled point; an app that cannot read it fails every restore.
     */
    private static final byte VERSION = 1;
    private static final byte VERSION_WITH_DETECTOR = 2;
    private static final byte VERSION_FORESTWATCH_2 = 3;
    private static final byte VERSION_FORESTWATCH_3 = 4;
    private static final byte VERSION_TREE_LEAVES = 5;
    /** Most field names a snapshot holds; input.max.fields cannot exceed it. */
    public static final int MAX_FIELDS = 100;
    /** Longest field name a snapshot holds, in UTF-8 bytes (the parser's limit). */
    public static final int MAX_FIELD_NAME_BYTES = 256;
    private static final Schema<ThresholdedRandomCutForestState> SCHEMA = RuntimeSchema
            .getSchema(ThresholdedRandomCutForestState.class);

    private ModelCodec() {
    }

    /**
     * A decoded snapshot: the model and the sequence number of the last record it learned. The model is null for a
     * snapshot of a detector layout this version no longer continues (the sensor starts a new model).
     */
    public record Snapshot(SensorModel model, long sequence) {
    }

    /**
     * @throws IllegalArgumentException for more than {@link #MAX_FIELDS} fields or a name over
     *     {@link #MAX_FIELD_NAME_BYTES} bytes: the short lengths would wrap and the snapshot fail every restore
     */
    public static byte[] encode(final SensorModel model, final long sequence) {
        if (model.fields().length > MAX_FIELDS) {
            throw new IllegalArgumentException(
                    "a forest snapshot holds at most " + MAX_FIELDS + " fields, this model has "
                            + model.fields().length);
        }
        final ThresholdedRandomCutForestState state = new ThresholdedRandomCutForestMapper().toState(model.forest());
        final byte[] body = ProtostuffIOUtil.toByteArray(state, SCHEMA, LinkedBuffer.allocate(64 * 1024));
        final byte[][] names = new byte[model.fields().length][];
        int size = 1 + 8 + 2;
        for (int i = 0; i < names.length; i++) {
            names[i] = model.fields()[i].getBytes(StandardCharsets.UTF_8);
            if (names[i].length > MAX_FIELD_NAME_BYTES) {
                throw new IllegalArgumentException("a forest snapshot holds field names of at most "
                        + MAX_FIELD_NAME_BYTES + " UTF-8 bytes, this one has " + names[i].length);
            }
            size += 2 + names[i].length;
        }
        final ScoreLikelihood likelihood = model.likelihood();
        // without leaves (a library this codec does not know inside) the earlier versions' bytes are written: a kda
        // model's version 1 predates the detector byte, a forestwatch model's version 4 has it
        final byte[] leaves = TreeLeaves.supported() ? TreeLeaves.ofForest(model.forest().getForest()) : null;
        final byte version = leaves != null
                ? VERSION_TREE_LEAVES
                : likelihood == null ? VERSION : VERSION_FORESTWATCH_3;
        if (version != VERSION) {
            size += 1;
        }
        if (likelihood != null) {
            size += likelihood.encodedSize();
        }
        if (leaves != null) {
            size += 4 + leaves.length;
        }
        final ByteBuffer buf = ByteBuffer.allocate(size + body.length);
        buf.put(version).putLong(sequence).putShort((short) names.length);
        for (final byte[] n : names) {
            buf.putShort((short) n.length).put(n);
        }
        if (version != VERSION) {
            buf.put(model.detector().code());
        }
        if (likelihood != null) {
            likelihood.write(buf);
        }
        if (leaves != null) {
            buf.putInt(leaves.length).put(leaves);
        }
        return buf.put(body).array();
    }

    /**
     * Explanation is a setting of the running app, not of the saved forest, so it is passed in.
     *
     * @throws IllegalStateException if the bytes are not a snapshot this codec wrote
     */
    public static Snapshot decode(final byte[] bytes, final boolean explanation) {
        return decode(bytes, explanation, true);
    }

    /**
     * As {@link #decode(byte[], boolean)}; {@code rebuildTrees} false ignores the saved leaves and restores the way
     * the library's mapper does (for measuring one against the other).
     */
    public static Snapshot decode(final byte[] bytes, final boolean explanation, final boolean rebuildTrees) {
        final ByteBuffer buf = ByteBuffer.wrap(bytes);
        final long sequence;
        final String[] fields;
        ScoreLikelihood likelihood = null;
        List<TreeLeaves> leaves = null;
        try {
            final byte version = buf.get();
            if (version != VERSION && version != VERSION_WITH_DETECTOR && version != VERSION_FORESTWATCH_2
                    && version != VERSION_FORESTWATCH_3 && version != VERSION_TREE_LEAVES) {
                throw new IllegalStateException("unknown forest snapshot version " + version);
            }
            sequence = buf.getLong();
            final int count = buf.getShort();
            if (count < 1 || count > MAX_FIELDS) {
                throw new IllegalStateException("damaged forest snapshot: " + count + " fields");
            }
            fields = new String[count];
            for (int i = 0; i < fields.length; i++) {
                final int length = buf.getShort();
                if (length < 0 || length > MAX_FIELD_NAME_BYTES || length > buf.remaining()) {
                    throw new IllegalStateException("damaged forest snapshot: a field name of " + length + " bytes");
                }
                final byte[] n = new byte[length];
                buf.get(n);
                fields[i] = new String(n, StandardCharsets.UTF_8);
            }
            if (version != VERSION && Detector.ofCode(buf.get()) == Detector.FORESTWATCH) {
                if (version != VERSION_FORESTWATCH_3 && version != VERSION_TREE_LEAVES) {
                    return new Snapshot(null, sequence);
                }
                likelihood = ScoreLikelihood.read(buf, fields.length);
            }
            if (version == VERSION_TREE_LEAVES) {
                final int length = buf.getInt();
                if (length < 0 || length > buf.remaining()) {
                    throw new IllegalStateException("damaged forest snapshot: " + length + " bytes of tree leaves");
                }
                if (rebuildTrees) {
                    leaves = TreeLeaves.readForest(buf.slice(buf.position(), length));
                }
                buf.position(buf.position() + length);
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("damaged forest snapshot: " + bytes.length + " bytes is too short", e);
        }
        final ThresholdedRandomCutForestState state = SCHEMA.newMessage();
        ProtostuffIOUtil.mergeFrom(bytes, buf.position(), buf.remaining(), state, SCHEMA);
        final ThresholdedRandomCutForest forest = ForestRebuild.toModel(state, leaves);
        return new Snapshot(new SensorModel(forest, fields, explanation, likelihood), sequence);
    }
}
