package dev.forestwatch.connect.elasticsearch.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connect.common.batch.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which _bulk items are for the same document, so that retrying one never lets a later item for that document
 * land first. Only used once some item must be retried: a batch that goes through at the first attempt is sent as
 * it came, and its action lines are never parsed.
 */
final class DocumentOrder {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<Entry, String> keys = new IdentityHashMap<>();

    /** The item's index and id from its action line, or null if it names no id (nothing to keep in order). */
    String key(final Entry e) {
        return keys.computeIfAbsent(e, DocumentOrder::parse);
    }

    /**
     * The next request: the first pending item of each document, in their order. A document's later items wait
     * for a later request, so each one is applied only after the items before it were (Elasticsearch applies the
     * items of one request in order too, but a retried item could fail again while the ones after it succeed).
     */
    List<Entry> firstPerDocument(final List<Entry> pending) {
        final Set<String> seen = new HashSet<>();
        final List<Entry> request = new ArrayList<>(pending.size());
        for (final Entry e : pending) {
            final String k = key(e);
            if (k == null || seen.add(k)) {
                request.add(e);
            }
        }
        return request;
    }

    private static String parse(final Entry e) {
        final byte[] data = e.data();
        int end = 0;
        while (end < data.length && data[end] != '\n') {
            end++;
        }
        try {
            final JsonNode action = MAPPER.readTree(data, 0, end);
            final JsonNode op = action == null || action.size() != 1 ? null : action.elements().next();
            if (op == null || !op.hasNonNull("_id")) {
                return null;
            }
            return op.path("_index").asText() + '/' + op.get("_id").asText();
        } catch (IOException ex) {
            return null; // not ours to judge: Elasticsearch refuses it and the malformed policy decides
        }
    }
}
