package dev.forestwatch.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.processor.ReplayFilter.Position;
import dev.forestwatch.streams.processor.ReplayFilter.Verdict;
import java.nio.charset.StandardCharsets;
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
        assertThat(filter.check(kinesis("s", null, "shardId-0", "100"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "200"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "300"))).isEqualTo(Verdict.NEW);
        // the source re-reads from its checkpoint at 200
        assertThat(filter.check(kinesis("s", null, "shardId-0", "200"))).isEqualTo(Verdict.REPLAY);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "300"))).isEqualTo(Verdict.REPLAY);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "400"))).isEqualTo(Verdict.NEW);
    }

    @Test
    void twoStreamsWithTheSameShardIdsNeverCompareTheirSequenceNumbers() {
        assertThat(filter.check(kinesis("east", null, "shardId-0", "900"))).isEqualTo(Verdict.NEW);
        // another stream's shardId-0 is at an unrelated, lower position: a good record, not a replay
        assertThat(filter.check(kinesis("west", null, "shardId-0", "500"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("west", null, "shardId-0", "600"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("east", null, "shardId-0", "901"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("west", null, "shardId-0", "550"))).isEqualTo(Verdict.REPLAY);
    }

    @Test
    void aReCreatedStreamWithTheSameShardIdsIsANewStream() {
        assertThat(filter.check(kinesis("s", "1700000000000", "shardId-0", "900"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", "1700000000000", "shardId-0", "950"))).isEqualTo(Verdict.NEW);
        // deleted and created again: same name and shard ids, its sequence numbers start over inside the old range
        assertThat(filter.check(kinesis("s", "1800000000000", "shardId-0", "920"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", "1800000000000", "shardId-0", "930"))).isEqualTo(Verdict.NEW);
    }

    @Test
    void aPositionBelowEverythingSeenPassesVisiblyInsteadOfBeingDropped() {
        // no creation time header: a re-created stream can only be told by positions below the range seen
        assertThat(filter.check(kinesis("s", null, "shardId-0", "900"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "950"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "10"))).isEqualTo(Verdict.RESET);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "11"))).isEqualTo(Verdict.NEW);
        assertThat(filter.check(kinesis("s", null, "shardId-0", "10"))).isEqualTo(Verdict.REPLAY);
    }

    @Test
    void recordsWithoutCoordinatesAlwaysPass() {
        assertThat(filter.check(new RecordHeaders())).isEqualTo(Verdict.NEW);
        assertThat(filter.check(new RecordHeaders())).isEqualTo(Verdict.NEW);
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
