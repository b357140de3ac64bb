package dev.forestwatch.streams.score;

import com.amazon.randomcutforest.ComponentList;
import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.config.Config;
import com.amazon.randomcutforest.config.ForestMode;
import com.amazon.randomcutforest.config.ImputationMethod;
import com.amazon.randomcutforest.config.Precision;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.executor.PointStoreCoordinator;
import com.amazon.randomcutforest.executor.SamplerPlusTree;
import com.amazon.randomcutforest.parkservices.PredictorCorrector;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.config.ScoringStrategy;
import com.amazon.randomcutforest.parkservices.returntypes.RCFComputeDescriptor;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import com.amazon.randomcutforest.parkservices.state.predictorcorrector.PredictorCorrectorMapper;
import com.amazon.randomcutforest.parkservices.state.returntypes.ComputeDescriptorMapper;
import com.amazon.randomcutforest.preprocessor.Preprocessor;
import com.amazon.randomcutforest.sampler.CompactSampler;
import com.amazon.randomcutforest.sampler.ISampled;
import com.amazon.randomcutforest.state.ExecutionContext;
import com.amazon.randomcutforest.state.RandomCutForestState;
import com.amazon.randomcutforest.state.preprocessor.PreprocessorMapper;
import com.amazon.randomcutforest.state.sampler.CompactSamplerMapper;
import com.amazon.randomcutforest.state.sampler.CompactSamplerState;
import com.amazon.randomcutforest.state.store.PointStoreMapper;
import com.amazon.randomcutforest.state.tree.CompactRandomCutTreeContext;
import com.amazon.randomcutforest.state.tree.CompactRandomCutTreeState;
import com.amazon.randomcutforest.state.tree.RandomCutTreeMapper;
import com.amazon.randomcutforest.store.PointStore;
import com.amazon.randomcutforest.tree.RandomCutTree;
import java.util.List;
import java.util.Random;

/**
 * ThresholdedRandomCutForestMapper.toModel as randomcutforest 4.4.0 does it, step for step (the same mappers, the
 * same draws from the forest's random generator, in the same order), except that a tree whose {@link TreeLeaves} fit
 * is rebuilt from them rather than by re-inserting its sampled points. A state this does not cover (one written by
 * an earlier library, without a saved descriptor or predictor-corrector, or without trees) goes to the library's
 * mapper whole.
 */
final class ForestRebuild {

    private ForestRebuild() {
    }

    /** The leaves are in the forest's tree order; null restores the library's way. */
    static ThresholdedRandomCutForest toModel(final ThresholdedRandomCutForestState state,
            final List<TreeLeaves> leaves) {
        final RandomCutForestState fs = state.getForestState();
        if (leaves == null || !TreeLeaves.supported() || state.getLastDescriptorState() == null
                || state.getPredictorCorrectorState() == null || !fs.isSaveTreeStateEnabled()
                || !fs.isSaveSamplerStateEnabled() || fs.getExecutionContext() == null
                || Precision.valueOf(fs.getPrecision()) != Precision.FLOAT_32
                || leaves.size() != fs.getNumberOfTrees()) {
            return new ThresholdedRandomCutForestMapper().toModel(state);
        }
        final RandomCutForest forest = forest(fs, leaves);
        final Preprocessor preprocessor = new PreprocessorMapper().toModel(state.getPreprocessorStates()[0]);
        final ForestMode forestMode = ForestMode.valueOf(state.getForestMode());
        final TransformMethod transformMethod = TransformMethod.valueOf(state.getTransformMethod());
        ScoringStrategy scoringStrategy = ScoringStrategy.EXPECTED_INVERSE_DEPTH;
        if (state.getScoringStrategy() != null && !state.getScoringStrategy().isEmpty()) {
            scoringStrategy = ScoringStrategy.valueOf(state.getScoringStrategy());
        }
        final RCFComputeDescriptor descriptor = new ComputeDescriptorMapper().toModel(state.getLastDescriptorState());
        descriptor.setShingleSize(preprocessor.getShingleSize());
        descriptor.setForestMode(forestMode);
        descriptor.setTransformMethod(transformMethod);
        descriptor.setScoringStrategy(scoringStrategy);
        descriptor.setImputationMethod(
                ImputationMethod.valueOf(state.getPreprocessorStates()[0].getImputationMethod()));
        final PredictorCorrector predictorCorrector = new PredictorCorrectorMapper()
                .toModel(state.getPredictorCorrectorState());
        return new ThresholdedRandomCutForest(forestMode, transformMethod, scoringStrategy, forest,
                predictorCorrector, preprocessor, descriptor);
    }

    /** RandomCutForestMapper.toModel(state) for a single-precision state with trees and samplers saved. */
    private static RandomCutForest forest(final RandomCutForestState fs, final List<TreeLeaves> leaves) {
        final ExecutionContext ec = fs.getExecutionContext();
        final RandomCutForest.Builder<?> builder = RandomCutForest.builder().numberOfTrees(fs.getNumberOfTrees())
                .dimensions(fs.getDimensions()).timeDecay(fs.getTimeDecay()).sampleSize(fs.getSampleSize())
                .centerOfMassEnabled(fs.isCenterOfMassEnabled()).outputAfter(fs.getOutputAfter())
                .parallelExecutionEnabled(ec.isParallelExecutionEnabled()).threadPoolSize(ec.getThreadPoolSize())
                .storeSequenceIndexesEnabled(fs.isStoreSequenceIndexesEnabled()).shingleSize(fs.getShingleSize())
                .boundingBoxCacheFraction(fs.getBoundingBoxCacheFraction())
                .internalShinglingEnabled(fs.isInternalShinglingEnabled()).randomSeed(0L);
        final Random rng = builder.getRandom();
        final ComponentList<Integer, float[]> components = new ComponentList<>();
        final CompactRandomCutTreeContext context = new CompactRandomCutTreeContext();
        final PointStore store = new PointStoreMapper().toModel(fs.getPointStoreState());
        final PointStoreCoordinator<float[]> coordinator = new PointStoreCoordinator<>(store);
        coordinator.setTotalUpdates(fs.getTotalUpdates());
        context.setPointStore(store);
        context.setMaxSize(fs.getSampleSize());
        final RandomCutTreeMapper treeMapper = new RandomCutTreeMapper();
        final List<CompactRandomCutTreeState> treeStates = fs.getCompactRandomCutTreeStates();
        final CompactSamplerMapper samplerMapper = new CompactSamplerMapper();
        final List<CompactSamplerState> samplerStates = fs.getCompactSamplerStates();
        for (int i = 0; i < fs.getNumberOfTrees(); i++) {
            final CompactSampler sampler = samplerMapper.toModel(samplerStates.get(i), rng.nextLong());
            final long treeSeed = rng.nextLong();
            final CompactRandomCutTreeState treeState = treeStates.get(i);
            RandomCutTree tree = treeMapper.toModel(treeState, context, treeSeed);
            if (!rebuilt(tree, leaves.get(i), sampler, treeState.getBoundingBoxCacheFraction())) {
                tree = treeMapper.toModel(treeState, context, treeSeed);
                for (final ISampled<Integer> s : sampler.getSample()) {
                    tree.addPointToPartialTree(s.getValue(), s.getSequenceIndex());
                }
                tree.setConfig(Config.BOUNDING_BOX_CACHE_FRACTION, treeState.getBoundingBoxCacheFraction());
                tree.validateAndReconstruct();
            }
            components.add(new SamplerPlusTree<>(sampler, tree));
        }
        final RandomCutForest forest = new RandomCutForest(builder, coordinator, components, rng);
        if (!fs.isCurrentlySampling()) {
            forest.pauseSampling();
        }
        return forest;
    }

    /** False leaves the tree to be discarded: it may be part-way rebuilt. */
    private static boolean rebuilt(final RandomCutTree tree, final TreeLeaves leaves, final CompactSampler sampler,
            final double cacheFraction) {
        try {
            if (!leaves.rebuild(tree, sampler)) {
                return false;
            }
            tree.setConfig(Config.BOUNDING_BOX_CACHE_FRACTION, cacheFraction);
            tree.validateAndReconstruct();
            return true;
        } catch (RuntimeException e) {
            // validateAndReconstruct's own checks (a leaf on the wrong side of a cut, a point not in the store)
            return false;
        }
    }
}
