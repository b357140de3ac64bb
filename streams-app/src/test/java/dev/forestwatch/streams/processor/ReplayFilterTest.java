package dev.forestwatch.streams.processor;

import static dev.forestwatch.streams.processor.ReplayFilter.Verdict.NEW;
import static dev.forestwatch.streams.processor.ReplayFilter.Verdict.REPLAY;
import static dev.forestwatch.streams.processor.ReplayFilter.Verdict.RESET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.processor.ReplayFilter.Position;
import dev.forestwatch.streams.processor.ReplayFilter.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayFilterTest {

    private ReplayFilter filter;

    @BeforeEach
    void init() {
        final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("replays"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        filter = new ReplayFilter(store,
                List.of("kinesis.shard.id", "kinesis.sequence.number", "kinesis.subsequence.number"));
    }

    @Test
    void sequenceNumbersCompareAsNumbersOfAnyLengthThenBySubSequence() {
        // 56-digit Kinesis sequence numbers exceed a long: longer means larger
        final String big = "49680577270577919087172327176987624146266863570580930578";
        assertThat(new Position(big, 0).compareTo(new Position("99", 0))).isPositive();
        assertThat(new Position("100", 0).compareTo(new Position("99", 5))).isPositive();
        assertThat(new Position("0100", 0).compareTo(new Position("100", 0))).isZero();
        assertThat(new Position(big, 1).compareTo(new Position(big, 2))).isNegative();
        assertThat(new Position("123", 0).compareTo(new Position("124", 0))).isNegative();
    }

    @Test
    void aRecordReadAgainAfterACrashIsAReplay() {
        // the source re-reads from its checkpoint at 200
        assertThat(verdicts("s", null, "100", "200", "300", "200", "300", "400"))
                .containsExactly(NEW, NEW, NEW, REPLAY, REPLAY, NEW);
    }

    @Test
    void twoStreamsWithTheSameShardIdsNeverCompareTheirSequenceNumbers() {
        assertThat(verdicts("east", null, "900")).containsExactly(NEW);
        // another stream's shardId-0 is at an unrelated, lower position: good records, not replays
        assertThat(verdicts("west", null, "500", "600")).containsExactly(NEW, NEW);
        assertThat(verdicts("east", null, "901")).containsExactly(NEW);
        assertThat(verdicts("west", null, "550")).containsExactly(REPLAY);
    }

    @Test
    void aReCreatedStreamWithTheSameShardIdsIsANewStream() {
        assertThat(verdicts("s", "1700000000000", "900", "950")).containsExactly(NEW, NEW);
        // deleted and created again: same name and shard ids, its sequence numbers start over inside the old range
        assertThat(verdicts("s", "1800000000000", "920", "930")).containsExactly(NEW, NEW);
    }

    @Test
    void aPositionBelowEverythingSeenPassesVisiblyInsteadOfBeingDropped() {
        // no creation time header: a re-created stream can only be told by positions below the range seen
        assertThat(verdicts("s", null, "900", "950", "10", "11", "10"))
                .containsExactly(NEW, NEW, RESET, NEW, REPLAY);
    }

    @Test
    void recordsWithoutCoordinatesAlwaysPass() {
        assertThat(filter.check(new RecordHeaders())).isEqualTo(Verdict.NEW);
        assertThat(filter.check(new RecordHeaders())).isEqualTo(Verdict.NEW);
    }

    /** The filter's verdicts on records of {@code stream}'s shardId-0 at these sequence numbers, in turn. */
    private List<Verdict> verdicts(final String stream, final String created, final String... sequenceNumbers) {
        final List<Verdict> verdicts = new ArrayList<>();
        for (final String seq : sequenceNumbers) {
            verdicts.add(filter.check(kinesis(stream, created, "shardId-0", seq)));
        }
        return verdicts;
    }

    private static Headers kinesis(final String stream, final String created, final String shard, final String seq) {
        final RecordHeaders h = new RecordHeaders();
        h.add("kinesis.stream", stream.getBytes(StandardCharsets.UTF_8));
        if (created != null) {
            h.add("kinesis.stream.created", created.getBytes(StandardCharsets.UTF_8));
        }
        h.add("kinesis.shard.id", shard.getBytes(StandardCharsets.UTF_8));
        h.add("kinesis.sequence.number", seq.getBytes(StandardCharsets.UTF_8));
        h.add("kinesis.subsequence.number", "0".getBytes(StandardCharsets.UTF_8));
        return h;
    }
}
