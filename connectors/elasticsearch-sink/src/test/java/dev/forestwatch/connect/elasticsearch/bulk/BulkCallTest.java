package dev.forestwatch.connect.elasticsearch.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.RefusalPolicy;
import dev.forestwatch.connect.common.send.RetryBudget;
import dev.forestwatch.connect.common.send.RetrySettings;
import dev.forestwatch.connect.common.send.SendLoop;
import dev.forestwatch.connect.common.send.SendStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BulkCallTest {

    private final DocumentBuilder docs = new DocumentBuilder(
            new DocumentBuilder.Settings("anomalydata", Rotation.NONE, false, "recordId", "", false));
    private final List<Long> sleeps = new ArrayList<>();
    private final SendStats stats = new SendStats();

    private List<OutgoingRecord> entries(final int n) {
        return IntStream.range(0, n).mapToObj(i -> {
            final SinkRecord r = new SinkRecord("scored", 0, null, null, null,
                    ("{\"recordId\":\"id-" + i + "\",\"iotValue\":" + i + "}").getBytes(StandardCharsets.UTF_8), i);
            return OutgoingRecord.of(r, docs.indexItem(r), 0L);
        }).toList();
    }

    /** Index (value given) or delete (null value) of the document whose id is the record key. */
    private OutgoingRecord keyed(final String id, final String value, final long offset) {
        final DocumentBuilder byKey = new DocumentBuilder(
                new DocumentBuilder.Settings("anomalydata", Rotation.NONE, false, "", "", true));
        final SinkRecord r = new SinkRecord("scored", 0, null, id, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), offset);
        return OutgoingRecord.of(r, value == null ? byKey.deleteItem(r) : byKey.indexItem(r), 0L);
    }

    private SendLoop sender(final ScriptedTransport t, final OnRefusal onMalformed, final long retryMs) {
        return sender(t, new IndexTemplate(t, new IndexTemplate.Settings("anomalydata", 0, "", false, false)), 10, 100,
                retryMs, onMalformed, null, sleeps::add);
    }

    private SendLoop sender(final ScriptedTransport t, final IndexTemplate template, final long backoffMs,
            final long backoffMaxMs, final long retryMs, final OnRefusal onMalformed,
            final ErrantRecordReporter reporter, final RetryBudget.Sleeper sleeper) {
        return new SendLoop("Elasticsearch", new BulkCall(t, template),
                new RetrySettings(backoffMs, backoffMaxMs, retryMs, "retry.max.duration.ms"),
                new RefusalPolicy("Elasticsearch", onMalformed, "behavior.on.malformed.documents",
                        onMalformed.name().toLowerCase(java.util.Locale.ROOT), List.of("warn", "ignore"), reporter),
                DocumentOrder::key, sleeper, stats);
    }

    @Test
    void itemsRejectedFor429And5xxAreSentAgainAloneAndOnlyThem() throws Exception {
        final ScriptedTransport t = new ScriptedTransport()
                .then((Function<Integer, Integer>) i -> i == 1 ? 429 : i == 3 ? 503 : 201);
        final List<Long> settled = new ArrayList<>();
        sender(t, OnRefusal.FAIL, 60_000).send(entries(5), e -> settled.add(e.offset()));
        assertThat(t.bodies).hasSize(2);
        assertThat(t.bodies.get(1)).contains("\"_id\":\"id-1\"").contains("\"_id\":\"id-3\"")
                .doesNotContain("id-0").doesNotContain("id-2").doesNotContain("id-4");
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
        assertThat(stats.retriedEntries.get()).isEqualTo(2);
        assertThat(t.templatePuts).isEqualTo(1);
    }

    @Test
    void elasticsearchDownOrOverloadedIsRetriedWithBackoffUntilItAnswers() throws Exception {
        final ScriptedTransport t = new ScriptedTransport().then(new IOException("Connection refused"))
                .then(new IOException("Connection refused")).then(503).then(429);
        sender(t, OnRefusal.FAIL, 60_000).send(entries(3), e -> {
        });
        assertThat(sleeps).hasSize(4);
        assertThat(stats.retriedCalls.get()).isEqualTo(4);
        assertThat(stats.delivered.get()).isEqualTo(3);
    }

    @Test
    void givesUpAfterTheRetryDurationNamingTheSetting() {
        final ScriptedTransport t = new ScriptedTransport();
        for (int i = 0; i < 100; i++) {
            t.then(503);
        }
        final Throwable thrown = catchThrowable(() -> sender(t, null, 10, 20, 100, OnRefusal.FAIL, null,
                Thread::sleep).send(entries(1), e -> {
                }));
        assertThat(thrown).isInstanceOf(ConnectException.class).hasMessageContaining("retry.max.duration.ms=100");
    }

    @Test
    void aRefusedDocumentFollowsTheMalformedPolicy() throws Exception {
        final Function<Integer, Integer> secondRefused = i -> i == 1 ? 400 : 201;
        final List<Long> settled = new ArrayList<>();
        sender(new ScriptedTransport().then(secondRefused), OnRefusal.WARN, 60_000)
                .send(entries(3), e -> settled.add(e.offset()));
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(stats.refused.get()).isEqualTo(1);

        final Throwable thrown = catchThrowable(() -> sender(new ScriptedTransport().then(secondRefused),
                OnRefusal.FAIL, 60_000).send(entries(3), e -> {
                }));
        assertThat(thrown).hasMessageContaining("mapper_parsing_exception")
                .hasMessageContaining("behavior.on.malformed.documents");
    }

    @Test
    void aStoppedSenderGivesUpBeforeItsNextAttempt() {
        final ScriptedTransport t = new ScriptedTransport();
        for (int i = 0; i < 100; i++) {
            t.then(503);
        }
        final SendLoop[] sender = new SendLoop[1];
        // the stop arrives during the backoff, without an interrupt (one swallowed by a client, say)
        sender[0] = sender(t, null, 10, 100, 3_600_000, OnRefusal.FAIL, null, ms -> sender[0].stop());
        final Throwable thrown = catchThrowable(() -> sender[0].send(entries(2), e -> {
        }));
        assertThat(thrown).isInstanceOf(InterruptedException.class);
        assertThat(t.bodies).hasSize(1);
    }

    @Test
    void aRequestTooLargeIsSentInHalvesUntilEachPartIsTaken() throws Exception {
        final List<OutgoingRecord> batch = entries(8);
        final int oneItem = batch.get(0).data().length;
        final ScriptedTransport t = new ScriptedTransport().maxBodyBytes(3 * oneItem);
        final List<Long> settled = new ArrayList<>();
        sender(t, OnRefusal.FAIL, 60_000).send(batch, e -> settled.add(e.offset()));
        assertThat(settled).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(t.documents).hasSize(8);
        assertThat(stats.refused.get()).isZero();
        assertThat(sleeps).as("a split is no overload: no backoff").isEmpty();
        // 8 -> 4 + 4 -> 2 + 2 + 2 + 2: three levels
        assertThat(t.bodies).hasSize(1 + 2 + 4);
    }

    @Test
    void aDocumentTooLargeByItselfFollowsTheMalformedPolicyNamingTheSetting() throws Exception {
        final List<OutgoingRecord> batch = entries(3);
        final ScriptedTransport warn = new ScriptedTransport().maxBodyBytes(batch.get(0).data().length - 1);
        final List<Long> settled = new ArrayList<>();
        sender(warn, OnRefusal.WARN, 60_000).send(batch, e -> settled.add(e.offset()));
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(stats.refused.get()).isEqualTo(3);

        final List<String> reported = new ArrayList<>();
        final ErrantRecordReporter dlq = (r, error) -> {
            reported.add(r.kafkaOffset() + ": " + error.getMessage());
            return CompletableFuture.completedFuture(null);
        };
        sender(new ScriptedTransport().maxBodyBytes(1), null, 10, 100, 60_000, OnRefusal.REPORT, dlq, sleeps::add)
                .send(entries(1), e -> {
                });
        assertThat(reported).singleElement().asString().contains("413").contains("http.max_content_length")
                .doesNotContain("iotValue");

        final Throwable thrown = catchThrowable(() -> sender(new ScriptedTransport().maxBodyBytes(1),
                OnRefusal.FAIL, 60_000).send(entries(1), e -> {
                }));
        assertThat(thrown).isInstanceOf(ConnectException.class).hasMessageContaining("http.max_content_length")
                .hasMessageContaining("behavior.on.malformed.documents").hasMessageNotContaining("iotValue");
    }

    @Test
    void aRetriedVersionOfADocumentNeverLandsAfterALaterVersionOfIt() throws Exception {
        final ScriptedTransport t = new ScriptedTransport().then((Function<Integer, Integer>) i -> i == 0 ? 429 : 201);
        final List<Long> settled = new ArrayList<>();
        sender(t, OnRefusal.FAIL, 60_000).send(List.of(keyed("A", "{\"v\":1}", 0),
                keyed("A", "{\"v\":2}", 1), keyed("B", "{\"v\":1}", 2)), e -> settled.add(e.offset()));
        assertThat(t.documents).containsEntry("A", "{\"v\":2}").containsEntry("B", "{\"v\":1}");
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L);
    }

    @Test
    void aDeleteAfterARetriedIndexOfTheSameDocumentStaysDeleted() throws Exception {
        final ScriptedTransport t = new ScriptedTransport().then((Function<Integer, Integer>) i -> i == 0 ? 503 : 200);
        sender(t, OnRefusal.FAIL, 60_000).send(List.of(keyed("A", "{\"v\":1}", 0), keyed("A", null, 1)),
                e -> {
                });
        assertThat(t.documents).doesNotContainKey("A");
        // the held-back delete went in a request of its own, after the index it must follow
        assertThat(t.bodies.get(t.bodies.size() - 1)).startsWith("{\"delete\"");
    }

    @Test
    void badCredentialsFailAtOnceWithAHint() {
        final Throwable thrown = catchThrowable(() -> sender(new ScriptedTransport().then(401),
                OnRefusal.FAIL, 60_000).send(entries(1), e -> {
                }));
        assertThat(thrown).hasMessageContaining("connection.api.key");
        assertThat(sleeps).isEmpty();
    }
}
