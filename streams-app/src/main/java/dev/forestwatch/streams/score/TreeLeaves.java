package dev.forestwatch.streams.score;

import com.amazon.randomcutforest.IComponentModel;
import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.executor.SamplerPlusTree;
import com.amazon.randomcutforest.sampler.CompactSampler;
import com.amazon.randomcutforest.tree.AbstractNodeStore;
import com.amazon.randomcutforest.tree.RandomCutTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A tree's leaves in pre-order (left before right): each one's point index and mass. With the cuts that the library's
 * tree state already holds, that is all a RandomCutTree needs to be rebuilt directly. The library's own mapper finds
 * each leaf by re-inserting every sampled point from the root instead, which was three quarters of a restore's CPU.
 *
 * <p>Written against randomcutforest 4.4.0, whose trees keep internal masses in the node store's {@code mass} array
 * and duplicate counts in the tree's {@code leafMass} map, neither with a setter. {@link #rebuild} reaches them by
 * reflection, reads back what it wrote through the library's own getters, and returns false whenever it cannot vouch
 * for the result, so that the caller inserts that tree the library's way: a restore may be slower, never different.
 */
final class TreeLeaves {

    /** The library version whose internals {@link #rebuild} was checked against. */
    static final String LIBRARY_VERSION = "4.4.0";
    /** Null, and no tree rebuilt, unless the library is the expected version and has the expected field. */
    private static final Field LEAF_MASS = leafMassField();

    private final int[] pointIndex;
    private final int[] mass;

    private TreeLeaves(final int[] pointIndex, final int[] mass) {
        this.pointIndex = pointIndex;
        this.mass = mass;
    }

    /** False if this library's trees cannot be rebuilt: snapshots then hold no leaves and restore the library's way. */
    static boolean supported() {
        return LEAF_MASS != null;
    }

    /** The leaves of every tree of a live forest, in its tree order. Only call when {@link #supported()}. */
    static byte[] ofForest(final RandomCutForest forest) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(forest.getNumberOfTrees() * 400);
        putVarint(out, forest.getNumberOfTrees());
        for (final IComponentModel<?, ?> c : forest.getComponents()) {
            of((RandomCutTree) ((SamplerPlusTree<?, ?>) c).getTree()).write(out);
        }
        return out.toByteArray();
    }

    /** What {@link #ofForest} wrote; null if the bytes are not that, so that the library's mapper restores. */
    static List<TreeLeaves> readForest(final ByteBuffer buf) {
        try {
            final int trees = varint(buf, buf.remaining());
            final List<TreeLeaves> leaves = new ArrayList<>(trees);
            for (int i = 0; i < trees; i++) {
                leaves.add(read(buf));
            }
            return buf.hasRemaining() ? null : leaves;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The leaves of a live tree. Only call when {@link #supported()}. */
    static TreeLeaves of(final RandomCutTree tree) {
        final int root = tree.getRoot();
        if (root == AbstractNodeStore.Null) {
            return new TreeLeaves(new int[0], new int[0]);
        }
        final Map<?, ?> leafMass = leafMass(tree);
        final int leaves = tree.isLeaf(root) ? 1 : tree.getNodeStore().size() + 1;
        final Walk walk = new Walk(leaves);
        walk.collect(tree, tree.getNodeStore(), leafMass, root);
        return new TreeLeaves(Arrays.copyOf(walk.pointIndex, walk.count), Arrays.copyOf(walk.mass, walk.count));
    }

    /** Pre-order collection of a live tree's leaves. */
    private static final class Walk {
        final int[] pointIndex;
        final int[] mass;
        int count;

        Walk(final int capacity) {
            pointIndex = new int[capacity];
            mass = new int[capacity];
        }

        void collect(final RandomCutTree tree, final AbstractNodeStore store, final Map<?, ?> leafMass,
                final int node) {
            if (tree.isLeaf(node)) {
                final int p = tree.getPointIndex(node);
                final Object extra = leafMass.isEmpty() ? null : leafMass.get(p);
                pointIndex[count] = p;
                mass[count++] = extra == null ? 1 : (Integer) extra + 1;
                return;
            }
            collect(tree, store, leafMass, store.getLeftIndex(node));
            collect(tree, store, leafMass, store.getRightIndex(node));
        }
    }

    void write(final ByteArrayOutputStream out) {
        putVarint(out, pointIndex.length);
        for (final int p : pointIndex) {
            putVarint(out, p);
        }
        int heavier = 0;
        for (final int m : mass) {
            heavier += m > 1 ? 1 : 0;
        }
        // nearly every leaf holds one point, so only the others are listed, by the gap from the previous one
        putVarint(out, heavier);
        int last = 0;
        for (int i = 0; i < mass.length; i++) {
            if (mass[i] > 1) {
                putVarint(out, i - last);
                putVarint(out, mass[i]);
                last = i;
            }
        }
    }

    /** @throws IllegalStateException if the bytes do not hold leaves */
    static TreeLeaves read(final ByteBuffer buf) {
        final int count = varint(buf, buf.remaining());
        final int[] pointIndex = new int[count];
        final int[] mass = new int[count];
        Arrays.fill(mass, 1);
        for (int i = 0; i < count; i++) {
            pointIndex[i] = varint(buf, Integer.MAX_VALUE);
        }
        final int heavier = varint(buf, count);
        int at = 0;
        for (int i = 0; i < heavier; i++) {
            at += varint(buf, count - 1 - at);
            mass[at] = varint(buf, Integer.MAX_VALUE);
        }
        return new TreeLeaves(pointIndex, mass);
    }

    /**
     * Gives a tree fresh from the library's tree mapper (cuts only) these leaves and the masses they imply, as
     * re-inserting the sampler's points would have. False if it did not, having possibly changed the tree part-way:
     * the caller then discards it. Every leaf must hold a point the sampler holds; bounding boxes are left to the
     * library's {@code validateAndReconstruct}, which checks every leaf against the cuts above it, so a leaf in the
     * wrong place cannot pass.
     */
    boolean rebuild(final RandomCutTree tree, final CompactSampler sampler) {
        final int sampled = sampler.size();
        if (LEAF_MASS == null || tree.isStoreSequenceIndexesEnabled()) {
            return false;
        }
        final AbstractNodeStore store = tree.getNodeStore();
        final int root = tree.getRoot();
        // an empty tree, or one whose points are all equal, has no cuts to hang leaves on and costs little to insert
        if (!store.isInternal(root) || pointIndex.length != store.size() + 1) {
            return false;
        }
        final Fill fill = new Fill(tree, store, sampler);
        if (fill.masses == null) {
            return false;
        }
        return fill.subtree(root, this) == sampled && fill.next == pointIndex.length && tree.getMass() == sampled;
    }

    /** One rebuild's state: the next leaf to place, and where masses go. */
    private static final class Fill {
        final RandomCutTree tree;
        final AbstractNodeStore store;
        final Object masses;
        final Map<Integer, Integer> leafMass;
        /** A point steered left or right of a node's cut, so the library's own setter places each leaf. */
        final float[] probe;
        final BitSet sampled = new BitSet();
        int next;

        @SuppressWarnings("unchecked")
        Fill(final RandomCutTree tree, final AbstractNodeStore store, final CompactSampler sampler) {
            this.tree = tree;
            this.store = store;
            this.masses = massArray(store);
            this.leafMass = (Map<Integer, Integer>) leafMass(tree);
            this.probe = new float[tree.getDimension()];
            final int[] held = sampler.getPointIndexArray();
            for (int i = 0; i < sampler.size(); i++) {
                sampled.set(held[i]);
            }
        }

        /** The subtree's mass, or -1 once anything did not read back as written. */
        int subtree(final int node, final TreeLeaves leaves) {
            final int left = child(node, store.getLeftIndex(node), true, leaves);
            final int right = left < 0 ? -1 : child(node, store.getRightIndex(node), false, leaves);
            if (right < 0) {
                return -1;
            }
            final int m = left + right;
            // the library's own encoding: modulo capacity + 1, a full subtree wrapping to 0
            final int stored = m % (store.getCapacity() + 1);
            if (masses instanceof byte[] b) {
                b[node] = (byte) stored;
            } else if (masses instanceof char[] c) {
                c[node] = (char) stored;
            } else {
                ((int[]) masses)[node] = stored;
            }
            return store.getMass(node) == m ? m : -1;
        }

        private int child(final int node, final int child, final boolean left, final TreeLeaves leaves) {
            if (store.isInternal(child)) {
                return subtree(child, leaves);
            }
            if (next >= leaves.pointIndex.length) {
                return -1;
            }
            final int p = leaves.pointIndex[next];
            final int m = leaves.mass[next++];
            if (!sampled.get(p)) {
                return -1;
            }
            final int leaf = tree.convertToLeaf(p);
            final int dim = store.getCutDimension(node);
            probe[dim] = left ? (float) store.getCutValue(node) : Float.POSITIVE_INFINITY;
            store.assignInPartialTree(node, probe, leaf);
            if ((left ? store.getLeftIndex(node) : store.getRightIndex(node)) != leaf || m < 1) {
                return -1;
            }
            if (m > 1) {
                leafMass.put(p, m - 1);
            }
            return m;
        }
    }

    private static Object massArray(final AbstractNodeStore store) {
        try {
            final Field f = store.getClass().getDeclaredField("mass");
            f.setAccessible(true);
            final Object a = f.get(store);
            return a instanceof byte[] || a instanceof char[] || a instanceof int[] ? a : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Map<?, ?> leafMass(final RandomCutTree tree) {
        try {
            return (Map<?, ?>) LEAF_MASS.get(tree);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("RandomCutTree.leafMass was readable when checked", e);
        }
    }

    private static Field leafMassField() {
        if (!LIBRARY_VERSION.equals(libraryVersion("randomcutforest-core"))
                || !LIBRARY_VERSION.equals(libraryVersion("randomcutforest-parkservices"))) {
            return null;
        }
        try {
            final Field f = RandomCutTree.class.getDeclaredField("leafMass");
            f.setAccessible(true);
            return Map.class.isAssignableFrom(f.getType()) ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The version in the jar's Maven metadata; null when it cannot be read (then nothing is trusted). */
    static String libraryVersion(final String artifact) {
        final String path = "/META-INF/maven/software.amazon.randomcutforest/" + artifact + "/pom.properties";
        try (InputStream in = RandomCutTree.class.getResourceAsStream(path)) {
            if (in == null) {
                return null;
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    private static void putVarint(final ByteArrayOutputStream out, final int value) {
        int v = value;
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int varint(final ByteBuffer buf, final int max) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            final byte b = buf.get();
            v |= (b & 0x7f) << shift;
            if (b >= 0) {
                if (v < 0 || v > max) {
                    throw new IllegalStateException("damaged forest snapshot: " + v + " in a tree's leaves");
                }
                return v;
            }
        }
        throw new IllegalStateException("damaged forest snapshot: an overlong number in a tree's leaves");
    }
}
