package dev.forestwatch.streams.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.model.Emitted;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.model.Watermark;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several scoring tasks feed one ordering task; a second is complete only when all of them have passed it. */
class SecondOrderingProcessorTest {

    private static final long S = 1_700_000_000L; // a second, in epoch seconds
    private static final long MAX_WAIT = 10_000L;

    private final MockProcessorContext<String, Emitted> context = new MockProcessorContext<>();
    private SecondOrderingProcessor processor = eventTime();
    private long wall = 1_000_000L;

    @BeforeEach
    void init() {
        final KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> buffer = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SecondOrderingProcessor.BUFFER_STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        final KeyValueStore<String, byte[]> marks = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SecondOrderingProcessor.WATERMARK_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        buffer.init(context.getStateStoreContext(), buffer);
        marks.init(context.getStateStoreContext(), marks);
        context.addStateStore(buffer);
        context.addStateStore(marks);
        context.setCurrentSystemTimeMs(wall);
        processor.init(context);
    }

    private static SecondOrderingProcessor eventTime() {
        return new SecondOrderingProcessor(new SecondOrderingProcessor.Settings(500L, MAX_WAIT, 100L, 2, false, 1));
    }

    /** A new instance on the same stores, as after a restart or a move of the task. */
    private void restart(final SecondOrderingProcessor fresh) {
        processor = fresh;
        processor.init(context);
    }

    @Test
    void afterARestartARecordForAnEmittedSecondIsStillLateAndDoesNotStartASecondBlock() {
        watermark("1_0", S * 1000);
        watermark("1_1", S * 1000);
        scored(S, 1.0, "a");
        watermark("1_0", (S + 2) * 1000);
        watermark("1_1", (S + 2) * 1000);
        assertThat(emitted()).containsExactly("a");
        restart(eventTime());
        scored(S, 2.0, "late");
        final List<Record<String, Emitted>> out = forwarded();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).headers().lastHeader(SecondOrderingProcessor.HEADER_LATE)).isNotNull();
        watermark("1_0", (S + 5) * 1000);
        watermark("1_1", (S + 5) * 1000);
        assertThat(emitted()).isEmpty(); // nothing of second S was kept back to come out as a second block
    }

    @Test
    void withIngestTimeARecordForAnEmittedSecondJoinsTheFirstOpenSecondAsOneBlockWithIt() {
        restart(new SecondOrderingProcessor(new SecondOrderingProcessor.Settings(0L, MAX_WAIT, 100L, 2, true, 1)));
        watermark("1_0", S * 1000);
        watermark("1_1", S * 1000);
        scoredJson(S, 1.0, "a");
        advance(MAX_WAIT + 1); // 1_1 went silent: presumed gone, second S goes out without it
        watermark("1_0", (S + 1) * 1000);
        assertThat(createdOf(forwarded())).containsExactly("a@" + S);
        scoredJson(S + 1, 1.0, "b");
        scoredJson(S, 5.0, "back"); // 1_1 is back with a record of second S, already emitted
        restart(new SecondOrderingProcessor(new SecondOrderingProcessor.Settings(0L, MAX_WAIT, 100L, 2, true, 1)));
        scoredJson(S, 4.0, "back2"); // and after a restart too
        watermark("1_0", (S + 2) * 1000);
        watermark("1_1", (S + 2) * 1000);
        final List<Record<String, Emitted>> out = forwarded();
        // one block for S + 1, in score order, with created = S + 1 for all of it
        assertThat(createdOf(out)).containsExactly("back@" + (S + 1), "back2@" + (S + 1), "b@" + (S + 1));
        assertThat(out).allSatisfy(r -> assertThat(r.value().second()).isEqualTo(S + 1));
        assertThat(new String(out.get(0).headers().lastHeader(SecondOrderingProcessor.HEADER_DELAYED_FROM).value(),
                StandardCharsets.UTF_8)).isEqualTo(java.time.Instant.ofEpochSecond(S).toString());
        assertThat(out.get(2).headers().lastHeader(SecondOrderingProcessor.HEADER_DELAYED_FROM)).isNull();
    }

    @Test
    void aDelayedRecordOnlyMovesIntoASecondThisTaskOwns() {
        final int partitions = 4;
        final long first = java.util.stream.LongStream.iterate(S, s -> s + 1)
                .filter(s -> SecondPartitioner.partitionOf(s, partitions) == 0).findFirst().orElseThrow();
        restart(new SecondOrderingProcessor(
                new SecondOrderingProcessor.Settings(0L, MAX_WAIT, 100L, 1, true, partitions)));
        watermark("1_0", first * 1000);
        scoredJson(first, 1.0, "a");
        watermark("1_0", (first + 1) * 1000);
        assertThat(createdOf(forwarded())).containsExactly("a@" + first);
        scoredJson(first, 1.0, "late");
        watermark("1_0", (first + 1000) * 1000);
        final List<Record<String, Emitted>> out = forwarded();
        assertThat(out).hasSize(1);
        final long moved = out.get(0).value().second();
        assertThat(moved).isGreaterThan(first);
        assertThat(SecondPartitioner.partitionOf(moved, partitions)).isZero(); // MockProcessorContext's task 0_0
    }

    @Test
    void aLaggingTaskHoldsBackTheSecondUntilItCatchesUp() {
        watermark("1_0", S * 1000 + 100);
        watermark("1_1", S * 1000 + 100);
        scored(S, 0.5, "a");
        watermark("1_0", (S + 5) * 1000); // the fast task is 5 s ahead
        assertThat(emitted()).isEmpty();
        scored(S, 3.0, "b"); // the slow task's record for second S still arrives in time
        watermark("1_1", (S + 1) * 1000 + 499);
        assertThat(emitted()).isEmpty();
        watermark("1_1", (S + 1) * 1000 + 500); // now both are past S's end plus the 500 ms grace
        assertThat(emitted()).containsExactly("b", "a");
    }

    @Test
    void nothingIsEmittedUntilEveryScoringTaskHasSpoken() {
        scored(S, 1.0, "a");
        watermark("1_0", (S + 5) * 1000); // far ahead, but 1_1 (a backlog not yet started) has said nothing
        assertThat(emitted()).isEmpty();
        scored(S, 2.0, "b");
        watermark("1_1", (S + 2) * 1000);
        assertThat(emitted()).containsExactly("b", "a");
    }

    @Test
    void aSilentTaskStopsHoldingBackAfterTheMaxWait() {
        watermark("1_0", S * 1000);
        watermark("1_1", S * 1000);
        scored(S, 1.0, "a");
        advance(MAX_WAIT / 2);
        watermark("1_0", (S + 3) * 1000);
        assertThat(emitted()).isEmpty();
        advance(MAX_WAIT / 2 + 1); // 1_1 has not spoken for the max wait: it is presumed gone
        watermark("1_0", (S + 3) * 1000);
        assertThat(emitted()).containsExactly("a");
    }

    @Test
    void idleTasksDoNotHoldBackAndWhenAllAreIdleEverythingIsEmitted() {
        watermark("1_0", S * 1000);
        idle("1_1");
        scored(S, 1.0, "a");
        scored(S + 1, 1.0, "b");
        watermark("1_0", (S + 1) * 1000 + 600);
        assertThat(emitted()).containsExactly("a");
        idle("1_0");
        assertThat(emitted()).containsExactly("b");
    }

    private void advance(final long ms) {
        wall += ms;
        context.setCurrentSystemTimeMs(wall);
    }

    private void watermark(final String task, final long streamTime) {
        processor.process(new Record<Long, Message>(null, new Watermark(task, streamTime, false), streamTime));
    }

    private void idle(final String task) {
        processor.process(new Record<Long, Message>(null, new Watermark(task, 0L, true), 0L));
    }

    private void scored(final long second, final double score, final String id) {
        processor.process(new Record<Long, Message>(second, new Scored(score, "sensor", id,
                id.getBytes(StandardCharsets.UTF_8)), second * 1000));
    }

    private void scoredJson(final long second, final double score, final String id) {
        final String json = "{\"id\":\"" + id + "\",\"created\":\"" + java.time.Instant.ofEpochSecond(second) + "\"}";
        processor.process(new Record<Long, Message>(second, new Scored(score, "sensor", id,
                json.getBytes(StandardCharsets.UTF_8)), second * 1000));
    }

    private List<Record<String, Emitted>> forwarded() {
        final List<Record<String, Emitted>> out = context.forwarded().stream()
                .map(f -> new Record<String, Emitted>(f.record().key(), f.record().value(), f.record().timestamp(),
                        f.record().headers()))
                .toList();
        context.resetForwards();
        return out;
    }

    /** id@second of each record, with the second taken from the JSON's created field. */
    private static List<String> createdOf(final List<Record<String, Emitted>> records) {
        return records.stream().map(r -> {
            final String json = new String(r.value().json(), StandardCharsets.UTF_8);
            final String id = json.replaceAll(".*\"id\":\"([^\"]*)\".*", "$1");
            final String created = json.replaceAll(".*\"created\":\"([^\"]*)\".*", "$1");
            return id + "@" + java.time.Instant.parse(created).getEpochSecond();
        }).toList();
    }

    private List<String> emitted() {
        final List<String> ids = context.forwarded().stream()
                .map(f -> new String(f.record().value().json(), StandardCharsets.UTF_8)).toList();
        context.resetForwards();
        return ids;
    }

    static Duration ms(final long v) {
        return Duration.ofMillis(v);
    }
}
