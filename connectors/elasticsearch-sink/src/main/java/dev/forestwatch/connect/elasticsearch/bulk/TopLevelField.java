package dev.forestwatch.connect.elasticsearch.bulk;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * One top-level field of a JSON object, found with a streaming parser: the sink reads a single field of every
 * document and of every _bulk answer, and a tree of the whole would cost the task's CPU for nothing.
 */
final class TopLevelField {

    private TopLevelField() {
    }

    /**
     * Moves {@code p}, fresh on a document, to the value of its first top-level field named {@code name}.
     *
     * @return that value's token, with the parser on it; null when the document is not an object or has no such field
     */
    static JsonToken find(final JsonParser p, final String name) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            final JsonToken value = p.nextToken();
            if (field.equals(name)) {
                return value;
            }
            p.skipChildren();
        }
        return null;
    }
}
