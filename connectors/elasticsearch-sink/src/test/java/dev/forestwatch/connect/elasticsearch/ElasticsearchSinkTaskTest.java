package dev.forestwatch.connect.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.common.testing.LogCapture;
import dev.forestwatch.connect.elasticsearch.bulk.BulkTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The task with a fake transport: behavior.on.null.values, and what it logs about documents it cannot index. */
class ElasticsearchSinkTaskTest {

    private static final TopicPartition TP = new TopicPartition("scored", 0);
    /** Stands for sensitive content: it must reach Elasticsearch, and never a log line. */
    private static final String SECRET = "SECRET-PAYLOAD-7f3a";

    /** Answers each _bulk item with the status the test chooses; keeps the bodies. */
    private static final class FakeTransport implements BulkTransport {
        final List<String> bodies = new ArrayList<>();
        /** From an item's action line to its answer. */
        Function<String, String> item = action -> "{\"index\":{\"status\":201}}";

        @Override
        public synchronized Response bulk(final byte[] body) {
            final String b = new String(body, StandardCharsets.UTF_8);
            bodies.add(b);
            final StringBuilder items = new StringBuilder();
            final String[] lines = b.split("\n");
            int n = 0;
            for (int i = 0; i < lines.length; i++) {
                final boolean delete = lines[i].startsWith("{\"delete\"");
                items.append(n == 0 ? "" : ",").append(delete ? "{\"delete\":{\"status\":200}}" : item.apply(lines[i]));
                n++;
                if (!delete) {
                    i++;
                }
            }
            // as Elasticsearch does: errors is true when any item carries an error
            final boolean errors = items.indexOf("\"error\"") >= 0;
            return new Response(200, ("{\"errors\":" + errors + ",\"items\":[" + items + "]}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Response put(final String path, final byte[] body) {
            return new Response(200, "{}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }
    }

    private final FakeTransport transport = new FakeTransport();
    @RegisterExtension
    final LogCapture logs = LogCapture.perTest();
    private ElasticsearchSinkTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private void start(final String onNull, final String onMalformed) {
        final Map<String, String> props = new HashMap<>();
        props.put(ElasticsearchSinkConfig.URLS_CONFIG, "http://127.0.0.1:9");
        props.put(ElasticsearchSinkConfig.TEMPLATE_CONFIG, "false");
        props.put(SendConfig.LINGER_MS_CONFIG, "0");
        props.put(ElasticsearchSinkConfig.ON_NULL_CONFIG, onNull);
        props.put(ElasticsearchSinkConfig.ON_MALFORMED_CONFIG, onMalformed);
        task = new ElasticsearchSinkTask();
        task.start(new ElasticsearchSinkConfig(props), transport);
    }

    private static SinkRecord record(final long offset, final String value) {
        return new SinkRecord(TP.topic(), TP.partition(), null, "sensor-" + offset, null, value, offset);
    }

    private static String doc(final long offset) {
        return "{\"iotName\":\"s\",\"iotValue\":1,\"note\":\"" + SECRET + "\",\"recordId\":\"r-" + offset + "\"}";
    }

    private Map<TopicPartition, OffsetAndMetadata> commit() {
        return task.preCommit(Map.of(TP, new OffsetAndMetadata(1_000)));
    }

    /** Sending is asynchronous: waits until the task may commit up to the offset. */
    private void awaitCommittable(final long offset) {
        await().atMost(Duration.ofSeconds(10)).until(() -> commit().get(TP),
                c -> c != null && c.offset() == offset);
    }

    @Test
    void ignoreSendsNothingForANullValueAndCommitsPastIt() {
        start("ignore", "fail");
        task.put(List.of(record(0, doc(0)), record(1, null), record(2, doc(2))));
        awaitCommittable(3);
        assertThat(String.join("", transport.bodies)).contains("\"_id\":\"r-0\"", "\"_id\":\"r-2\"")
                .doesNotContain("delete");
        assertThat(transport.bodies.stream().mapToLong(b -> b.lines().count()).sum()).isEqualTo(4);
        assertThat(commit()).containsEntry(TP, new OffsetAndMetadata(3));
    }

    @Test
    void deleteRemovesTheDocumentOfTheRecordsId() {
        start("delete", "fail");
        // with no value there is no recordId field: the id falls back to the record's coordinates
        task.put(List.of(record(0, doc(0)), record(1, null)));
        awaitCommittable(2);
        final String all = String.join("", transport.bodies);
        assertThat(all).contains("{\"delete\":{\"_index\":\"anomalydata\",\"_id\":\"scored+0+1\"}}");
        assertThat(commit()).containsEntry(TP, new OffsetAndMetadata(2));
    }

    @Test
    void failStopsTheTaskNamingTheSettingAndCommitsNothingPastTheRecord() {
        start("fail", "fail");
        task.put(List.of(record(0, doc(0))));
        assertThatThrownBy(() -> task.put(List.of(record(1, null))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("scored-0@1")
                .hasMessageContaining("behavior.on.null.values");
        awaitCommittable(1);
    }

    /** Elasticsearch's reason for a mapping refusal quotes the value ("Preview of field's value"). */
    private void refuseTheSecondItemQuotingIt() {
        transport.item = action -> !action.contains("\"_id\":\"r-1\"")
                ? "{\"index\":{\"status\":201}}"
                : "{\"index\":{\"status\":400,\"error\":{\"type\":\"document_parsing_exception\",\"reason\":"
                        + "\"[1:42] failed to parse field [note] of type [long] in document with id 'r-1'. "
                        + "Preview of field's value: '" + SECRET + "'\"}}}";
    }

    @Test
    void aRefusedDocumentIsLoggedWithWhereAndWhyButNotItsContent() {
        start("ignore", "warn");
        refuseTheSecondItemQuotingIt();
        task.put(List.of(record(0, doc(0)), record(1, doc(1)), record(2, doc(2))));
        awaitCommittable(3);
        assertThat(String.join("", transport.bodies)).contains(SECRET);
        final List<String> lines = logs.lines();
        assertThat(lines).anyMatch(l -> l.contains("scored-0@1") && l.contains("document_parsing_exception")
                && l.contains("failed to parse field [note]"));
        assertThat(lines).noneMatch(l -> l.contains(SECRET));
    }

    @Test
    void aRefusedDocumentFailsTheTaskWithoutItsContentInTheMessage() {
        start("ignore", "fail");
        refuseTheSecondItemQuotingIt();
        task.put(List.of(record(0, doc(0)), record(1, doc(1))));
        final List<String> errors = new ArrayList<>();
        // the sending thread's failure reaches the task on its next call
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                task.put(List.of());
                return false;
            } catch (ConnectException e) {
                errors.add(ThrowableProxyUtil.asString(new ch.qos.logback.classic.spi.ThrowableProxy(e)));
                return true;
            }
        });
        assertThat(errors).singleElement().asString().contains("scored-0@1", "behavior.on.malformed.documents")
                .doesNotContain(SECRET);
        assertThat(logs.lines()).noneMatch(l -> l.contains(SECRET));
    }
}
