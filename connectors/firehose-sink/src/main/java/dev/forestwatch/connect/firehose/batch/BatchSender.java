package dev.forestwatch.connect.firehose.batch;

import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.RetryBudget;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.Entry;
import dev.forestwatch.connect.firehose.BehaviorOnError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Delivers one batch, whatever it takes within the retry duration. PutRecordBatch answers 200 even when some
 * entries failed: each entry's error code is checked, and only the failed entries are sent again, in their order,
 * after a backoff (resending the whole batch would duplicate the accepted ones). Throttling, 5xx and network
 * errors retry the call. Every entry ends settled (accepted, reported or ignored) or the batch throws.
 */
public final class BatchSender implements BatchingWriter.Sender {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    /** Per-entry and per-call error codes worth retrying; anything else is permanent. */
    static final Set<String> RETRIABLE_CODES = Set.of("ServiceUnavailableException", "ServiceUnavailable",
            "InternalFailure", "InternalFailureException", "InternalServerError", "ThrottlingException",
            "Throttling", "LimitExceededException", "RequestTimeout", "RequestTimeoutException");

    /** Counts for the task's log line and tests. */
    public static final class Stats {
        public final AtomicLong calls = new AtomicLong();
        public final AtomicLong delivered = new AtomicLong();
        public final AtomicLong retriedEntries = new AtomicLong();
        public final AtomicLong retriedCalls = new AtomicLong();
        public final AtomicLong reported = new AtomicLong();
        public final AtomicLong ignored = new AtomicLong();
    }

    private final FirehoseClient client;
    private final String stream;
    private final Backoff backoff;
    private final long retryMaxMs;
    private final BehaviorOnError onError;
    private final ErrantRecordReporter reporter;
    private final RetryBudget.Sleeper sleeper;
    private final Stats stats;
    private volatile boolean stopping;

    public BatchSender(final FirehoseClient client, final String stream, final Backoff backoff, final long retryMaxMs,
            final BehaviorOnError onError, final ErrantRecordReporter reporter, final RetryBudget.Sleeper sleeper,
            final Stats stats) {
        this.client = client;
        this.stream = stream;
        this.backoff = backoff;
        this.retryMaxMs = retryMaxMs;
        this.onError = onError;
        this.reporter = reporter;
        this.sleeper = sleeper;
        this.stats = stats;
    }

    /** Sends the entries; calls {@code settled} for each one as it is accepted, reported or ignored. */
    /** Makes a send in progress give up before its next attempt; its records are read again after a restart. */
    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void send(final List<Entry> batch, final Consumer<Entry> settled) throws InterruptedException {
        final RetryBudget budget = new RetryBudget(backoff, retryMaxMs, "retry.max.duration.ms", sleeper,
                () -> stopping);
        List<Entry> pending = batch;
        String lastProblem = null;
        while (!pending.isEmpty()) {
            final List<Entry> left = pending;
            final String problem = lastProblem;
            budget.beforeAttempt(() -> "Firehose stream '" + stream + "' did not take " + left.size()
                    + " record(s) (first " + left.get(0) + "), last problem: " + problem + ",");
            final PutRecordBatchResponse response;
            try {
                stats.calls.incrementAndGet();
                response = client.putRecordBatch(request(pending));
            } catch (FirehoseException e) {
                if (!retriable(e)) {
                    throw new ConnectException("Firehose refused a batch for stream '" + stream + "' ("
                            + code(e) + ", HTTP " + e.statusCode() + "): " + errorMessage(e) + hint(e), e);
                }
                stats.retriedCalls.incrementAndGet();
                lastProblem = code(e) + " (HTTP " + e.statusCode() + ")";
                continue;
            } catch (SdkClientException e) {
                // no answer (connection reset, timeout): the batch may or may not have landed; resending is the
                // at-least-once choice, as a lost record is worse than a rare duplicate
                stats.retriedCalls.incrementAndGet();
                lastProblem = e.getMessage();
                continue;
            }
            pending = settle(pending, response, settled);
            if (!pending.isEmpty()) {
                stats.retriedEntries.addAndGet(pending.size());
                lastProblem = pending.size() + " entries failed, e.g. " + firstError(response);
            }
        }
    }

    private List<Entry> settle(final List<Entry> sent, final PutRecordBatchResponse response,
            final Consumer<Entry> settled) throws InterruptedException {
        final List<PutRecordBatchResponseEntry> results = response.requestResponses();
        if (results.size() != sent.size()) {
            throw new ConnectException("Firehose answered " + results.size() + " entries for " + sent.size()
                    + " records sent to stream '" + stream + "'");
        }
        final List<Entry> retry = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            final Entry e = sent.get(i);
            final String code = results.get(i).errorCode();
            if (code == null) {
                stats.delivered.incrementAndGet();
                settled.accept(e);
            } else if (RETRIABLE_CODES.contains(code)) {
                retry.add(e);
            } else {
                refused(e, code + ": " + results.get(i).errorMessage());
                settled.accept(e);
            }
        }
        return retry;
    }

    /** A record Firehose will never take, by the behavior.on.error policy. */
    public void refused(final Entry e, final String reason) throws InterruptedException {
        switch (onError) {
            case FAIL :
                throw new ConnectException("Firehose stream '" + stream + "' refused record " + e + ": " + reason
                        + ". Set behavior.on.error=report (with a dead-letter topic) or ignore to go on without it.");
            case REPORT :
                try {
                    // waited for, so the offset is only committed once the dead-letter copy is safely written
                    reporter.report(e.record(), new ConnectException(reason)).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ex) {
                    throw new ConnectException("could not report record " + e + " to the dead-letter topic", ex);
                }
                stats.reported.incrementAndGet();
                LOG.warn("Reported record {} to the dead-letter topic: {}", e, reason);
                break;
            default :
                stats.ignored.incrementAndGet();
                LOG.warn("Ignored record {} (behavior.on.error=ignore): {}", e, reason);
        }
    }

    private PutRecordBatchRequest request(final List<Entry> entries) {
        final List<Record> records = new ArrayList<>(entries.size());
        for (final Entry e : entries) {
            records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(e.data())).build());
        }
        return PutRecordBatchRequest.builder().deliveryStreamName(stream).records(records).build();
    }

    static boolean retriable(final FirehoseException e) {
        return e.isThrottlingException() || e.statusCode() >= 500 || RETRIABLE_CODES.contains(code(e));
    }

    /**
     * The service's error code, or a placeholder: the SDK leaves the details null when the answer had no parsable
     * error body (a proxy's HTML page, a truncated response), and the status is then all there is to go on.
     */
    private static String code(final FirehoseException e) {
        final String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null ? "no error code" : code;
    }

    private static String errorMessage(final FirehoseException e) {
        final String m = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return m == null ? "no error details in the answer" : m;
    }

    private static String hint(final FirehoseException e) {
        final String code = code(e);
        if ("ResourceNotFoundException".equals(code)) {
            return ". Check delivery.stream and aws.region.";
        }
        if (e.statusCode() == 403 || code.contains("AccessDenied") || code.contains("Unrecognized")) {
            return ". Check the credentials (aws.access.key.id, aws.sts.role.arn or the default chain) and that "
                    + "they allow firehose:PutRecordBatch.";
        }
        if (e.awsErrorDetails() == null) {
            return ". Check that aws.firehose.endpoint (if set) is a Firehose endpoint, and delivery.stream and "
                    + "aws.region.";
        }
        return "";
    }

    private static String firstError(final PutRecordBatchResponse r) {
        return r.requestResponses().stream().filter(x -> x.errorCode() != null).findFirst()
                .map(x -> x.errorCode() + " (" + x.errorMessage() + ")").orElse("?");
    }
}
