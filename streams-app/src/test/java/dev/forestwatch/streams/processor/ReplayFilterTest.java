package dev.forestwatch.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayFilterTest {

    @Test
    void sequenceNumbersCompareAsNumbersOfAnyLengthThenBySubSequence() {
        // 56-digit Kinesis sequence numbers exceed a long: longer means larger
        final String big = "49680577270577919087172327176987624146266863570580930578";
        assertThat(ReplayFilter.compare(big, 0, "99", 0)).isPositive();
        assertThat(ReplayFilter.compare("100", 0, "99", 5)).isPositive();
        assertThat(ReplayFilter.compare("0100", 0, "100", 0)).isZero();
        assertThat(ReplayFilter.compare(big, 1, big, 2)).isNegative();
        assertThat(ReplayFilter.compare("123", 0, "124", 0)).isNegative();
    }
}
