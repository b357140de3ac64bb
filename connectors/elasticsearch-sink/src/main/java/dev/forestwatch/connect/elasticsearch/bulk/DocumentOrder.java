package dev.forestwatch.connect.elasticsearch.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connect.common.batch.OutgoingRecord;
import java.io.IOException;

/**
 * Which _bulk items are for the same document: the send loop's order key, so that retrying one never lets a later
 * item for that document land first. Only asked once some item must be retried: a batch that goes through at the
 * first attempt is sent as it came, and its action lines are never parsed.
 */
public final class DocumentOrder {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DocumentOrder() {
    }

    /** The item's index and id from its action line, or null if it names no id (nothing to keep in order). */
    public static String key(final OutgoingRecord e) {
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
