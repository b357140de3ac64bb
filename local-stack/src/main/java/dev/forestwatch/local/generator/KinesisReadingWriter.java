package dev.forestwatch.local.generator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts readings into a Kinesis data stream with PutRecords, partition key = sensor name.
 *
 * <p>A sender thread sends up to 500 entries / 5 MiB per call, as soon as that much is buffered or the
 * oldest buffered entry has waited the linger. PutRecords answers 200 even when some entries failed
 * (ProvisionedThroughputExceededException for a busy shard, InternalFailure): only those are sent again,
 * with exponential backoff and jitter, until the retry timeout, after which they count as failed.
 * Retryable call failures (throttling, 5xx, I/O) are retried within the same bound.
 *
 * <p>One call is in flight, and a batch is settled before the next one is taken, so a retried entry is
 * never overtaken by a later reading of its sensor in a later call. Within one call Kinesis promises no
 * such thing: an entry that fails behind a later entry of its sensor that succeeds lands after it.
 * Throttling is per shard, so it tends to fail the rest of that shard's entries too; strict order would
 * take one entry per sensor per call.
 */
final class KinesisReadingWriter extends ReadingWriter {
    static final int MAX_BATCH_ENTRIES = 500;
    static final int MAX_BATCH_BYTES = 5 * 1024 * 1024;
    /** Kinesis counts a record's data and partition key against both this and the batch size. */
    static final int MAX_RECORD_BYTES = 1024 * 1024;

    /** The one SDK call this makes; tests pass a fake that fails chosen entries. */
    interface PutRecordsCall {
        PutRecordsResponse putRecords(PutRecordsRequest request);
    }

    /** Time for the retries; tests pass a fake so a 60 s give-up takes no real time. */
    interface RetryClock {
        RetryClock SYSTEM = new RetryClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }
        };

        long nanoTime();

        void sleep(long millis) throws InterruptedException;
    }

    private record Pending(PutRecordsRequestEntry entry, int bytes) {
    }

    private final String stream;
    private final PutRecordsCall api;
    private final long lingerNanos;
    private final Duration retryTimeout;
    private final RetryClock clock;
    private final AutoCloseable resources;
    private final Thread sender;

    // The buffer holds at most one batch, so the writer blocks once a batch is buffered behind the one in flight.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private long bufferedBytes;
    private long oldestBufferedAt;
    private int inFlight;
    private boolean writerBlocked;
    private boolean flushing;
    private boolean closing;
    private boolean senderDone;

    /** @param resources closed by {@link #close()} after the sender has finished, or null */
    KinesisReadingWriter(String stream, PutRecordsCall api, Duration linger, Duration retryTimeout, RetryClock clock,
            AutoCloseable resources) {
        super("Kinesis stream " + stream);
        this.stream = stream;
        this.api = api;
        this.lingerNanos = linger.toNanos();
        this.retryTimeout = retryTimeout;
        this.clock = clock;
        this.resources = resources;
        this.sender = new Thread(this::runSender, "kinesis-sender-" + stream);
        sender.setDaemon(true);
        sender.start();
    }

    /** A writer with its own client: sync, url-connection HTTP, SDK retries off (this class bounds them). */
    static KinesisReadingWriter open(KinesisTarget target) {
        AwsCredentialsProvider credentials = target.credentials() != null
                ? target.credentials()
                : DefaultCredentialsProvider.builder().build();
        KinesisClientBuilder builder = KinesisClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .region(target.region() != null ? target.region() : defaultRegion())
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (target.endpoint() != null) {
            builder.endpointOverride(target.endpoint());
        }
        KinesisClient client = builder.build();
        return new KinesisReadingWriter(target.stream(), client::putRecords, target.linger(), target.retryTimeout(),
                RetryClock.SYSTEM, client);
    }

    static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return Region.US_EAST_1;
        }
    }

    @Override
    public void write(SensorReading reading) {
        put(reading.sensor(), reading.toJson().getBytes(UTF_8));
    }

    /** Buffers one record; blocks while a full batch waits behind the one in flight. */
    void put(String partitionKey, byte[] data) {
        int bytes = partitionKey.getBytes(UTF_8).length + data.length;
        if (bytes > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("A Kinesis record takes at most " + MAX_RECORD_BYTES
                    + " bytes of data and partition key, got " + bytes);
        }
        Pending pending = new Pending(PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .build(), bytes);
        lock.lock();
        try {
            while (!buffer.isEmpty()
                    && (buffer.size() >= MAX_BATCH_ENTRIES || bufferedBytes + bytes > MAX_BATCH_BYTES)) {
                checkSender();
                writerBlocked = true;
                changed.signalAll(); // the sender takes a byte-full batch now instead of after the linger
                awaitChange();
            }
            writerBlocked = false;
            checkSender();
            if (buffer.isEmpty()) {
                oldestBufferedAt = System.nanoTime();
            }
            buffer.add(pending);
            bufferedBytes += bytes;
            if (buffer.size() == 1 || buffer.size() == MAX_BATCH_ENTRIES) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            flushing = true;
            changed.signalAll();
            while (!buffer.isEmpty() || inFlight > 0) {
                checkSender();
                awaitChange();
            }
        } finally {
            flushing = false;
            lock.unlock();
        }
    }

    /** Sends what is buffered (retrying as usual), then closes the client. */
    @Override
    public void close() {
        update(() -> closing = true);
        try {
            sender.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (resources != null) {
                try {
                    resources.close();
                } catch (Exception e) {
                    throw new IllegalStateException("Could not close the Kinesis client", e);
                }
            }
        }
    }

    private void awaitChange() {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kinesis stream " + stream, e);
        }
    }

    private void checkSender() {
        if (senderDone) {
            throw new IllegalStateException("The Kinesis sender for stream " + stream + " has stopped with "
                    + (buffer.size() + inFlight) + " record(s) unsent");
        }
    }

    private void runSender() {
        try {
            for (List<Pending> batch = nextBatch(); !batch.isEmpty(); batch = nextBatch()) {
                send(batch);
                update(() -> inFlight = 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            update(() -> senderDone = true);
        }
    }

    /** Changes the shared state under the lock and wakes whoever waits on it. */
    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a full batch, the linger, a flush or close; returns the whole buffer, empty once closed and drained. */
    private List<Pending> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (buffer.isEmpty()) {
                    if (closing) {
                        return List.of();
                    }
                    changed.await();
                    continue;
                }
                long wait = oldestBufferedAt + lingerNanos - System.nanoTime();
                if (wait <= 0 || buffer.size() >= MAX_BATCH_ENTRIES || writerBlocked || flushing || closing) {
                    break;
                }
                changed.awaitNanos(wait);
            }
            List<Pending> batch = new ArrayList<>(buffer);
            buffer.clear();
            bufferedBytes = 0;
            inFlight = batch.size();
            changed.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Settles every entry of the batch: acknowledged, or failed once retrying has run out of time. */
    private void send(List<Pending> batch) {
        long deadline = clock.nanoTime() + retryTimeout.toNanos();
        List<Pending> pending = batch;
        String firstProblem = null;
        for (int attempt = 0;; attempt++) {
            if (attempt > 0) {
                long delayMs = KinesisRetries.backoffMillis(attempt);
                if (clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) - deadline > 0) {
                    counts.addFailed(pending.size(), "gave up on " + pending.size() + " record(s) after retrying for "
                            + retryTimeout.toSeconds() + " s; first error: " + firstProblem);
                    return;
                }
                try {
                    clock.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    counts.addFailed(pending.size(), "interrupted while retrying; first error: " + firstProblem);
                    return;
                }
                counts.addRetried(pending.size());
            }
            PutRecordsResponse response;
            try {
                response = api.putRecords(request(pending));
            } catch (RuntimeException e) {
                if (!KinesisRetries.retryable(e)) {
                    counts.addFailed(pending.size(), KinesisRetries.describe(e));
                    return;
                }
                firstProblem = firstProblem != null ? firstProblem : KinesisRetries.describe(e);
                continue;
            }
            List<PutRecordsResultEntry> results = response.records();
            if (results.size() != pending.size()) {
                counts.addFailed(pending.size(), "PutRecords answered " + results.size() + " results for "
                        + pending.size() + " records sent to stream " + stream);
                return;
            }
            // failedRecordCount only says how many; the entries say which.
            List<Pending> failed = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                PutRecordsResultEntry result = results.get(i);
                if (result.errorCode() == null) {
                    continue;
                }
                failed.add(pending.get(i));
                if (firstProblem == null) {
                    firstProblem = result.errorCode() + ": " + result.errorMessage();
                }
            }
            counts.addAcknowledged(pending.size() - failed.size());
            if (failed.isEmpty()) {
                return;
            }
            pending = failed;
        }
    }

    private PutRecordsRequest request(List<Pending> pending) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            entries.add(p.entry());
        }
        return PutRecordsRequest.builder().streamName(stream).records(entries).build();
    }
}
