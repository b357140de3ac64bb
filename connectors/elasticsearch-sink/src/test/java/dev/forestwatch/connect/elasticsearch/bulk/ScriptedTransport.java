package dev.forestwatch.connect.elasticsearch.bulk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/** A transport answering _bulk from a script of per-item statuses; keeps the bodies it got. */
final class ScriptedTransport implements BulkTransport {

    final List<String> bodies = new ArrayList<>();
    final Deque<Object> script = new ArrayDeque<>();
    int templatePuts;

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
        for (int i = 0; i < lines.length; i++) {
            final String op = lines[i].substring(2, lines[i].indexOf('"', 2));
            if (!op.equals("delete")) {
                i++;
            }
            final int s = itemStatus.apply(item++);
            if (items.length() > 0) {
                items.append(',');
            }
            items.append("{\"").append(op).append("\":{\"status\":").append(s);
            if (s >= 300) {
                items.append(",\"error\":{\"type\":\"").append(s == 400 ? "mapper_parsing_exception"
                        : "es_rejected_execution_exception").append("\",\"reason\":\"scripted\"}");
            }
            items.append("}}");
        }
        return new Response(200, ("{\"took\":1,\"errors\":true,\"items\":[" + items + "]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Response put(final String path, final byte[] body) {
        templatePuts++;
        return new Response(200, "{\"acknowledged\":true}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {}
}
