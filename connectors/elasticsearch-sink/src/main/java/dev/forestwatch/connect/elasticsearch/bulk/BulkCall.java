package dev.forestwatch.connect.elasticsearch.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.Answer;
import dev.forestwatch.connect.common.send.BatchCall;
import dev.forestwatch.connect.common.send.SendLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * One _bulk request and how its answer reads. A _bulk answer is 200 even when items failed, so each item's status
 * decides: 2xx is taken; 429 and 5xx items are not taken for now; other 4xx items (a mapping conflict, a malformed
 * document) never will be. Request-level 429/5xx and no answer at all (Elasticsearch down) retry the request; 413
 * (over the cluster's http.max_content_length) splits it. The retries are {@link SendLoop}'s.
 */
public final class BulkCall implements BatchCall {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = new JsonFactory();
    private static final String VALUE_PREVIEW = "Preview of field's value";

    private final BulkTransport transport;
    private final IndexTemplate template;

    /** @param template installed before the first request, or null */
    public BulkCall(final BulkTransport transport, final IndexTemplate template) {
        this.transport = transport;
        this.template = template;
    }

    @Override
    public Answer call(final List<OutgoingRecord> request) {
        final BulkTransport.Response response;
        try {
            if (template != null) {
                template.ensure();
            }
            response = transport.bulk(body(request));
        } catch (IOException e) {
            return new Answer.RetryCall("no answer (" + e + ")");
        }
        final int status = response.status();
        if (status == 413) {
            return new Answer.TooLarge(request.size() == 1
                    ? "HTTP 413: the document alone (" + request.get(0).data().length + " bytes with its action "
                            + "line) is larger than Elasticsearch takes in one request; raise "
                            + "http.max_content_length on the cluster to index it"
                    : null,
                    "Set batch.max.bytes below the cluster's http.max_content_length to avoid this.");
        }
        if (status == 429 || status >= 500) {
            return new Answer.RetryCall("HTTP " + status);
        }
        if (status == 401 || status == 403) {
            throw refusedCredentials(status);
        }
        if (status != 200) {
            throw new ConnectException("Elasticsearch answered HTTP " + status + " to a _bulk request: "
                    + excerpt(response.body()));
        }
        return read(request, response.body());
    }

    /**
     * The answer per item, or all taken when the answer's top-level {@code errors} is false: that is read with a
     * streaming parser from the answer's start, so the common answer (every item created or updated) costs no tree
     * of a few thousand items on the task's CPU, which it shares with the broker and the worker.
     */
    private static Answer read(final List<OutgoingRecord> sent, final byte[] body) {
        if (!hasErrors(body)) {
            return Answer.ALL_TAKEN;
        }
        final JsonNode items;
        try {
            items = MAPPER.readTree(body).path("items");
        } catch (IOException e) {
            throw new ConnectException("unreadable _bulk answer: " + excerpt(body), e);
        }
        if (!items.isArray() || items.size() != sent.size()) {
            throw new ConnectException("_bulk answered " + items.size() + " items for " + sent.size() + " sent");
        }
        final List<Answer.Result> results = new ArrayList<>(items.size());
        for (final JsonNode item : items) {
            final String op = item.fieldNames().next();
            final JsonNode result = item.get(op);
            final int s = result.path("status").asInt();
            if ((s >= 200 && s < 300) || (s == 409 && op.equals("create")) || (s == 404 && op.equals("delete"))) {
                // 409 on create: the document is already there (a replay into a data stream)
                results.add(Answer.Result.TAKEN);
            } else if (s == 429 || s >= 500) {
                results.add(Answer.Result.retry(s + " " + result.path("error").path("type").asText()));
            } else {
                final JsonNode err = result.path("error");
                final String reason = s + " " + err.path("type").asText() + ": " + err.path("reason").asText();
                results.add(Answer.Result.refused(reason, withoutContent(reason)));
            }
        }
        return new Answer.PerEntry(results);
    }

    /** The top-level "errors" flag; true when it cannot be read, so the full parse decides. */
    private static boolean hasErrors(final byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            return TopLevelField.find(p, "errors") != JsonToken.VALUE_FALSE;
        } catch (IOException e) {
            return true;
        }
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

    private static byte[] body(final List<OutgoingRecord> entries) {
        final byte[] body = new byte[SendLoop.bytes(entries)];
        int at = 0;
        for (final OutgoingRecord e : entries) {
            System.arraycopy(e.data(), 0, body, at, e.data().length);
            at += e.data().length;
        }
        return body;
    }

    private static String excerpt(final byte[] body) {
        final String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
