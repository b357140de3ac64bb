package dev.forestwatch.streams.bench;

import com.amazon.randomcutforest.IComponentModel;
import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.executor.PointStoreCoordinator;
import com.amazon.randomcutforest.executor.SamplerPlusTree;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.tree.RandomCutTree;
import dev.forestwatch.streams.score.Detector;
import dev.forestwatch.streams.score.ModelCodec;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.SensorModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.openjdk.jol.info.GraphLayout;

/**
 * Where a warmed forest's heap goes, and what a record, a snapshot and a restore cost, per forest shape. Prints one
 * table row per shape: heap by part (measured by JOL over the object graph, so shared objects count once), CPU per
 * record, snapshot bytes and encode time, restore (decode) p50/p99 both ways (the library's re-inserting mapper and the
 * rebuild from saved leaves, alternating, after unrecorded JIT warm-up rounds); times are the thread's CPU time.
 *
 * <p>Run: {@code java -cp "streams-app/target/test-classes:streams-app/target/classes:$(cat
 * streams-app/target/test-classpath.txt)" dev.forestwatch.streams.bench.ForestFootprint [records] [restores] [shape]},
 * shape being the start of the shape names to measure (all by default)
 */
public final class ForestFootprint {

    /** Thread CPU time, not wall time: this machine is shared, and a restore's cost is its CPU. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ForestFootprint() {
    }

    /** A forest shape to measure. */
    record Shape(String name, ModelSettings settings) {
    }

    public static void main(final String[] args) throws Exception {
        final int records = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final int restores = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        final String only = args.length > 2 ? args[2] : "";
        final ModelSettings d = ModelSettings.serviceDefaults();
        final List<Shape> shapes = new ArrayList<>(List.of(new Shape("defaults (cache 1.0)", d),
                new Shape("defaults, cache 0.5", d.withBoundingBoxCacheFraction(0.5)),
                new Shape("defaults, cache 0.1", d.withBoundingBoxCacheFraction(0.1)),
                new Shape("defaults, cache 0", d.withBoundingBoxCacheFraction(0.0)),
                new Shape("forestwatch detector", d.withDetector(Detector.FORESTWATCH)),
                new Shape("50 trees, 256, cache 0", shape(50, 256, 0.0)),
                new Shape("50 trees, 128, cache 0", shape(50, 128, 0.0)),
                new Shape("compact: 40, 128, 0.1", shape(40, 128, 0.1)),
                new Shape("30 trees, 128, cache 0", shape(30, 128, 0.0))));
        System.out.printf(Locale.ROOT,
                "ForestFootprint: %,d records per forest, %d restores per shape and path, load average %.2f%n",
                records, restores, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-24s %8s %8s %8s %8s %8s %8s %8s | %8s %9s %8s %8s %8s%n", "shape",
                "heap KB", "points", "samplers", "nodes", "bbox", "leafmass", "other", "us/rec", "snap KB",
                "enc ms", "library", "leaves");
        System.out.println("(restore CPU p50/p99 ms: 'library' re-inserts every sampled point as the library's mapper"
                + " does, 'leaves' rebuilds the trees from the snapshot's leaves)");
        warmUp(records);
        for (final Shape s : shapes) {
            if (s.name().startsWith(only)) {
                measure(s, records, restores);
            }
        }
        cachedBoxesCpu(records);
    }

    /**
     * Restores of a default forest both ways, unrecorded, before any shape is measured, and after JOL's first heap
     * walk: without them the first shape's p99 was 20-80 ms against ~5 ms for the same shape measured later (JOL's
     * first use, which may load an agent, appears to cost compiled code; a growing heap's first-touched pages count as
     * the thread's CPU).
     */
    private static void warmUp(final int records) throws Exception {
        final SensorModel m = SensorModel.create(ModelSettings.serviceDefaults(), "warm-up", new String[]{"v"});
        final SplittableRandom random = new SplittableRandom(1);
        for (int r = 1; r <= records; r++) {
            m.process(new double[]{BenchData.nextValue(random) + random.nextDouble()}, r);
        }
        parts(forestOf(m));
        final byte[] snap = ModelCodec.encode(m, records);
        for (int i = 0; i < 300; i++) {
            ModelCodec.encode(m, records);
            ModelCodec.decode(snap, false, false);
            ModelCodec.decode(snap, false, true);
        }
    }

    /**
     * CPU per record of warmed default forests by bounding-box cache fraction, in interleaved rounds (the median
     * printed), so that JIT warm-up and the machine's load fall on every fraction alike.
     */
    private static void cachedBoxesCpu(final int records) {
        final double[] fractions = {1.0, 0.5, 0.3, 0.1, 0.0};
        final SensorModel[] models = new SensorModel[fractions.length];
        final SplittableRandom random = new SplittableRandom(3);
        final double[] values = new double[records * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = BenchData.nextValue(random) + random.nextDouble();
        }
        for (int f = 0; f < fractions.length; f++) {
            models[f] = SensorModel.create(ModelSettings.serviceDefaults().withBoundingBoxCacheFraction(fractions[f]),
                    "s", new String[]{"v"});
            for (int i = 0; i < records; i++) {
                models[f].process(new double[]{values[i]}, i + 1);
            }
        }
        final int rounds = 5;
        final int perRound = records / rounds;
        final double[][] us = new double[fractions.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int f = 0; f < fractions.length; f++) {
                final long t = CPU.getCurrentThreadCpuTime();
                for (int i = 0; i < perRound; i++) {
                    final int at = records + r * perRound + i;
                    models[f].process(new double[]{values[at]}, at + 1);
                }
                us[f][r] = (CPU.getCurrentThreadCpuTime() - t) / 1e3 / perRound;
            }
        }
        System.out.printf(Locale.ROOT, "%nCPU per record of a warmed default forest by bounding-box cache fraction "
                + "(median of %d interleaved rounds of %,d records):%n", rounds, perRound);
        for (int f = 0; f < fractions.length; f++) {
            Arrays.sort(us[f]);
            System.out.printf(Locale.ROOT, "  cache %.1f: %7.1f us/record (rounds %.1f-%.1f)%n", fractions[f],
                    us[f][rounds / 2], us[f][0], us[f][rounds - 1]);
        }
    }

    private static ModelSettings shape(final int trees, final int sample, final double cache) {
        final ModelSettings d = ModelSettings.serviceDefaults();
        return new ModelSettings(trees, sample, d.timeDecay(), d.shingleSize(), d.outputAfter(), d.seed(),
                d.lowerThreshold(), d.zFactor(), d.explanation(), Detector.KDA, cache);
    }

    private static void measure(final Shape s, final int records, final int restores) throws Exception {
        // a few sensors, so the CPU figure is not one forest's cache-friendly best case
        final int sensors = 4;
        final SensorModel[] models = new SensorModel[sensors];
        for (int i = 0; i < sensors; i++) {
            models[i] = SensorModel.create(s.settings(), "sensor-" + i, new String[]{"v"});
        }
        final SplittableRandom random = new SplittableRandom(7);
        final long start = CPU.getCurrentThreadCpuTime();
        for (int r = 1; r <= records; r++) {
            for (final SensorModel m : models) {
                // continuous readings: integer ones repeat, and the point store keeps a repeated point once
                m.process(new double[]{BenchData.nextValue(random) + random.nextDouble()}, r);
            }
        }
        final double usPerRecord = (CPU.getCurrentThreadCpuTime() - start) / 1e3 / ((double) records * sensors);
        final ThresholdedRandomCutForest trcf = forestOf(models[0]);
        final Parts p = parts(trcf);

        byte[] snap = null;
        final long encStart = CPU.getCurrentThreadCpuTime();
        final int encodes = Math.max(10, restores / 10);
        for (int i = 0; i < encodes; i++) {
            snap = ModelCodec.encode(models[0], records);
        }
        final double encMs = (CPU.getCurrentThreadCpuTime() - encStart) / 1e6 / encodes;
        final long[] library = new long[restores];
        final long[] direct = new long[restores];
        // unrecorded rounds first, so both paths are measured JIT-compiled; then the two alternate, so that a burst
        // of load on this shared machine falls on both alike
        for (int i = 0; i < Math.max(50, restores / 3); i++) {
            ModelCodec.decode(snap, false, false);
            ModelCodec.decode(snap, false, true);
        }
        for (int i = 0; i < restores; i++) {
            library[i] = decodeCpu(snap, false);
            direct[i] = decodeCpu(snap, true);
        }
        System.out.printf(Locale.ROOT,
                "%-24s %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f | %8.1f %9.1f %8.2f %8s %8s\n",
                s.name(), p.total / 1024.0, p.points / 1024.0, p.samplers / 1024.0, p.nodes / 1024.0,
                p.bbox / 1024.0, p.leafMass / 1024.0, (p.total - p.points - p.samplers - p.nodes - p.bbox - p.leafMass)
                        / 1024.0,
                usPerRecord, snap.length / 1024.0, encMs, percentiles(library), percentiles(direct));
    }

    private static long decodeCpu(final byte[] snap, final boolean rebuildTrees) {
        final long t = CPU.getCurrentThreadCpuTime();
        ModelCodec.decode(snap, false, rebuildTrees);
        return CPU.getCurrentThreadCpuTime() - t;
    }

    /** "p50/p99" in ms; p99 is the value 99% of the restores did not exceed (no interpolation, no outlier dropped). */
    private static String percentiles(final long[] cpu) {
        final long[] sorted = cpu.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.1f/%.1f", FleetBenchmark.percentile(sorted, 0.50) / 1e6,
                FleetBenchmark.percentile(sorted, 0.99) / 1e6);
    }

    /** Heap of a forest's parts in bytes. */
    private record Parts(long total, long points, long samplers, long nodes, long bbox, long leafMass) {
    }

    private static Parts parts(final ThresholdedRandomCutForest trcf) throws Exception {
        final RandomCutForest forest = trcf.getForest();
        final List<Object> samplers = new ArrayList<>();
        final List<Object> nodes = new ArrayList<>();
        final List<Object> bbox = new ArrayList<>();
        final List<Object> leafMass = new ArrayList<>();
        for (final IComponentModel<?, ?> c : (List<IComponentModel<?, ?>>) field(RandomCutForest.class,
                "components", forest)) {
            final SamplerPlusTree<?, ?> spt = (SamplerPlusTree<?, ?>) c;
            samplers.add(spt.getSampler());
            final RandomCutTree tree = (RandomCutTree) spt.getTree();
            nodes.add(field(RandomCutTree.class, "nodeStore", tree));
            addIfPresent(bbox, field(RandomCutTree.class, "boundingBoxData", tree));
            addIfPresent(bbox, field(RandomCutTree.class, "rangeSumData", tree));
            addIfPresent(bbox, field(RandomCutTree.class, "pointSum", tree));
            leafMass.add(field(RandomCutTree.class, "leafMass", tree));
        }
        final Object store = ((PointStoreCoordinator<?>) field(RandomCutForest.class, "stateCoordinator", forest))
                .getStore();
        return new Parts(GraphLayout.parseInstance(trcf).totalSize(), GraphLayout.parseInstance(store).totalSize(),
                GraphLayout.parseInstance(samplers.toArray()).totalSize(),
                GraphLayout.parseInstance(nodes.toArray()).totalSize(),
                bbox.isEmpty() ? 0 : GraphLayout.parseInstance(bbox.toArray()).totalSize(),
                GraphLayout.parseInstance(leafMass.toArray()).totalSize());
    }

    private static void addIfPresent(final List<Object> to, final Object o) {
        if (o != null) {
            to.add(o);
        }
    }

    private static Object field(final Class<?> type, final String name, final Object from) throws Exception {
        final Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(from);
    }

    private static ThresholdedRandomCutForest forestOf(final SensorModel m) throws Exception {
        final Field f = SensorModel.class.getDeclaredField("forest");
        f.setAccessible(true);
        return (ThresholdedRandomCutForest) f.get(m);
    }
}
