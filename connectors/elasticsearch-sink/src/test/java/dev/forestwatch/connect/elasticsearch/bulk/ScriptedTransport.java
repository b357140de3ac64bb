package dev.forestwatch.connect.elasticsearch.bulk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transport answering _bulk from a script of per-item statuses; keeps the bodies it got, and the documents
 * its 2xx items left in the index, applied in item order as Elasticsearch does for one document.
 */
final class ScriptedTransport implements BulkTransport {

    private static final Pattern ID = Pattern.compile("\"_id\":\"([^\"]*)\"");

    final List<String> bodies = new ArrayList<>();
    final Deque<Object> script = new ArrayDeque<>();
    /** Document id to source, as the index holds them after the requests so far. */
    final Map<String, String> documents = new LinkedHashMap<>();
    int templatePuts;
    private int maxBodyBytes = Integer.MAX_VALUE;

    /** Answers 413 to any body over this size, as Elasticsearch does over http.max_content_length. */
    ScriptedTransport maxBodyBytes(final int max) {
        maxBodyBytes = max;
        return this;
    }

    /** Next answer: an IOException, an Integer request status, or a function from item index to item status. */
    ScriptedTransport then(final Object answer) {
        script.addLast(answer);
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Response bulk(final byte[] body) throws IOException {
        final String b = new String(body, StandardCharsets.UTF_8);
        bodies.add(b);
        if (body.length > maxBodyBytes) {
            return new Response(413, "{\"error\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));
        }
        final Object next = script.isEmpty() ? (Function<Integer, Integer>) i -> 201 : script.pollFirst();
        if (next instanceof IOException e) {
            throw e;
        }
        if (next instanceof Integer status) {
            return new Response(status, "{\"error\":\"scripted\"}".getBytes(StandardCharsets.UTF_8));
        }
        final Function<Integer, Integer> itemStatus = (Function<Integer, Integer>) next;
        final String[] lines = b.split("\n");
        final StringBuilder items = new StringBuilder();
        int item = 0;
        boolean errors = false;
        for (int i = 0; i < lines.length; i++) {
            final String op = lines[i].substring(2, lines[i].indexOf('"', 2));
            final Matcher id = ID.matcher(lines[i]);
            final String docId = id.find() ? id.group(1) : null;
            final String source = op.equals("delete") ? null : lines[++i];
            final int s = itemStatus.apply(item++);
            if (s >= 200 && s < 300) {
                if (source == null) {
                    documents.remove(docId);
                } else {
                    documents.put(docId, source);
                }
            }
            if (items.length() > 0) {
                items.append(',');
            }
            items.append("{\"").append(op).append("\":{\"status\":").append(s);
            if (s >= 300) {
                errors = true;
                items.append(",\"error\":{\"type\":\"").append(s == 400
                        ? "mapper_parsing_exception"
                        : "es_rejected_execution_exception").append("\",\"reason\":\"scripted\"}");
            }
            items.append("}}");
        }
        return new Response(200, ("{\"took\":1,\"errors\":" + errors + ",\"items\":[" + items + "]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Response put(final String path, final byte[] body) {
        templatePuts++;
        return new Response(200, "{\"acknowledged\":true}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
    }
}
