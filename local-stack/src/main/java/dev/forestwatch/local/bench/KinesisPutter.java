package dev.forestwatch.local.bench;

import dev.forestwatch.local.PipelineNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The benchmarks' readings: put into the pipeline's Kinesis stream at a fixed rate, in batches every 100 ms (so each
 * waits at most 100 ms to be put), 3 sensors, values 10-20. Each reading carries its own number in a string field
 * ({@code "reading":"r17"}), which the app does not score. Each acknowledged one is reported with the id the
 * pipeline gives it ({@code <shard>-<sequence>-0}). Entries Kinesis refused are put again; a call that failed whole
 * is not, as it may have landed, and is counted.
 */
final class KinesisPutter {
    private static final Duration BATCH_EVERY = Duration.ofMillis(100);
    private static final long BATCHES_PER_SECOND = Duration.ofSeconds(1).toMillis() / BATCH_EVERY.toMillis();

    /** Told of each acknowledged reading, on the putter's thread, with the time its call returned. */
    interface Acknowledged {
        void accept(String recordId, String reading, long nanoTime);
    }

    private final KinesisClient kinesis;
    private final double rate;
    private final Acknowledged acknowledged;
    private final SplittableRandom random = new SplittableRandom(1);
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong retriedEntries = new AtomicLong();
    private List<PutRecordsRequestEntry> pending = new ArrayList<>();
    private List<String> pendingReadings = new ArrayList<>();
    private double owed;
    private long seq;
    private FixedRateLoop loop;

    KinesisPutter(KinesisClient kinesis, double rate, Acknowledged acknowledged) {
        this.kinesis = kinesis;
        this.rate = rate;
        this.acknowledged = acknowledged;
    }

    KinesisPutter start(String threadName) {
        loop = FixedRateLoop.start(threadName, BATCH_EVERY, this::putBatch);
        return this;
    }

    void stopAndJoin() throws InterruptedException {
        loop.stopAndJoin();
    }

    long failedCalls() {
        return failedCalls.get();
    }

    long retriedEntries() {
        return retriedEntries.get();
    }

    private void putBatch() {
        for (owed += rate / BATCHES_PER_SECOND; owed >= 1; owed--) {
            String sensor = "DemoSensor-" + (1 + seq % 3);
            String reading = "r" + seq++;
            pendingReadings.add(reading);
            pending.add(PutRecordsRequestEntry.builder().partitionKey(sensor)
                    .data(SdkBytes.fromUtf8String("{\"iotName\":\"" + sensor + "\",\"iotValue\":"
                            + random.nextInt(10, 21) + ",\"reading\":\"" + reading + "\"}"))
                    .build());
        }
        if (pending.isEmpty()) {
            return;
        }
        List<PutRecordsRequestEntry> again = new ArrayList<>();
        List<String> againReadings = new ArrayList<>();
        try {
            List<PutRecordsRequestEntry> batch = List.copyOf(pending);
            PutRecordsResponse r = kinesis.putRecords(p -> p.streamName(PipelineNames.STREAM).records(batch));
            long now = System.nanoTime();
            for (int i = 0; i < r.records().size(); i++) {
                PutRecordsResultEntry e = r.records().get(i);
                if (e.errorCode() == null) {
                    acknowledged.accept(e.shardId() + "-" + e.sequenceNumber() + "-0", pendingReadings.get(i), now);
                } else {
                    again.add(pending.get(i));
                    againReadings.add(pendingReadings.get(i));
                }
            }
            retriedEntries.addAndGet(again.size());
        } catch (RuntimeException e) {
            failedCalls.incrementAndGet();
        }
        pending = again;
        pendingReadings = againReadings;
    }
}
