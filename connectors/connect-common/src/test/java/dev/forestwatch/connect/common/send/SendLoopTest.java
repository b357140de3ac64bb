package dev.forestwatch.connect.common.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The send loop both sinks share, against a scripted call: retries, their bound, the policies, the order. */
class SendLoopTest {

    private static final String SECRET = "SECRET-PAYLOAD-90ab";

    private final List<Long> sleeps = new ArrayList<>();
    private final SendStats stats = new SendStats();
    @RegisterExtension
    final LogCapture logs = LogCapture.perTest();

    /** A call answering from a script, one answer per call, and keeping what each request carried. */
    private static final class ScriptedCall implements BatchCall {
        final Deque<Function<List<OutgoingRecord>, Answer>> script = new ArrayDeque<>();
        final List<List<String>> requests = new ArrayList<>();

        ScriptedCall then(final Function<List<OutgoingRecord>, Answer> answer) {
            script.add(answer);
            return this;
        }

        @Override
        public Answer call(final List<OutgoingRecord> request) {
            requests.add(request.stream().map(SendLoopTest::text).toList());
            return script.isEmpty() ? Answer.ALL_TAKEN : script.pollFirst().apply(request);
        }
    }

    /** Entries "key:n" carrying a secret each; the key is the order key. */
    private static List<OutgoingRecord> entries(final String... keys) {
        return IntStream.range(0, keys.length).mapToObj(i -> {
            final String data = keys[i] + ":" + i + ":" + SECRET;
            return OutgoingRecord.of(new SinkRecord("t", 0, null, null, null, data, i),
                    data.getBytes(StandardCharsets.UTF_8),
                    0L);
        }).toList();
    }

    private static String text(final OutgoingRecord e) {
        final String s = new String(e.data(), StandardCharsets.UTF_8);
        return s.substring(0, s.lastIndexOf(':'));
    }

    private static String key(final OutgoingRecord e) {
        return text(e).split(":")[0];
    }

    private SendLoop loop(final BatchCall call, final long retryMs, final OnRefusal policy,
            final ErrantRecordReporter reporter, final boolean ordered, final RetryBudget.Sleeper sleeper) {
        return new SendLoop("Dest", call, new RetrySettings(10, 40, retryMs, "retry.max.duration.ms"),
                new RefusalPolicy("Dest", policy, "behavior.on.error", policy.name().toLowerCase(Locale.ROOT),
                        List.of("warn", "ignore"), reporter),
                ordered ? SendLoopTest::key : null, sleeper, stats);
    }

    private SendLoop loop(final BatchCall call, final OnRefusal policy) {
        return loop(call, 60_000, policy, null, false, sleeps::add);
    }

    /** Per entry: "r" retried, "x" refused, anything else taken. */
    private static Function<List<OutgoingRecord>, Answer> perEntry(final String... results) {
        return request -> new Answer.PerEntry(IntStream.range(0, request.size()).mapToObj(i -> switch (results[i]) {
            case "r" -> Answer.Result.retry("Busy");
            case "x" -> Answer.Result.refused("Bad " + text(request.get(i)) + " " + SECRET, "Bad");
            default -> Answer.Result.TAKEN;
        }).toList());
    }

    private List<String> warnings() {
        return logs.warnings();
    }

    @Test
    void retriesAreBoundedByTheDurationWithGrowingCappedBackoffAndTheGiveUpNamesTheSetting() {
        final ScriptedCall call = new ScriptedCall();
        for (int i = 0; i < 1000; i++) {
            call.then(r -> new Answer.RetryCall("HTTP 503"));
        }
        final long start = System.nanoTime();
        final Throwable thrown = catchThrowable(() -> loop(call, 2_000, OnRefusal.FAIL, null, false, ms -> {
            sleeps.add(ms);
            Thread.sleep(ms);
        }).send(entries("a", "b"), e -> {
        }));
        assertThat(thrown).isInstanceOf(ConnectException.class).hasMessageContaining("retry.max.duration.ms=2000")
                .hasMessageContaining("HTTP 503").hasMessageNotContaining(SECRET);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000 + 5_000); // slack for a loaded machine
        assertThat(sleeps).isNotEmpty().allMatch(ms -> ms >= 5 && ms <= 40);
        assertThat(sleeps.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(2_000);
        assertThat(call.requests).hasSize(sleeps.size() + 1);
        assertThat(stats.retriedCalls.get()).isEqualTo(call.requests.size());
    }

    @Test
    void aFailedAttemptAndAGiveUpAreWarnedWithCountAndSettingButRateLimitedAndWithoutPayload() {
        final ScriptedCall call = new ScriptedCall();
        for (int i = 0; i < 50; i++) {
            call.then(r -> new Answer.RetryCall("HTTP 503"));
        }
        final SendLoop loop = loop(call, 60_000, OnRefusal.FAIL, null, false, ms -> {
        });
        // two batches in an outage, retried until they get through: one warning for both
        call.then(r -> Answer.ALL_TAKEN);
        catchThrowable(() -> loop.send(entries("a", "b", "c"), e -> {
        }));
        call.then(r -> new Answer.RetryCall("HTTP 503"));
        catchThrowable(() -> loop.send(entries("d"), e -> {
        }));
        final List<String> retryWarnings = warnings().stream().filter(w -> w.contains("retrying")).toList();
        assertThat(retryWarnings).singleElement().asString().contains("did not take 3 record(s)", "HTTP 503",
                "retry.max.duration.ms=60000");

        final SendLoop failing = loop(new ScriptedCall().then(r -> new Answer.RetryCall("HTTP 503"))
                .then(r -> new Answer.RetryCall("HTTP 503")), 0, OnRefusal.FAIL, null, false, ms -> {
                });
        assertThat(catchThrowable(() -> failing.send(entries("a"), e -> {
        }))).hasMessageContaining("retry.max.duration.ms=0");
        assertThat(warnings()).anyMatch(w -> w.contains("giving up on 1 record(s)") && w.contains("after 1 attempts")
                && w.contains("retry.max.duration.ms=0"));
        assertThat(warnings()).noneMatch(w -> w.contains(SECRET));
    }

    @Test
    void partialFailureRetriesOnlyTheEntriesNotTakenInTheirOrder() throws Exception {
        final ScriptedCall call = new ScriptedCall().then(perEntry("ok", "r", "ok", "r", "ok"));
        final List<Long> settled = new ArrayList<>();
        loop(call, OnRefusal.FAIL).send(entries("a", "b", "c", "d", "e"), e -> settled.add(e.offset()));
        assertThat(call.requests).containsExactly(List.of("a:0", "b:1", "c:2", "d:3", "e:4"), List.of("b:1", "d:3"));
        assertThat(settled).containsExactly(0L, 2L, 4L, 1L, 3L);
        assertThat(sleeps).hasSize(1);
        assertThat(stats.retriedEntries.get()).isEqualTo(2);
        assertThat(stats.delivered.get()).isEqualTo(5);
    }

    @Test
    void withAnOrderKeyALaterEntryOfARetriedKeyIsHeldBackAndSentAfterIt() throws Exception {
        // a:0 is retried; a:2 (taken at once) must be applied again after it, b:1 is done
        final ScriptedCall call = new ScriptedCall().then(perEntry("r", "ok", "ok")).then(perEntry("ok"))
                .then(perEntry("ok"));
        loop(call, 60_000, OnRefusal.FAIL, null, true, sleeps::add).send(entries("a", "b", "a"), e -> {
        });
        assertThat(call.requests).containsExactly(List.of("a:0", "b:1", "a:2"), List.of("a:0"), List.of("a:2"));
    }

    @Test
    void failStopsAtTheRefusedEntryNamingItAndTheSettingWithoutItsContent() {
        final Throwable thrown = catchThrowable(() -> loop(new ScriptedCall().then(perEntry("ok", "x")),
                OnRefusal.FAIL).send(entries("a", "b"), e -> {
                }));
        assertThat(thrown).isInstanceOf(ConnectException.class).hasMessageContaining("t-0@1")
                .hasMessageContaining("behavior.on.error=report").hasMessageContaining("warn or ignore")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void reportWritesTheRefusedEntryToTheDeadLetterTopicWithTheWholeReasonAndSettlesIt() throws Exception {
        final List<String> reported = new ArrayList<>();
        final ErrantRecordReporter dlq = (r, error) -> {
            reported.add(r.kafkaOffset() + ": " + error.getMessage());
            return CompletableFuture.completedFuture(null);
        };
        final List<Long> settled = new ArrayList<>();
        loop(new ScriptedCall().then(perEntry("ok", "x", "ok")), 60_000, OnRefusal.REPORT, dlq, false, sleeps::add)
                .send(entries("a", "b", "c"), e -> settled.add(e.offset()));
        assertThat(reported).containsExactly("1: Bad b:1 " + SECRET);
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(stats.reported.get()).isEqualTo(1);
        assertThat(warnings()).anyMatch(w -> w.contains("t-0@1")).noneMatch(w -> w.contains(SECRET));
    }

    @Test
    void warnAndIgnoreSkipTheRefusedEntryAndOnlyWarnLogsIt() throws Exception {
        final List<Long> settled = new ArrayList<>();
        loop(new ScriptedCall().then(perEntry("x", "ok")), OnRefusal.WARN).send(entries("a", "b"),
                e -> settled.add(e.offset()));
        assertThat(settled).containsExactlyInAnyOrder(0L, 1L);
        assertThat(warnings()).singleElement().asString().contains("t-0@0", "behavior.on.error=warn", "Bad")
                .doesNotContain(SECRET);

        logs.clear();
        loop(new ScriptedCall().then(perEntry("x", "ok")), OnRefusal.IGNORE).send(entries("a", "b"),
                e -> settled.add(e.offset()));
        assertThat(warnings()).isEmpty();
        assertThat(stats.refused.get()).isEqualTo(2);
    }

    @Test
    void aRequestTooLargeIsSplitWithoutBackoffAndAnEntryTooLargeAloneFollowsThePolicy() throws Exception {
        final ScriptedCall call = new ScriptedCall().then(r -> new Answer.TooLarge(null, "Lower batch.max.bytes."))
                .then(r -> new Answer.TooLarge("alone too large", "")).then(r -> Answer.ALL_TAKEN);
        final List<Long> settled = new ArrayList<>();
        loop(call, OnRefusal.IGNORE).send(entries("a", "b"), e -> settled.add(e.offset()));
        assertThat(call.requests).containsExactly(List.of("a:0", "b:1"), List.of("a:0"), List.of("b:1"));
        assertThat(settled).containsExactly(0L, 1L);
        assertThat(stats.refused.get()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(warnings()).anyMatch(w -> w.contains("in halves") && w.contains("batch.max.bytes"));
    }

    @Test
    void anAnswerWithTheWrongNumberOfResultsFailsTheBatch() {
        final Throwable thrown = catchThrowable(() -> loop(new ScriptedCall()
                .then(r -> new Answer.PerEntry(List.of(Answer.Result.TAKEN))), OnRefusal.FAIL)
                .send(entries("a", "b"), e -> {
                }));
        assertThat(thrown).isInstanceOf(ConnectException.class).hasMessageContaining("1 results for 2");
    }
}
