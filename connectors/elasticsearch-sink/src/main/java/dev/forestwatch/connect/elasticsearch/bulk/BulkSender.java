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
import java.util.List;
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
 * each item's status decides: 2xx is done; 429 and 5xx items are sent again alone, with backoff; other 4xx items
 * (a mapping conflict, a malformed document) will never succeed and follow behavior.on.malformed.documents.
 * Request-level 429/5xx and no answer at all (Elasticsearch down) retry the whole rest of the batch.
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
            final Choices.OnMalformed onMalformed, final ErrantRecordReporter reporter, final RetryBudget.Sleeper sleeper,
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
        List<Entry> pending = batch;
        String lastProblem = null;
        while (!pending.isEmpty()) {
            final List<Entry> left = pending;
            final String problem = lastProblem;
            budget.beforeAttempt(() -> "Elasticsearch did not take " + left.size() + " document(s) (first "
                    + left.get(0) + "), last problem: " + problem + ",");
            final BulkTransport.Response response;
            try {
                if (template != null) {
                    template.ensure();
                }
                stats.requests.incrementAndGet();
                response = transport.bulk(body(pending));
            } catch (IOException e) {
                stats.retriedRequests.incrementAndGet();
                lastProblem = "no answer (" + e + ")";
                continue;
            }
            final int status = response.status();
            if (status == 429 || status >= 500) {
                stats.retriedRequests.incrementAndGet();
                lastProblem = "HTTP " + status;
                continue;
            }
            if (status == 401 || status == 403) {
                throw new ConnectException("Elasticsearch refused the credentials (HTTP " + status + "): check "
                        + "connection.username/connection.password or connection.api.key, and that they may write "
                        + "the index");
            }
            if (status != 200) {
                throw new ConnectException("Elasticsearch answered HTTP " + status + " to a _bulk request: "
                        + excerpt(response.body()));
            }
            pending = settle(pending, response.body(), settled);
            if (!pending.isEmpty()) {
                stats.retriedItems.addAndGet(pending.size());
                lastProblem = pending.size() + " item(s) rejected for now (429/5xx)";
            }
        }
    }

    private List<Entry> settle(final List<Entry> sent, final byte[] body, final Consumer<Entry> settled)
            throws InterruptedException {
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
        final List<Entry> retry = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            final Entry e = sent.get(i);
            final JsonNode item = items.get(i);
            final String op = item.fieldNames().next();
            final JsonNode result = item.get(op);
            final int s = result.path("status").asInt();
            if ((s >= 200 && s < 300) || (s == 409 && op.equals("create")) || (s == 404 && op.equals("delete"))) {
                // 409 on create: the document is already there (a replay into a data stream)
                stats.indexed.incrementAndGet();
                settled.accept(e);
            } else if (s == 429 || s >= 500) {
                retry.add(e);
            } else {
                final JsonNode err = result.path("error");
                malformed(e, s + " " + err.path("type").asText() + ": " + err.path("reason").asText());
                settled.accept(e);
            }
        }
        return retry;
    }

    /** A document Elasticsearch will never take, by the behavior.on.malformed.documents policy. */
    private void malformed(final Entry e, final String reason) throws InterruptedException {
        stats.malformed.incrementAndGet();
        switch (onMalformed) {
            case FAIL:
                throw new ConnectException("Elasticsearch refused document " + e + ": " + reason + ". Set "
                        + "behavior.on.malformed.documents=report (with a dead-letter topic), warn or ignore to go on "
                        + "without it.");
            case REPORT:
                try {
                    // waited for, so the offset is committed only once the dead-letter copy is written
                    reporter.report(e.record(), new ConnectException(reason)).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ex) {
                    throw new ConnectException("could not report document " + e + " to the dead-letter topic", ex);
                }
                LOG.warn("Reported document {} to the dead-letter topic: {}", e, reason);
                break;
            case WARN:
                LOG.warn("Skipped document {} (behavior.on.malformed.documents=warn): {}", e, reason);
                break;
            default:
                break;
        }
    }

    private static byte[] body(final List<Entry> entries) {
        int size = 0;
        for (final Entry e : entries) {
            size += e.data().length;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(size);
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
