package dev.forestwatch.local.bench;

import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.firehose.LocalFirehose;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Every second: the indexed count (Elasticsearch _count) and the delivered-to-Firehose count, with times. */
final class DeliverySampler {
    private final DeliveredReadings delivered;
    private final LocalFirehose firehose;
    private final List<Sample> samples = new ArrayList<>();
    private final FixedRateLoop loop;
    private volatile long indexed;

    /** One second's figures; {@code indexed} is -1 when Elasticsearch did not answer. */
    record Sample(long nanos, long indexed, long firehose) {
    }

    DeliverySampler(DeliveredReadings delivered, LocalFirehose firehose) {
        this.delivered = delivered;
        this.firehose = firehose;
        this.loop = FixedRateLoop.start("fault-bench-sampler", Duration.ofSeconds(1), this::sample);
    }

    void stop() throws InterruptedException {
        loop.stopAndJoin();
    }

    /** The last indexed count Elasticsearch gave. */
    long indexed() {
        return indexed;
    }

    /**
     * The longest time between two increases of the figure, from its first increase to its last, i.e. while
     * readings were on their way (before the first there was nothing yet, after the last nothing more).
     */
    double longestStall(ToLongFunction<Sample> figure) {
        List<Sample> copy;
        synchronized (samples) {
            copy = List.copyOf(samples);
        }
        long best = 0;
        long lastValue = 0;
        long lastIncrease = -1;
        for (Sample s : copy) {
            long v = figure.applyAsLong(s);
            if (v > lastValue) {
                if (lastIncrease >= 0) {
                    best = Math.max(best, s.nanos() - lastIncrease);
                }
                lastIncrease = s.nanos();
                lastValue = v;
            }
        }
        return best / 1e9;
    }

    private void sample() {
        long count = -1;
        try {
            count = delivered.indexed();
            indexed = count;
        } catch (IOException e) {
            // Elasticsearch down or the index not there yet: no figure this second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // ends the loop
            return;
        }
        synchronized (samples) {
            samples.add(new Sample(System.nanoTime(), count, firehose.deliveredCount(PipelineNames.DELIVERY_STREAM)));
        }
    }
}
