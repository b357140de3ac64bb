package dev.forestwatch.connect.common.send;

import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.OutgoingRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one batch, whatever it takes within the retry duration, for any sink: the sink's {@link BatchCall} makes
 * one request and reads its answer; this loop settles what was taken, sends again only what was not taken for now
 * (after a backoff, in its order), applies the {@link RefusalPolicy} to what will never be taken, retries whole
 * calls that got no usable answer, and sends a request the server found too large in halves. Every entry ends
 * settled or the batch throws.
 *
 * <p>With an order key (a document id), an entry retried never lets a later entry with the same key land first: the
 * later ones are held back with it, even if they were taken (they are applied again after it), and each request
 * then carries one entry per key. Later batches of the partition wait anyway: the writer has one call per partition
 * in flight, and this returns only when all are settled.
 *
 * <p>Retries are never silent: the first failed attempt of a batch, further failed attempts and a give-up are
 * logged as WARN with the count, the problem and the setting that bounds the retries; retry warnings (and give-up
 * warnings) at most once per {@link #WARN_INTERVAL_MS} each, so an outage says so without flooding the log.
 */
public final class SendLoop implements BatchingWriter.Sender {

    private static final Logger LOG = LoggerFactory.getLogger(SendLoop.class);

    /** At most one retry warning (and one give-up warning) per this many ms and task. */
    static final long WARN_INTERVAL_MS = 30_000;

    private final String target;
    private final BatchCall call;
    private final Backoff backoff;
    private final RetrySettings retry;
    private final RefusalPolicy refusals;
    private final Function<OutgoingRecord, String> orderKey;
    private final RetryBudget.Sleeper sleeper;
    private final SendStats stats;
    private final LogLimiter retryWarnings = new LogLimiter(WARN_INTERVAL_MS);
    private final LogLimiter giveUpWarnings = new LogLimiter(WARN_INTERVAL_MS);
    private volatile boolean stopping;

    /**
     * @param target
     *            who takes the records, for messages: "Elasticsearch", "Firehose stream 'S'"
     * @param orderKey
     *            entries with the same non-null key must land in their order; null when the destination has no
     *            such notion (each entry is a new record)
     */
    public SendLoop(final String target, final BatchCall call, final RetrySettings retry,
            final RefusalPolicy refusals, final Function<OutgoingRecord, String> orderKey,
            final RetryBudget.Sleeper sleeper,
            final SendStats stats) {
        this.target = target;
        this.call = call;
        this.backoff = new Backoff(retry.backoffMs(), retry.backoffMaxMs());
        this.retry = retry;
        this.refusals = refusals;
        this.orderKey = orderKey;
        this.sleeper = sleeper;
        this.stats = stats;
    }

    /** Makes a send in progress give up before its next attempt; its records are read again after a restart. */
    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void send(final List<OutgoingRecord> batch, final Consumer<OutgoingRecord> settled)
            throws InterruptedException {
        final RetryBudget budget = new RetryBudget(backoff, retry.maxDurationMs(), retry.setting(), sleeper,
                () -> stopping);
        budget.beforeAttempt(() -> "");
        deliver(batch, budget, settled, 0);
    }

    /** Entries to send again and why, e.g. the first one's error code. */
    private record Again(List<OutgoingRecord> entries, String example) {
    }

    private void deliver(final List<OutgoingRecord> items, final RetryBudget budget,
            final Consumer<OutgoingRecord> settled,
            final int depth) throws InterruptedException {
        final List<OutgoingRecord> pending = new ArrayList<>(items);
        final Map<OutgoingRecord, String> keys = orderKey == null ? null : new IdentityHashMap<>();
        boolean onePerKey = false;
        int failedAttempts = 0;
        String lastProblem = null;
        while (!pending.isEmpty()) {
            if (lastProblem != null) {
                retryOrGiveUp(pending, lastProblem, failedAttempts, budget);
            } else {
                budget.throwIfStopping();
            }
            lastProblem = null;
            final List<OutgoingRecord> request = onePerKey ? firstPerKey(pending, keys) : List.copyOf(pending);
            stats.calls.incrementAndGet();
            final Answer answer = call.call(request);
            if (answer instanceof Answer.RetryCall r) {
                stats.retriedCalls.incrementAndGet();
                lastProblem = r.problem();
                failedAttempts++;
                continue;
            }
            if (answer instanceof Answer.TooLarge t) {
                tooLarge(request, t, budget, settled, depth);
                removeAll(pending, request);
                continue;
            }
            final Again again = answer instanceof Answer.PerEntry p
                    ? settle(request, p.results(), settled, keys)
                    : settleAll(request, settled);
            if (again.entries().isEmpty() && request.size() == pending.size()) {
                pending.clear(); // the common case: all of it went through
            } else {
                final List<OutgoingRecord> done = new ArrayList<>(request);
                removeAll(done, again.entries());
                removeAll(pending, done);
            }
            if (!again.entries().isEmpty()) {
                onePerKey = keys != null;
                stats.retriedEntries.addAndGet(again.entries().size());
                lastProblem = again.entries().size() + " record(s) not taken for now, e.g. " + again.example();
                failedAttempts++;
            }
        }
    }

    /** Before a retry: a warning at the first failed attempt, the backoff, and a warning if the budget is spent. */
    private void retryOrGiveUp(final List<OutgoingRecord> pending, final String problem, final int failedAttempts,
            final RetryBudget budget) throws InterruptedException {
        // the first failure of a batch, then (an outage) its further ones, together at most one line per interval
        final int left = retryWarnings.admit(System.nanoTime());
        if (left >= 0) {
            final String skipped = left > 0 ? " (" + left + " failed attempts not logged since the last warning)" : "";
            if (failedAttempts == 1) {
                LOG.warn("{} did not take {} record(s) (first {}): {}; retrying with backoff for up to {}={} ms{}",
                        target, pending.size(), pending.get(0), problem, retry.setting(), retry.maxDurationMs(),
                        skipped);
            } else {
                LOG.warn("{} still did not take {} record(s) (first {}) after {} attempts: {}; retrying for up to "
                        + "{}={} ms in all{}", target, pending.size(), pending.get(0), budget.attempts(), problem,
                        retry.setting(), retry.maxDurationMs(), skipped);
            }
        }
        try {
            budget.beforeRetry(() -> target + " did not take " + pending.size() + " record(s) (first "
                    + pending.get(0) + "), last problem: " + problem + ",");
        } catch (ConnectException giveUp) {
            final int notLogged = giveUpWarnings.admit(System.nanoTime());
            if (notLogged >= 0) {
                LOG.warn("{}: giving up on {} record(s) (first {}) after {} attempts, as {}={} ms is used up; last "
                        + "problem: {}{}", target, pending.size(), pending.get(0), budget.attempts(),
                        retry.setting(), retry.maxDurationMs(), problem,
                        notLogged > 0 ? " (" + notLogged + " more give-ups since the last warning)" : "");
            }
            throw giveUp;
        }
    }

    /** The first pending entry of each key, in their order: a key's later entries wait for a later request. */
    private List<OutgoingRecord> firstPerKey(final List<OutgoingRecord> pending,
            final Map<OutgoingRecord, String> keys) {
        final Set<String> seen = new HashSet<>();
        final List<OutgoingRecord> request = new ArrayList<>(pending.size());
        for (final OutgoingRecord e : pending) {
            final String k = key(e, keys);
            if (k == null || seen.add(k)) {
                request.add(e);
            }
        }
        return request;
    }

    private String key(final OutgoingRecord e, final Map<OutgoingRecord, String> keys) {
        return keys.computeIfAbsent(e, orderKey);
    }

    /**
     * A request the server refused as too large: its halves are sent one after the other, so order holds, down to
     * single entries, which no request could carry and which follow the refusal policy.
     */
    private void tooLarge(final List<OutgoingRecord> request, final Answer.TooLarge answer, final RetryBudget budget,
            final Consumer<OutgoingRecord> settled, final int depth) throws InterruptedException {
        if (request.size() == 1) {
            refusals.refuse(request.get(0), answer.aloneReason(), answer.aloneReason(), stats);
            settled.accept(request.get(0));
            return;
        }
        stats.splitCalls.incrementAndGet();
        if (depth == 0) {
            LOG.warn("{} refused a request of {} records ({} bytes) as too large; sending it in halves. {}", target,
                    request.size(), bytes(request), answer.hint());
        }
        final int half = request.size() / 2;
        deliver(request.subList(0, half), budget, settled, depth + 1);
        deliver(request.subList(half, request.size()), budget, settled, depth + 1);
    }

    private Again settleAll(final List<OutgoingRecord> sent, final Consumer<OutgoingRecord> settled) {
        stats.delivered.addAndGet(sent.size());
        sent.forEach(settled);
        return new Again(List.of(), null);
    }

    /**
     * Settles what the results allow and returns the entries to send again: those not taken for now and, with an
     * order key, behind each the later entries of the request with its key, whatever their own result.
     */
    private Again settle(final List<OutgoingRecord> sent, final List<Answer.Result> results,
            final Consumer<OutgoingRecord> settled,
            final Map<OutgoingRecord, String> keys) throws InterruptedException {
        if (results.size() != sent.size()) {
            throw new ConnectException(target + " answered " + results.size() + " results for " + sent.size()
                    + " records sent");
        }
        boolean anyRetry = false;
        for (int i = 0; i < results.size() && !anyRetry; i++) {
            anyRetry = results.get(i).kind() == Answer.Kind.RETRY;
        }
        final Set<String> heldBack = new HashSet<>();
        final List<OutgoingRecord> retry = new ArrayList<>();
        String example = null;
        for (int i = 0; i < sent.size(); i++) {
            final OutgoingRecord e = sent.get(i);
            // keys are only looked at when something is retried: the common answer costs no parsing
            final String key = anyRetry && keys != null ? key(e, keys) : null;
            if (key != null && heldBack.contains(key)) {
                retry.add(e); // an earlier entry with its key is retried: this one goes again after it
                continue;
            }
            final Answer.Result r = results.get(i);
            switch (r.kind()) {
                case TAKEN:
                    stats.delivered.incrementAndGet();
                    settled.accept(e);
                    break;
                case RETRY:
                    retry.add(e);
                    example = example == null ? r.shownReason() : example;
                    if (key != null) {
                        heldBack.add(key);
                    }
                    break;
                default:
                    refusals.refuse(e, r.reason(), r.shownReason(), stats);
                    settled.accept(e);
            }
        }
        return new Again(retry, example);
    }

    /** Removes the given entries (by identity: two entries may be equal records) from a list, keeping order. */
    private static void removeAll(final List<OutgoingRecord> from, final List<OutgoingRecord> gone) {
        if (gone.isEmpty()) {
            return;
        }
        final Set<OutgoingRecord> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(gone);
        from.removeIf(set::contains);
    }

    /** The bytes of some entries. */
    public static int bytes(final List<OutgoingRecord> entries) {
        int size = 0;
        for (final OutgoingRecord e : entries) {
            size += e.data().length;
        }
        return size;
    }
}
