package dev.forestwatch.connect.elasticsearch.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.RetryBudget;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.Entry;
import dev.forestwatch.connect.elasticsearch.Choices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
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

/**
 * Delivers one batch of _bulk items within the retry duration. A _bulk answer is 200 even when items failed, so
 * each item's status decides: 2xx is done; 429 and 5xx items are sent again without the others, with backoff,
 * and never overtaken by a later item for the same document; other 4xx items (a mapping conflict, a malformed
 * document) will never succeed and follow behavior.on.malformed.documents. Request-level 429/5xx and no answer at
 * all (Elasticsearch down) retry the whole rest of the batch; a request too large (413) is sent in halves.
 */
public final class BulkSender implements BatchingWriter.Sender {

    private static final Logger LOG = LoggerFactory.getLogger(BulkSender.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Counts for the task's log line and tests. */
    public static final class Stats {
        public final AtomicLong requests = new AtomicLong();
        public final AtomicLong indexed = new AtomicLong();
        public final AtomicLong retriedItems = new AtomicLong();
        public final AtomicLong retriedRequests = new AtomicLong();
        public final AtomicLong malformed = new AtomicLong();
        public final AtomicLong splitRequests = new AtomicLong();
    }

    private final BulkTransport transport;
    private final Backoff backoff;
    private final long retryMaxMs;
    private final Choices.OnMalformed onMalformed;
    private final ErrantRecordReporter reporter;
    private final RetryBudget.Sleeper sleeper;
    private final Stats stats;
    private final IndexTemplate template;
    private volatile boolean stopping;

    /** @param template installed before the first request, or null */
    public BulkSender(final BulkTransport transport, final IndexTemplate template, final Backoff backoff,
            final long retryMaxMs,
            final Choices.OnMalformed onMalformed, final ErrantRecordReporter reporter,
            final RetryBudget.Sleeper sleeper,
            final Stats stats) {
        this.transport = transport;
        this.template = template;
        this.backoff = backoff;
        this.retryMaxMs = retryMaxMs;
        this.onMalformed = onMalformed;
        this.reporter = reporter;
        this.sleeper = sleeper;
        this.stats = stats;
    }

    /** Makes a send in progress give up before its next attempt; its records are read again after a restart. */
    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void send(final List<Entry> batch, final Consumer<Entry> settled) throws InterruptedException {
        final RetryBudget budget = new RetryBudget(backoff, retryMaxMs, "retry.max.duration.ms", sleeper,
                () -> stopping);
        budget.beforeAttempt(() -> "");
        deliver(batch, budget, settled, 0);
    }

    /**
     * Sends the items until each one is settled. Once an item must be retried, the items after it for the same
     * document are held back with it (even those that succeeded: they are applied again after it), and each
     * request then carries one item per document, so per-document order holds. Later batches of the partition
     * wait anyway: the writer has one call per partition in flight, and this returns only when all are settled.
     */
    private void deliver(final List<Entry> items, final RetryBudget budget, final Consumer<Entry> settled,
            final int depth) throws InterruptedException {
        final List<Entry> pending = new ArrayList<>(items);
        final DocumentOrder order = new DocumentOrder();
        boolean oneItemPerDocument = false;
        String lastProblem = null;
        while (!pending.isEmpty()) {
            if (lastProblem != null) {
                final String problem = lastProblem;
                budget.beforeRetry(() -> "Elasticsearch did not take " + pending.size() + " document(s) (first "
                        + pending.get(0) + "), last problem: " + problem + ",");
            } else {
                budget.throwIfStopping();
            }
            lastProblem = null;
            final List<Entry> request = oneItemPerDocument ? order.firstPerDocument(pending) : List.copyOf(pending);
            final BulkTransport.Response response;
            try {
                if (template != null) {
                    template.ensure();
                }
                stats.requests.incrementAndGet();
                response = transport.bulk(body(request));
            } catch (IOException e) {
                stats.retriedRequests.incrementAndGet();
                lastProblem = "no answer (" + e + ")";
                continue;
            }
            final int status = response.status();
            if (status == 413) {
                tooLarge(request, budget, settled, depth);
                removeAll(pending, request);
                continue;
            }
            if (status == 429 || status >= 500) {
                stats.retriedRequests.incrementAndGet();
                lastProblem = "HTTP " + status;
                continue;
            }
            if (status == 401 || status == 403) {
                throw refusedCredentials(status);
            }
            if (status != 200) {
                throw new ConnectException("Elasticsearch answered HTTP " + status + " to a _bulk request: "
                        + excerpt(response.body()));
            }
            final List<Entry> again = settle(request, response.body(), settled, order);
            if (again.isEmpty() && request.size() == pending.size()) {
                pending.clear(); // the common case: all of it went through
            } else {
                final List<Entry> done = new ArrayList<>(request);
                removeAll(done, again);
                removeAll(pending, done);
            }
            if (!again.isEmpty()) {
                oneItemPerDocument = true;
                stats.retriedItems.addAndGet(again.size());
                lastProblem = again.size() + " item(s) rejected for now (429/5xx) or held back behind them";
            }
        }
    }

    /**
     * A request over the cluster's http.max_content_length (HTTP 413): its halves are sent one after the other,
     * so per-document order holds, down to single documents, which are malformed: no request could carry them.
     */
    private void tooLarge(final List<Entry> request, final RetryBudget budget, final Consumer<Entry> settled,
            final int depth) throws InterruptedException {
        if (request.size() == 1) {
            final Entry e = request.get(0);
            malformed(e, "HTTP 413: the document alone (" + e.data().length + " bytes with its action line) is "
                    + "larger than Elasticsearch takes in one request; raise http.max_content_length on the "
                    + "cluster to index it");
            settled.accept(e);
            return;
        }
        stats.splitRequests.incrementAndGet();
        if (depth == 0) {
            LOG.warn("Elasticsearch refused a _bulk request of {} documents ({} bytes) as too large (HTTP 413); "
                    + "sending it in halves. Set batch.max.bytes below the cluster's http.max_content_length to "
                    + "avoid this.", request.size(), bytes(request));
        }
        final int half = request.size() / 2;
        deliver(request.subList(0, half), budget, settled, depth + 1);
        deliver(request.subList(half, request.size()), budget, settled, depth + 1);
    }

    /** Removes the given entries (by identity: two entries may be equal records) from a list, keeping order. */
    private static void removeAll(final List<Entry> from, final List<Entry> gone) {
        if (gone.isEmpty()) {
            return;
        }
        final Set<Entry> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(gone);
        from.removeIf(set::contains);
    }

    /**
     * Settles what the answer allows and returns the items to send again: those rejected for now (429/5xx) and,
     * behind each, the later items of the request for the same document, whatever their own status.
     */
    private List<Entry> settle(final List<Entry> sent, final byte[] body, final Consumer<Entry> settled,
            final DocumentOrder order) throws InterruptedException {
        final JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ConnectException("unreadable _bulk answer: " + excerpt(body), e);
        }
        final JsonNode items = root.path("items");
        if (!items.isArray() || items.size() != sent.size()) {
            throw new ConnectException("_bulk answered " + items.size() + " items for " + sent.size() + " sent");
        }
        boolean anyRetriable = false;
        for (int i = 0; i < sent.size() && !anyRetriable; i++) {
            anyRetriable = retriable(status(items.get(i)));
        }
        final Set<String> heldBack = new HashSet<>();
        final List<Entry> retry = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            final Entry e = sent.get(i);
            // keys are only looked at when something is retried: the common answer costs no parsing
            final String key = anyRetriable ? order.key(e) : null;
            if (key != null && heldBack.contains(key)) {
                retry.add(e); // an earlier item for its document is retried: this one goes again after it
                continue;
            }
            final JsonNode item = items.get(i);
            final String op = item.fieldNames().next();
            final JsonNode result = item.get(op);
            final int s = result.path("status").asInt();
            if ((s >= 200 && s < 300) || (s == 409 && op.equals("create")) || (s == 404 && op.equals("delete"))) {
                // 409 on create: the document is already there (a replay into a data stream)
                stats.indexed.incrementAndGet();
                settled.accept(e);
            } else if (retriable(s)) {
                retry.add(e);
                if (key != null) {
                    heldBack.add(key);
                }
            } else {
                final JsonNode err = result.path("error");
                malformed(e, s + " " + err.path("type").asText() + ": " + err.path("reason").asText());
                settled.accept(e);
            }
        }
        return retry;
    }

    private static int status(final JsonNode item) {
        return item.elements().next().path("status").asInt();
    }

    private static boolean retriable(final int status) {
        return status == 429 || status >= 500;
    }

    /** Authentication or authorization refused: permanent, and the fix is in the credential settings. */
    static ConnectException refusedCredentials(final int status) {
        return new ConnectException("Elasticsearch refused the credentials (HTTP " + status + "): check "
                + "connection.username/connection.password or connection.api.key (with auth.type=aws-sigv4: the "
                + "aws.* credentials, aws.region and aws.service), and that they may write the index");
    }

    /**
     * The server's reason without the document's content: Elasticsearch and OpenSearch end a mapping refusal with
     * "Preview of field's value: '...'", which quotes the record. Only the dead-letter copy, which holds the record
     * anyway, gets the reason whole.
     */
    static String withoutContent(final String reason) {
        final int preview = reason.indexOf(VALUE_PREVIEW);
        return preview < 0 ? reason : reason.substring(0, preview) + VALUE_PREVIEW + " (not shown)";
    }

    private static final String VALUE_PREVIEW = "Preview of field's value";

    /** A document Elasticsearch will never take, by the behavior.on.malformed.documents policy. */
    private void malformed(final Entry e, final String fullReason) throws InterruptedException {
        stats.malformed.incrementAndGet();
        final String reason = withoutContent(fullReason);
        switch (onMalformed) {
            case FAIL :
                throw new ConnectException("Elasticsearch refused document " + e + ": " + reason + ". Set "
                        + "behavior.on.malformed.documents=report (with a dead-letter topic), warn or ignore to go on "
                        + "without it.");
            case REPORT :
                try {
                    // waited for, so the offset is committed only once the dead-letter copy is written
                    reporter.report(e.record(), new ConnectException(fullReason)).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ex) {
                    throw new ConnectException("could not report document " + e + " to the dead-letter topic", ex);
                }
                LOG.warn("Reported document {} to the dead-letter topic: {}", e, reason);
                break;
            case WARN :
                LOG.warn("Skipped document {} (behavior.on.malformed.documents=warn): {}", e, reason);
                break;
            default :
                break;
        }
    }

    private static int bytes(final List<Entry> entries) {
        int size = 0;
        for (final Entry e : entries) {
            size += e.data().length;
        }
        return size;
    }

    private static byte[] body(final List<Entry> entries) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(bytes(entries));
        for (final Entry e : entries) {
            out.write(e.data(), 0, e.data().length);
        }
        return out.toByteArray();
    }

    private static String excerpt(final byte[] body) {
        final String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
